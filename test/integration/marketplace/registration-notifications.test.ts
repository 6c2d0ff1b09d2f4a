// Registration + notifications against DynamoDB Local, the loopback Marketplace fake (real SDK clients) and the
// EventBridge capture: ordering, duplicates, access rules and the control-plane events.
import { handler as notifications } from '../../../lambda/marketplace/notifications';
import { handler as subscribers } from '../../../lambda/marketplace/subscribers';
import { SubscriberStore } from '../../../lambda/marketplace/domain/subscriber-store';
import { dynamo } from '../../../lambda/shared/aws-clients';
import { httpEvent } from '../../../local/http-event';
import {
  Browser,
  PRODUCT,
  agreementEvent,
  controlPlaneTenants,
  licenseEvent,
  notify,
  postForm,
  snsNotification,
  startHarness,
  tokenBuyer,
  type Harness,
} from './harness';
import { createServer, type Server } from 'node:http';

let h: Harness;
beforeAll(async () => {
  h = await startHarness('mp-reg');
});
afterAll(() => h.stop());
beforeEach(() => {
  process.env.IDENTITY_MODE = 'license';
  // The 302-to-page variant (the construct's default); one test switches to the direct variant.
  process.env.REGISTRATION_PAGE_URL = 'https://page.example/index.html';
});

let n = 0;
/** A fresh buyer with a token the fake resolves (CA: licence + account; legacy id kept). */
function buyer(o: { withLicense?: boolean } = {}) {
  n++;
  return tokenBuyer(h, `${Date.now().toString(36)}${n}`, String(100000000000 + n), o.withLicense !== false);
}
const form = { companyName: 'Acme', contactPerson: 'Ada', contactEmail: 'ada@acme.example' };
/** One browser per buyer: Marketplace's form POST to /landing, then the page's JSON to /register. */
const browsers = new Map<string, Browser>();
async function registerAs(b: { token: string }, fields: Record<string, unknown>) {
  let br = browsers.get(b.token);
  if (!br) {
    br = new Browser();
    browsers.set(b.token, br);
    const landed = await br.land(b.token);
    if (landed.status !== 302 && landed.status !== 200)
      return { status: landed.status, body: { message: landed.body } as Record<string, unknown> };
  }
  const r = await br.register(fields);
  return { status: r.status, body: (r.json ?? {}) as Record<string, unknown> };
}
/** A fresh buyer registered through the page (license mode), and its subscriber id. */
async function registeredBuyer() {
  const b = buyer();
  await registerAs(b, form);
  return { buyer: b, id: `license:l-${b.token.slice(4)}` };
}
/** The control plane's own result path (what its results Lambda does on provisionSuccess). */
const tenants = () => controlPlaneTenants(h);
async function provisioned(subscriberId: string) {
  const item = await store().get(subscriberId);
  await tenants().handleJobResult('provisionSuccess', {
    tenantRegistrationId: item?.tenantRegistrationId,
    jobOutput: {},
  });
}
/** A licence event for buyer `b`'s licence and account (the EventBridge sample's spelling). */
const licence = (kind: 'Updated' | 'Deprovisioned', b: { eventLicenseArn: string; account: string }, time: string) =>
  licenseEvent(kind, time, { licenseArn: b.eventLicenseArn, account: b.account });
const onboardings = (id: string) =>
  h.bus.ofType('sbt_aws_onboardingRequest').filter((e) => e.detail.marketplaceSubscriberId === id);
const offboardings = (id: string) =>
  h.bus.ofType('sbt_aws_offboardingRequest').filter((e) => e.detail.marketplaceSubscriberId === id);
const store = () =>
  new SubscriberStore(dynamo(), h.tables.subscribers, (process.env.IDENTITY_MODE as 'license') ?? 'license');

