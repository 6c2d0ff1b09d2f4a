// The AWS Marketplace flow through `npm run local` as a user runs it (a separate process, plain HTTP), the
// steps docs/marketplace.md ("Locally") documents: a buyer subscribes on the loopback Marketplace (a
// registration token) → Marketplace form-POSTs it to the fulfillment URL (/landing: ResolveCustomer, session
// cookie, 302 to the page) → the page's POST /register → Marketplace confirms (subscribe-success on the SNS
// topic, or License Updated on EventBridge; through fauxqs to the consumer) → onboarding through the control
// plane → ACTIVE tenant; unsubscribe / License Deprovisioned → OFFBOARDED; the metering job on demand bills the
// buyer's usage with BatchMeterUsage on the dimension the usage named.
import { readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';
import { launchChromium, needsChromium, postMarketplaceForm } from '../../support/chromium';
import { call, startLocal, type StartedLocal } from './start-local';

const CHROMIUM = needsChromium('local Marketplace flow in the browser');

let rt: StartedLocal;

beforeAll(async () => {
  rt = await startLocal();
}, 180000);

afterAll(async () => {
  await rt?.stop();
});

/** A buyer's browser: keeps the session cookie the fulfillment URL sets, as a browser does. */
class Browser {
  cookie?: string;
  async post(url: string, contentType: string, body: string) {
    const res = await fetch(url, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': contentType, ...(this.cookie ? { cookie: this.cookie } : {}) },
      body,
    });
    const set = res.headers.get('set-cookie');
    if (set) this.cookie = set.split(';')[0];
    const text = await res.text();
    let json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, location: res.headers.get('location'), setCookie: set, text, json };
  }
}

const mp = (path: string, body?: unknown) => call(rt.info, 'POST', `/_local/marketplace/${path}`, body ?? {}, null);
const registration = {
  companyName: 'Acme Local',
  contactPerson: 'Ada',
  contactPhone: '+1 555 0100',
  contactEmail: 'ada@acme.example',
};