test('register first: stored with LicenseArn + account (legacy id kept), no access until License Updated; then exactly one onboardingRequest', async () => {
  const b = buyer();
  const r = await registerAs(b, form);
  expect(r.status).toBe(201);
  const id = `license:l-${b.token.slice(4)}`;
  expect(r.body).toMatchObject({ subscriberId: id, status: 'PENDING_SUBSCRIPTION' });
  const item = await store().get(id);
  expect(item).toMatchObject({
    licenseArn: b.licenseArn,
    customerAWSAccountId: b.account,
    customerIdentifier: b.customerIdentifier,
    productCode: PRODUCT,
  });
  expect(item?.access).toBeUndefined();
  expect(onboardings(id)).toHaveLength(0);

  const ev = licence('Updated', b, '2026-11-24T10:00:00Z');
  expect(await notify(ev)).toEqual({ batchItemFailures: [] });
  expect((await store().get(id))?.access).toBe('GRANTED');
  await notify(ev, ev); // duplicates
  const events = onboardings(id);
  expect(events).toHaveLength(1);
  expect(events[0].Source).toBe('sbt.control.plane');
  expect(events[0].detail).toMatchObject({
    tenantName: 'Acme',
    email: 'ada@acme.example',
    customerAWSAccountId: b.account,
    customerAWSAccountID: b.account,
    licenseArn: b.licenseArn,
    productCode: PRODUCT,
    source: 'aws-marketplace',
    tier: 'marketplace',
  });
  // The control plane's own registration path: the ids every consumer reads (billing, provisioning job).
  const tenantOf = await store().get(id);
  expect(events[0].detail).toMatchObject({
    tenantId: tenantOf?.tenantId,
    tenantRegistrationId: tenantOf?.tenantRegistrationId,
  });
  expect(await tenants().getTenant(String(tenantOf?.tenantId))).toMatchObject({
    lifecycleState: 'PROVISIONING',
    tenantName: expect.stringContaining('Acme'),
  });
  expect(await tenants().getRegistration(String(tenantOf?.tenantRegistrationId))).toMatchObject({
    source: 'aws-marketplace',
    marketplaceSubscriberId: id,
  });
});

test('notification first, then registration: access is granted by the registration, once', async () => {
  const b = buyer();
  const id = `license:l-${b.token.slice(4)}`;
  await notify(licence('Updated', b, '2026-11-24T10:00:00Z'));
  expect(onboardings(id)).toHaveLength(0);
  const r = await registerAs(b, form);
  expect(r.body.status).toBe('ACTIVE');
  // Resubmitting the same form (same buyer, same session) is idempotent; other details are a conflict.
  expect((await registerAs(b, form)).status).toBe(201);
  const other = await registerAs(b, { ...form, companyName: 'Evil' });
  expect(other.status).toBe(409);
  expect(onboardings(id)).toHaveLength(1);
  expect((await store().get(id))?.registration).toEqual(form);
});

test('every order of register / License Updated / duplicate / Agreement Created converges on one grant and one event', async () => {
  const steps = ['register', 'updated', 'updated', 'agreement'] as const;
  const perms: (typeof steps)[number][][] = [];
  const permute = (rest: (typeof steps)[number][], acc: (typeof steps)[number][]) => {
    if (!rest.length) return perms.push(acc);
    for (const [i, s] of rest.entries()) permute([...rest.slice(0, i), ...rest.slice(i + 1)], [...acc, s]);
  };
  permute([...steps], []);
  for (const order of perms) {
    const b = buyer();
    const id = `license:l-${b.token.slice(4)}`;
    const updated = licenseEvent(
      'Updated',
      '2026-11-24T10:00:00Z',
      { licenseArn: b.eventLicenseArn, account: b.account, agreementId: `agmt-${b.account}` },
      `upd-${b.account}`,
    );
    for (const s of order) {
      if (s === 'register') expect((await registerAs(b, form)).status).toBe(201);
      if (s === 'updated') await notify(updated);
      if (s === 'agreement')
        await notify(
          agreementEvent('Purchase Agreement Created - Proposer', '2026-11-24T09:59:00Z', {
            agreement: { id: `agmt-${b.account}`, intent: 'NEW', status: 'ACTIVE' },
            acceptor: { accountId: b.account },
            proposer: { accountId: '1' },
            offer: { id: 'offer-1' },
          }),
        );
    }
    const item = await store().get(id);
    expect({ order, access: item?.access, version: item?.accessVersion, emitted: item?.emittedVersion }).toEqual({
      order,
      access: 'GRANTED',
      version: 1,
      emitted: 1,
    });
    expect(onboardings(id)).toHaveLength(1);
  }
});

test('reordering: License Deprovisioned processed before an older License Updated never grants; Updated→Deprovisioned offboards once', async () => {
  const { buyer: a, id: idA } = await registeredBuyer();
  await notify(licence('Deprovisioned', a, '2026-11-24T12:00:00Z'));
  await notify(licence('Updated', a, '2026-11-24T10:00:00Z'));
  expect((await store().get(idA))?.licenseStatus).toBe('DEPROVISIONED');
  expect(onboardings(idA)).toHaveLength(0);
  expect(offboardings(idA)).toHaveLength(0);

  const { buyer: b, id: idB } = await registeredBuyer();
  const dep = licence('Deprovisioned', b, '2026-11-24T12:00:00Z');
  await notify(licence('Updated', b, '2026-11-24T10:00:00Z'));
  await provisioned(idB);
  await notify(dep, dep);
  expect((await store().get(idB))?.access).toBe('REVOKED');
  expect(onboardings(idB)).toHaveLength(1);
  expect(offboardings(idB)).toHaveLength(1);
  expect(offboardings(idB)[0].detail.tenantId).toBe((await store().get(idB))?.tenantId);
  // Same second: the deprovisioning wins the tie, whatever the processing order.
  const { buyer: c, id: idC } = await registeredBuyer();
  await notify(licence('Deprovisioned', c, '2026-11-24T12:00:00Z'));
  await notify(licence('Updated', c, '2026-11-24T12:00:00Z'));
  expect(onboardings(idC)).toHaveLength(0);
});

test('unsubscribe while the tenant is still PROVISIONING: deferred, not failed; the scheduled sweep offboards once the job finished', async () => {
  const { buyer: b, id } = await registeredBuyer();
  await notify(licence('Updated', b, '2026-11-24T10:00:00Z'));
  expect(onboardings(id)).toHaveLength(1);
  // The control plane refuses to offboard a PROVISIONING tenant: the change stays pending, the message succeeds.
  expect(await notify(licence('Deprovisioned', b, '2026-11-24T10:05:00Z'))).toEqual({ batchItemFailures: [] });
  expect(await store().get(id)).toMatchObject({
    access: 'REVOKED',
    accessVersion: 2,
    emittedVersion: 1,
    emissionPending: 'true',
  });
  expect(offboardings(id)).toHaveLength(0);
  await notifications({ sweep: 'pending-emissions' });
  expect(offboardings(id)).toHaveLength(0);
  // The provisioning job finishes; the next sweep offboards through the control plane, once.
  await provisioned(id);
  await notifications({ sweep: 'pending-emissions' });
  await notifications({ sweep: 'pending-emissions' });
  expect(offboardings(id)).toHaveLength(1);
  const item = await store().get(id);
  expect(item).toMatchObject({ emittedVersion: 2 });
  expect(item?.emissionPending).toBeUndefined();
});

test('Purchase Agreement Ended marks the licences of that agreement (final metering window), without revoking', async () => {
  const { buyer: b, id } = await registeredBuyer();
  await notify(
    licenseEvent('Updated', '2026-11-24T10:00:00Z', {
      licenseArn: b.eventLicenseArn,
      account: b.account,
      agreementId: 'agmt-end',
    }),
  );
  await notify(
    agreementEvent('Purchase Agreement Ended - Manufacturer', '2026-11-24T11:00:00Z', {
      agreement: { id: 'agmt-end', status: 'CANCELLED' },
      acceptor: { accountId: b.account },
      proposer: { accountId: '1' },
    }),
  );
  const item = await store().get(id);
  expect(item).toMatchObject({ agreementStatus: 'CANCELLED', access: 'GRANTED' });
  expect(item?.agreementEndedAt).toBeDefined();
  expect(await store().get('agreement:agmt-end')).toMatchObject({
    kind: 'agreement',
    agreementStatus: 'CANCELLED',
    customerAWSAccountId: b.account,
  });
});