test('subscribe → landing → registration page → register → subscribe-success → ACTIVE; metering on demand; unsubscribe → OFFBOARDED', async () => {
  const { info } = rt;
  expect(info.marketplace?.fulfillmentUrl).toBe(`${info.url}/landing`);

  // 1. The buyer subscribes: the Marketplace fake issues a registration token (and the contract's entitlement).
  const sub = await mp('subscribe', { dimension: 'basic' });
  expect(sub.status).toBe(201);
  const buyer = sub.body as { token: string; customerIdentifier: string; licenseArn: string };

  // 2. "Set up your account": Marketplace form-POSTs the token to the fulfillment URL → 302 to the page, session cookie.
  const browser = new Browser();
  const landing = await browser.post(
    info.marketplace!.fulfillmentUrl,
    'application/x-www-form-urlencoded',
    new URLSearchParams({ 'x-amzn-marketplace-token': buyer.token }).toString(),
  );
  expect(landing.status).toBe(302);
  expect(landing.setCookie).toMatch(/^__Host-[^=]+=[^;]+; .*HttpOnly/);
  const page = new URL(landing.location!);
  expect(`${page.origin}${page.pathname}`).toBe(info.marketplace!.pageUrl);
  expect(page.search).not.toContain(buyer.token); // the token never travels on in a URL

  // 3. The page: the synthesized bucket objects, config.js from its template with the stack's inputs.
  const html = await fetch(page.href);
  expect(html.status).toBe(200);
  expect(await html.text()).toContain('<script src="config.js"');
  const window: Record<string, unknown> = {};
  runInNewContext(await (await fetch(`${info.url}/config.js`)).text(), { window });
  expect(window.SBT_MARKETPLACE_REGISTRATION).toMatchObject({
    requiredFields: Object.keys(registration),
    registerUrl: '/register',
  });

  // 4. The page's POST /register (only with the session): registered, access waits for Marketplace's confirmation.
  expect(
    (await new Browser().post(`${info.url}/register`, 'application/json', JSON.stringify(registration))).status,
  ).toBe(401);
  const registered = await browser.post(`${info.url}/register`, 'application/json', JSON.stringify(registration));
  expect([registered.status, registered.json?.status]).toEqual([201, 'PENDING_SUBSCRIPTION']);
  expect(
    (await call(info, 'GET', '/tenants')).body.data.filter(
      (t: { tenantName: string }) => t.tenantName === 'Acme Local',
    ),
  ).toEqual([]);

  // 5. Marketplace confirms (legacy SNS subscribe-success → the synthesized topic subscription → queue → consumer):
  //    onboarding through the control plane; the answer comes once the system settled.
  const ok = await mp('notify', { action: 'subscribe-success', customerIdentifier: buyer.customerIdentifier });
  expect(ok.status).toBe(200);
  expect(ok.body).toMatchObject({
    delivered: true,
    outcome: 'ok',
    subscriber: { access: 'GRANTED', subscriptionStatus: 'subscribe-success' },
  });
  const tenantId = ok.body.subscriber.tenantId as string;
  const tenant = (await call(info, 'GET', `/tenants/${tenantId}`)).body.data;
  expect(tenant).toMatchObject({
    lifecycleState: 'ACTIVE',
    tenantName: 'Acme Local',
    tier: 'basic',
    source: 'aws-marketplace',
    customerIdentifier: buyer.customerIdentifier,
  });
  // the admin route of the marketplace API (JWT-scoped) and the console list the subscriber
  expect((await call(info, 'GET', '/subscribers', undefined, null)).status).toBe(401);
  const subscribers = (await call(info, 'GET', '/subscribers')).body.data as { subscriberId: string; access: string }[];
  expect(subscribers.find((s) => s.subscriberId === ok.body.subscriber.subscriberId)).toMatchObject({
    access: 'GRANTED',
  });
  const state = (await call(info, 'GET', '/_local/api/state', undefined, null)).body;
  expect(state.subscribers.map((s: { tenantId: string }) => s.tenantId)).toContain(tenantId);
  expect(rt.output()).toMatch(
    /\[marketplace\] queue \S+-marketplace-notifications → lambda \S+-marketplace-notifications: message \S+ ok/,
  );

  // 6. Usage in a closed hour, the metering job on demand → the fake's BatchMeterUsage bills it on that dimension.
  const hourAgo = new Date(Date.now() - 90 * 60_000).toISOString();
  expect(
    (
      await mp('usage', {
        customerIdentifier: buyer.customerIdentifier,
        dimension: 'users',
        quantity: 7,
        timestamp: hourAgo,
      })
    ).status,
  ).toBe(201);
  const meter = await mp('meter');
  expect(meter.status).toBe(200);
  expect(meter.body.report).toMatchObject({ sent: 1, failed: 0 });
  expect(meter.body.batchMeterUsageCalls).toBe(1);
  expect(meter.body.billed).toEqual([
    expect.objectContaining({ licenseArn: buyer.licenseArn, dimension: 'users', quantity: 7 }),
  ]);
  expect((await mp('meter')).body.billed).toEqual([]); // nothing is billed twice

  // 7. Unsubscribe: pending (final metering hour), then success → offboarding → OFFBOARDED.
  expect(
    (await mp('notify', { action: 'unsubscribe-pending', customerIdentifier: buyer.customerIdentifier })).body,
  ).toMatchObject({ outcome: 'ok' });
  expect((await call(info, 'GET', `/tenants/${tenantId}`)).body.data.lifecycleState).toBe('ACTIVE');
  const gone = await mp('notify', { action: 'unsubscribe-success', customerIdentifier: buyer.customerIdentifier });
  expect(gone.body).toMatchObject({ outcome: 'ok', subscriber: { access: 'REVOKED' } });
  expect((await call(info, 'GET', `/tenants/${tenantId}`)).body.data.lifecycleState).toBe('OFFBOARDED');
  expect(readFileSync(info.awsCallLog, 'utf8')).toContain(`delete-stack --stack-name sbt-tenant-${tenantId}`);
}, 120000);

test('Concurrent Agreements: License Updated (EventBridge → queue) before registration → register answers ACTIVE; upgrade; License Deprovisioned → OFFBOARDED', async () => {
  const { info } = rt;
  const buyer = (await mp('subscribe')).body as { token: string; licenseArn: string; eventLicenseArn: string };
  const updated = await mp('notify', { action: 'license-updated', licenseArn: buyer.licenseArn });
  expect(updated.body).toMatchObject({ delivered: true, outcome: 'ok' });
  expect(rt.output()).toContain('→ rule product_ingest_agreements → queue');

  const browser = new Browser();
  expect(
    (
      await browser.post(
        `${info.url}/landing`,
        'application/x-www-form-urlencoded',
        `x-amzn-marketplace-token=${encodeURIComponent(buyer.token)}`,
      )
    ).status,
  ).toBe(302);
  const registered = await browser.post(
    `${info.url}/register`,
    'application/json',
    JSON.stringify({ ...registration, companyName: 'Beta Local' }),
  );
  expect([registered.status, registered.json?.status]).toEqual([201, 'ACTIVE']);
  const tenant = (await call(info, 'GET', '/tenants')).body.data.find(
    (t: { tenantName: string }) => t.tenantName === 'Beta Local',
  );
  expect(tenant).toMatchObject({ lifecycleState: 'ACTIVE', tier: 'basic', licenseArn: buyer.licenseArn });

  // The agreement is amended to the higher tier: the tenant follows (tenantUpdated).
  expect(
    (await mp('notify', { action: 'agreement-amended', licenseArn: buyer.eventLicenseArn, dimension: 'premium' })).body,
  ).toMatchObject({ outcome: 'ok' });
  expect((await call(info, 'GET', `/tenants/${tenant.tenantId}`)).body.data).toMatchObject({
    tier: 'premium',
    lifecycleState: 'ACTIVE',
  });

  expect((await mp('notify', { action: 'license-deprovisioned', licenseArn: buyer.licenseArn })).body).toMatchObject({
    outcome: 'ok',
    subscriber: { access: 'REVOKED' },
  });
  expect((await call(info, 'GET', `/tenants/${tenant.tenantId}`)).body.data.lifecycleState).toBe('OFFBOARDED');
}, 120000);