test('legacy SNS (CustomerIdentifier keys): subscribe-success before registration, free-trial flag, unsubscribe-pending keeps access, unsubscribe-success revokes', async () => {
  process.env.IDENTITY_MODE = 'customer';
  const b = buyer({ withLicense: false });
  const id = `customer:${b.customerIdentifier}`;
  const msg = (action: string, extra: Record<string, unknown> = {}) => ({
    action,
    'customer-identifier': ` ${b.customerIdentifier}`,
    'product-code': PRODUCT,
    ...extra,
  });
  await notify(
    snsNotification(
      msg('subscribe-success', { 'offer-identifier': 'offer-abc', isFreeTrialTermPresent: 'true' }),
      '2026-11-24T10:00:00.000Z',
    ),
  );
  expect(onboardings(id)).toHaveLength(0);
  const r = await registerAs(b, form);
  expect(r.body).toMatchObject({ subscriberId: id, status: 'ACTIVE' });
  expect(await store().get(id)).toMatchObject({ freeTrial: true, offerId: 'offer-abc', access: 'GRANTED' });
  expect(onboardings(id)[0].detail.freeTrial).toBe(true);
  await provisioned(id);
  await notify(snsNotification(msg('unsubscribe-pending'), '2026-11-24T11:00:00.000Z'));
  expect((await store().get(id))?.access).toBe('GRANTED');
  const success = snsNotification(msg('unsubscribe-success'), '2026-11-24T12:00:00.000Z', 'same-id');
  await notify(success, success);
  // A subscribe-success delivered late (older Timestamp) does not resurrect access.
  await notify(snsNotification(msg('subscribe-success'), '2026-11-24T10:00:00.000Z'));
  expect((await store().get(id))?.access).toBe('REVOKED');
  expect(offboardings(id)).toHaveLength(1);
});

test('legacy: subscribe-fail never grants; entitlement-updated calls GetEntitlements and an expired contract revokes', async () => {
  process.env.IDENTITY_MODE = 'customer';
  const f = buyer({ withLicense: false });
  await registerAs(f, form);
  await notify(
    snsNotification(
      { action: 'subscribe-fail', 'customer-identifier': f.customerIdentifier, 'product-code': PRODUCT },
      '2026-11-24T10:00:00.000Z',
    ),
  );
  expect((await store().get(`customer:${f.customerIdentifier}`))?.access).toBeUndefined();

  const b = buyer({ withLicense: false });
  const id = `customer:${b.customerIdentifier}`;
  const future = Math.floor(Date.now() / 1000) + 86400 * 30;
  h.fake.entitlements.push({
    ProductCode: PRODUCT,
    Dimension: 'seats',
    CustomerIdentifier: b.customerIdentifier,
    Value: { IntegerValue: 10 },
    ExpirationDate: future,
  });
  await registerAs(b, form);
  await notify(
    snsNotification(
      { action: 'subscribe-success', 'customer-identifier': b.customerIdentifier, 'product-code': PRODUCT },
      '2026-11-24T10:00:00.000Z',
    ),
  );
  const granted = await store().get(id);
  expect(granted).toMatchObject({ access: 'GRANTED', contractExpired: false });
  expect(granted?.entitlements).toEqual([expect.objectContaining({ dimension: 'seats', value: 10 })]);
  await provisioned(id);
  // An entitlement change (more seats): the entitlement topic only says "entitlement-updated"; the new plan reaches
  // the tenant as tenantUpdated.
  h.fake.entitlements.find((e) => e.CustomerIdentifier === b.customerIdentifier)!.Value = { IntegerValue: 20 };
  await notify(
    snsNotification(
      { action: 'entitlement-updated', 'customer-identifier': b.customerIdentifier, 'product-code': PRODUCT },
      '2026-11-24T11:00:00.000Z',
    ),
  );
  const tenantId = (await store().get(id))?.tenantId;
  const planUpdate = h.bus
    .ofType('sbt_aws_tenantUpdated')
    .find(
      (e) => e.detail.tenantId === tenantId && (e.detail.changedFields as string[]).includes('marketplaceEntitlements'),
    );
  expect(
    (planUpdate!.detail.changes as { marketplaceEntitlements: { value: number }[] }).marketplaceEntitlements[0].value,
  ).toBe(20);
  // The contract expires: the entitlement topic only says "entitlement-updated", GetEntitlements tells what.
  h.fake.entitlements.find((e) => e.CustomerIdentifier === b.customerIdentifier)!.ExpirationDate =
    Math.floor(Date.now() / 1000) - 60;
  await notify(
    snsNotification(
      { action: 'entitlement-updated', 'customer-identifier': ` ${b.customerIdentifier}`, 'product-code': PRODUCT },
      '2026-11-25T10:00:00.000Z',
    ),
  );
  expect(await store().get(id)).toMatchObject({ access: 'REVOKED', contractExpired: true });
  expect(offboardings(id)).toHaveLength(1);
});

test('both modes at once: SNS facts parked under the legacy key are folded into the licence item at registration', async () => {
  const b = buyer();
  await notify(
    snsNotification(
      { action: 'subscribe-success', 'customer-identifier': b.customerIdentifier, 'product-code': PRODUCT },
      '2026-11-24T10:00:00.000Z',
    ),
  );
  expect(await store().get(`customer:${b.customerIdentifier}`)).toBeDefined();
  const r = await registerAs(b, form);
  expect(r.body.status).toBe('ACTIVE');
  expect(await store().get(`customer:${b.customerIdentifier}`)).toBeUndefined();
});

test('bad input: missing token, missing field, invalid/expired token, other product → 4xx naming the field', async () => {
  const missing = await new Browser().land('');
  expect(missing.status).toBe(400);
  expect(missing.body).toMatch(/x-amzn-marketplace-token/);
  const b = buyer();
  const noField = await registerAs(b, { companyName: 'A', contactEmail: 'a@b.co' });
  expect(noField.status).toBe(400);
  expect(noField.body.message).toMatch(/contactPerson/);
  expect((await new Browser().land('unknown')).body).toMatch(/x-amzn-marketplace-token.*invalid/);
  h.fake.expireToken('expired-token');
  expect((await new Browser().land('expired-token')).body).toMatch(/expired/);
  h.fake.addToken('other-product', { ProductCode: 'someoneelse', CustomerAWSAccountId: '1', LicenseArn: 'arn:l-zz' });
  const other = await new Browser().land('other-product');
  expect(other.status).toBe(400);
  expect(other.body).toMatch(/another product/);
  expect((await registerAs(b, { ...form, contactEmail: 'nope' })).status).toBe(400);
  // /register without the landing session: 401 naming the session, even with a valid token in the body.
  const noSession = await new Browser().register({ regToken: buyer().token, ...form });
  expect(noSession.status).toBe(401);
  expect(String(noSession.json?.message)).toMatch(/session/);
});