test('the local Marketplace endpoints answer bad input with a 4xx naming the field', async () => {
  expect(await mp('notify', { action: 'subscribe-maybe' })).toMatchObject({
    status: 400,
    body: { message: expect.stringMatching(/^field 'action'/) },
  });
  expect(await mp('notify', { action: 'subscribe-success' })).toMatchObject({
    status: 400,
    body: { message: expect.stringMatching(/customerIdentifier/) },
  });
  expect(await mp('notify', { action: 'subscribe-success', customerIdentifier: 'CI-NOBODY' })).toMatchObject({
    status: 404,
  });
  expect(await mp('subscribe', { customerAWSAccountId: '12' })).toMatchObject({
    status: 400,
    body: { message: expect.stringMatching(/^field 'customerAWSAccountId'/) },
  });
  const buyer = (await mp('subscribe')).body as { customerIdentifier: string };
  expect(await mp('usage', { customerIdentifier: buyer.customerIdentifier })).toMatchObject({
    status: 400,
    body: { message: expect.stringMatching(/^field 'dimension'/) },
  });
  expect(
    await mp('usage', { customerIdentifier: buyer.customerIdentifier, dimension: 'users', quantity: -1 }),
  ).toMatchObject({ status: 400, body: { message: expect.stringMatching(/^field 'quantity'/) } });
  expect((await call(rt.info, 'POST', '/_local/marketplace/usage', '[1]', null)).status).toBe(400);
  expect((await call(rt.info, 'POST', '/_local/marketplace/nothing', {}, null)).status).toBe(404);
  // the buyer-facing routes: a token the fake never issued is a 400 naming the form field, not a 5xx
  const bad = await new Browser().post(
    `${rt.info.url}/landing`,
    'application/x-www-form-urlencoded',
    'x-amzn-marketplace-token=forged',
  );
  expect(bad.status).toBe(400);
  expect(bad.text).toContain('x-amzn-marketplace-token');
});

CHROMIUM.describe('in Chromium', () => {
  test('the buyer lands from Marketplace, fills in the registration page and is ACTIVE; the console lists the subscriber', async () => {
    const { info } = rt;
    const buyer = (await mp('subscribe', { dimension: 'premium' })).body as { token: string; licenseArn: string };
    expect((await mp('notify', { action: 'license-updated', licenseArn: buyer.licenseArn })).body).toMatchObject({
      outcome: 'ok',
    });
    const browser = await launchChromium(CHROMIUM.path!, { viewport: { width: 1400, height: 1000 } });
    try {
      const page = await browser.context.newPage();
      await postMarketplaceForm(page, {
        from: `${info.url}/_local/console`,
        action: info.marketplace!.fulfillmentUrl,
        token: buyer.token,
        until: /\/index\.html\?session=1$/,
      });
      await expect(page.locator('h1').textContent()).resolves.toBe('Set up your SBT local product account');
      await page.fill('#f-companyName', 'Gamma Browser');
      await page.fill('#f-contactPerson', 'Grace');
      await page.fill('#f-contactPhone', '+1 555 0102');
      await page.fill('#f-contactEmail', 'grace@gamma.example');
      await page.click('#submit');
      await page.locator('#status.ok').waitFor();
      expect(await page.locator('#status').textContent()).toMatch(/your subscription is active/);
      const tenant = (await call(info, 'GET', '/tenants')).body.data.find(
        (t: { tenantName: string }) => t.tenantName === 'Gamma Browser',
      );
      expect(tenant).toMatchObject({ lifecycleState: 'ACTIVE', tier: 'premium' });

      await page.goto(info.console);
      const row = page.locator(`#subscribers tr[data-subscriber="${`license:${buyer.licenseArn.split(':').pop()}`}"]`);
      await row.waitFor();
      expect(await row.textContent()).toContain('Gamma Browser');
      await expect(row.locator('.state').textContent()).resolves.toBe('GRANTED');
      await expect(page.locator(`#tenants tr[data-tenant="${tenant.tenantId}"] .state`).textContent()).resolves.toBe(
        'ACTIVE',
      );
      await page.locator('#events tr.event', { hasText: 'License Updated - Manufacturer' }).first().waitFor();
      expect(
        await page.locator('#events tr.event', { hasText: 'License Updated - Manufacturer' }).first().textContent(),
      ).toMatch(/ok lambda \S+-marketplace-notifications/);
      if (process.env.SBT_CONSOLE_SCREENSHOT)
        await page.screenshot({
          path: process.env.SBT_CONSOLE_SCREENSHOT.replace(/(\.png)?$/, '-marketplace.png'),
          fullPage: true,
        });
    } finally {
      await browser.close();
    }
  }, 120000);
});