test('landing resolves the token at once and binds it to the browser: 302 without the token, signed session cookie; a second browser with the same token is refused; without a page → direct HTML registration', async () => {
  process.env.REGISTRATION_PAGE_URL = 'https://d111.cloudfront.net/index.html';
  const b = buyer();
  const token = `${b.token}+/=`;
  h.fake.addToken(token, { ProductCode: PRODUCT, CustomerAWSAccountId: b.account, LicenseArn: b.licenseArn });
  const resolvesBefore = h.fake.calls.filter((c) => c.target === 'ResolveCustomer').length;
  const buyerBrowser = new Browser();
  const res = await buyerBrowser.land(token, 'free-trial');
  expect(res.status).toBe(302);
  // Resolved at landing, not when the form is submitted.
  expect(h.fake.calls.filter((c) => c.target === 'ResolveCustomer').length).toBe(resolvesBefore + 1);
  const loc = new URL(res.headers.location);
  expect(loc.origin + loc.pathname).toBe('https://d111.cloudfront.net/index.html');
  expect(res.headers.location).not.toContain(encodeURIComponent(token));
  expect(loc.searchParams.get('x-amzn-marketplace-token')).toBeNull();
  expect(loc.searchParams.get('x-amzn-marketplace-offer-type')).toBe('free-trial');
  expect(res.headers['set-cookie']).toMatch(
    /^__Host-sbt-mp-registration=[^;]+; Max-Age=3600; Path=\/; Secure; HttpOnly; SameSite=Lax$/,
  );

  // The hijack: someone else replays the buyer's token in another browser → refused, and cannot register either.
  const attacker = new Browser();
  const replay = await attacker.land(token);
  expect(replay.status).toBe(409);
  expect(replay.headers['set-cookie']).toBeUndefined();
  expect((await attacker.register({ ...form, companyName: 'Evil', contactEmail: 'evil@x.example' })).status).toBe(401);
  // A forged cookie (payload changed, signature kept) is refused too.
  const eq = buyerBrowser.cookie!.indexOf('=');
  const [payload, sig] = buyerBrowser.cookie!.slice(eq + 1).split('.');
  const forged = JSON.parse(Buffer.from(payload, 'base64url').toString());
  forged.licenseArn = 'arn:aws:license-manager::1:license:l-victim';
  attacker.cookie = `${buyerBrowser.cookie!.slice(0, eq)}=${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${sig}`;
  expect((await attacker.register(form)).status).toBe(401);

  // The buyer registers (and may come back to the landing in the same browser); idempotent for the same buyer.
  expect((await buyerBrowser.land(token, 'free-trial')).status).toBe(302);
  expect((await buyerBrowser.register(form)).status).toBe(201);
  expect((await buyerBrowser.register(form)).status).toBe(201);
  expect(await store().get(`license:l-${b.token.slice(4)}`)).toMatchObject({
    registration: form,
    offerType: 'free-trial',
    freeTrial: true,
  });

  delete process.env.REGISTRATION_PAGE_URL;
  process.env.REQUIRED_FIELDS = '';
  try {
    const c = buyer();
    const direct = await new Browser().land(c.token, 'free-trial');
    expect(direct.status).toBe(200);
    expect(direct.headers['content-type']).toMatch(/text\/html/);
    expect(direct.body).toMatch(/Registration received/);
    expect(await store().get(`license:l-${c.token.slice(4)}`)).toMatchObject({
      offerType: 'free-trial',
      freeTrial: true,
    });
    const bad = await postForm('/landing', 'x=1');
    expect(bad.status).toBe(400);
    expect(bad.body).toMatch(/x-amzn-marketplace-token/);
  } finally {
    process.env.REQUIRED_FIELDS = 'companyName,contactPerson,contactEmail';
  }
});

test('seller e-mail through SES (SESv2 wire protocol) once per new subscriber', async () => {
  const sent: {
    FromEmailAddress: string;
    Destination: { ToAddresses: string[] };
    Content: { Simple: { Subject: { Data: string } } };
  }[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/v2/email/outbound-emails')
        sent.push(JSON.parse(Buffer.concat(chunks).toString()));
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ MessageId: `m-${sent.length}` }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  process.env.AWS_ENDPOINT_URL_SESV2 = `http://127.0.0.1:${port}`;
  process.env.SELLER_EMAIL = 'seller@example.com';
  try {
    const b = buyer();
    await registerAs(b, form);
    const ev = licence('Updated', b, '2026-11-24T10:00:00Z');
    await notify(ev, ev);
    expect(sent).toHaveLength(1);
    expect(sent[0].FromEmailAddress).toBe('seller@example.com');
    expect(sent[0].Destination.ToAddresses).toEqual(['seller@example.com']);
    expect(sent[0].Content.Simple.Subject.Data).toMatch(/Acme/);
  } finally {
    process.env.SELLER_EMAIL = '';
    await new Promise<void>((r) => server.close(() => r()));
  }
});

test('a failing PutEvents is retried by SQS (partial batch failure), and the event is not lost', async () => {
  const { buyer: b, id } = await registeredBuyer();
  const ev = licence('Updated', b, '2026-11-24T10:00:00Z');
  h.bus.failNext(1);
  const first = await notify(ev);
  expect(first.batchItemFailures).toHaveLength(1);
  expect(onboardings(id)).toHaveLength(0);
  await notify(ev); // redelivery
  expect(onboardings(id)).toHaveLength(1);
  expect(await store().get(id)).toMatchObject({ accessVersion: 1, emittedVersion: 1 });
});

test('a refused PutEvents for a buyer whose company name is already taken (suffixed tenant name) is re-emitted on redelivery', async () => {
  const companyName = `Taken ${Date.now().toString(36)}`;
  // Another tenant already holds the name: the grant names this tenant after the licence as well.
  await tenants().onboard({ tenantData: { tenantName: companyName }, registrationData: {}, reason: 'other tenant' });
  const b = buyer();
  const id = `license:l-${b.token.slice(4)}`;
  await registerAs(b, { ...form, companyName });
  const ev = licence('Updated', b, '2026-11-24T10:00:00Z');
  h.bus.failNext(1);
  expect((await notify(ev)).batchItemFailures).toHaveLength(1);
  expect(onboardings(id)).toHaveLength(0);
  expect(await notify(ev)).toEqual({ batchItemFailures: [] }); // redelivery
  const events = onboardings(id);
  expect(events).toHaveLength(1);
  expect(events[0].detail.tenantName).toBe(`${companyName} (l-${b.token.slice(4)})`);
  expect(await store().get(id)).toMatchObject({ accessVersion: 1, emittedVersion: 1 });
});

test('admin routes: list (paginated Query), get, delete (offboards a subscriber that had access); 404 on unknown', async () => {
  const b = buyer();
  await registerAs(b, form);
  await notify(licence('Updated', b, '2026-11-24T10:00:00Z'));
  const id = `license:l-${b.token.slice(4)}`;
  await provisioned(id);
  const call = async (method: string, route: string, path: string, extra: Record<string, unknown> = {}) => {
    const res = (await subscribers(
      httpEvent({
        method,
        path,
        route,
        claims: { sub: 'admin', scope: 'tenant/tenant_read tenant/tenant_write' },
        ...extra,
      }),
    )) as { statusCode: number; body: string };
    return { status: res.statusCode, body: JSON.parse(res.body) };
  };
  const page1 = await call('GET', '/subscribers', '/subscribers', { query: { limit: '2' } });
  expect(page1.status).toBe(200);
  expect(page1.body.data).toHaveLength(2);
  expect(page1.body.next_token).toBeDefined();
  const got = await call('GET', '/subscribers/{subscriberId}', `/subscribers/${encodeURIComponent(id)}`, {
    pathParameters: { subscriberId: encodeURIComponent(id) },
  });
  expect(got.body).toMatchObject({ subscriberId: id, access: 'GRANTED' });
  expect(got.body.registrationHash).toBeUndefined();
  const del = await call('DELETE', '/subscribers/{subscriberId}', `/subscribers/${id}`, {
    pathParameters: { subscriberId: id },
  });
  expect(del).toEqual({ status: 200, body: { subscriberId: id, deleted: true } });
  expect(offboardings(id)).toHaveLength(1);
  expect(
    h.bus
      .ofType('sbt_aws_tenantUpdated')
      .some(
        (e) =>
          e.detail.tenantId === offboardings(id)[0].detail.tenantId && /administrator/.test(String(e.detail.reason)),
      ),
  ).toBe(true);
  expect(
    (await call('GET', '/subscribers/{subscriberId}', `/subscribers/${id}`, { pathParameters: { subscriberId: id } }))
      .status,
  ).toBe(404);
  expect(
    (
      await call('DELETE', '/subscribers/{subscriberId}', `/subscribers/${id}`, {
        pathParameters: { subscriberId: id },
      })
    ).status,
  ).toBe(404);
  expect((await call('GET', '/subscribers', '/subscribers', { query: { next_token: 'garbage' } })).status).toBe(400);
  // The token the list issued continues it; forged tokens of another shape (odd attribute types, extra or
  // missing keys — a 500 from DynamoDB before) are refused with a 400 naming next_token.
  const page2 = await call('GET', '/subscribers', '/subscribers', {
    query: { limit: '2', next_token: page1.body.next_token },
  });
  expect(page2.status).toBe(200);
  const forge = (key: unknown) => Buffer.from(JSON.stringify(key)).toString('base64url');
  for (const key of [
    { subscriberId: 1, kind: 'subscriber' },
    { subscriberId: 'x', kind: { S: 'subscriber' } },
    { subscriberId: 'x' },
    { subscriberId: 'x', kind: 'subscriber', extra: 'y' },
    { subscriberId: '', kind: 'subscriber' },
  ]) {
    const r = await call('GET', '/subscribers', '/subscribers', { query: { next_token: forge(key) } });
    expect({ key, status: r.status, message: r.body.message }).toEqual({
      key,
      status: 400,
      message: expect.stringContaining('next_token'),
    });
  }
});
