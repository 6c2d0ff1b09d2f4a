// Browser test of the registration page: Debian chromium driven by playwright-core. The page files are served
// from src/marketplace/registration-page with the config.js the construct generates; /landing and /register are
// served by the REAL register handler (DynamoDB Local + the Marketplace fake), all on 127.0.0.1.
// The buyer's journey: AWS Marketplace form-POSTs the token → resolved at once, bound to this browser in a signed
// HttpOnly session cookie → 302 to the page (no token in the URL) → fill in → registered. A second browser with the
// same token is refused.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { handler as register } from '../../../lambda/marketplace/register';
import { SubscriberStore } from '../../../lambda/marketplace/domain/subscriber-store';
import { dynamo } from '../../../lambda/shared/aws-clients';
import { PAGE_FILES, registrationPageDir } from '../../../src/marketplace/registration-web-page';
import { httpEvent } from '../../../local/http-event';
import { PRODUCT, startHarness, type Harness } from '../../integration/marketplace/harness';
import { type ChromiumProfile, launchChromium, needsChromium, postMarketplaceForm } from '../../support/chromium';
import { addLicenseBuyer } from '../../support/marketplace-loopback';

// Chromium found as .ci/run finds it; missing: one line, and a failure under CI=true (no silent skip).
const CHROMIUM_TOOL = needsChromium('registration-page browser test');
const CHROMIUM = CHROMIUM_TOOL.path ?? 'chromium';
const maybe = CHROMIUM_TOOL.describe;

maybe('registration page in chromium', () => {
  let h: Harness;
  let server: Server;
  let base = '';
  let profile: ChromiumProfile | undefined;
  let browser: BrowserContext; // the profile's persistent context

  beforeAll(async () => {
    h = await startHarness('mp-page', { identityMode: 'license' });
    process.env.REQUIRED_FIELDS = 'companyName,contactPerson,contactEmail';
    process.env.OPTIONAL_FIELDS = 'contactPhone';
    const dir = registrationPageDir();
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', async () => {
        const url = new URL(req.url ?? '/', base);
        const file = url.pathname === '/' ? 'index.html' : url.pathname.slice(1);
        if (req.method === 'GET' && file === 'config.js') {
          res.setHeader('content-type', 'application/javascript');
          // Same shape as the aws_s3_object the construct writes.
          res.end(
            `window.SBT_MARKETPLACE_REGISTRATION = ${JSON.stringify({ requiredFields: ['companyName', 'contactPerson', 'contactEmail'], optionalFields: ['contactPhone'], registerUrl: '/register', productName: 'Widgets' })};\n`,
          );
          return;
        }
        if (req.method === 'GET' && PAGE_FILES[file]) {
          res.setHeader('content-type', PAGE_FILES[file]);
          res.end(readFileSync(join(dir, file)));
          return;
        }
        if (req.method === 'POST' && (url.pathname === '/register' || url.pathname === '/landing')) {
          const out = (await register(
            httpEvent({
              method: 'POST',
              path: url.pathname,
              headers: {
                'content-type': String(req.headers['content-type'] ?? ''),
                ...(req.headers.cookie ? { cookie: req.headers.cookie } : {}),
              },
              body: Buffer.concat(chunks).toString('utf8'),
            }),
          )) as { statusCode: number; headers?: Record<string, string>; body?: string };
          res.writeHead(out.statusCode, out.headers ?? {});
          res.end(out.body ?? '');
          return;
        }
        res.statusCode = 404;
        res.end('not found');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    process.env.REGISTRATION_PAGE_URL = `${base}/index.html`;
    profile = await launchChromium(CHROMIUM);
    browser = profile.context;
  });

  afterAll(async () => {
    await profile?.close();
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    await h?.stop();
    delete process.env.REGISTRATION_PAGE_URL;
  });

  /** Marketplace's form POST of the token to /landing, from a page of the same origin; on to the page. */
  const arriveFromMarketplace = (page: Page, token: string, offerType?: string) =>
    postMarketplaceForm(page, {
      from: `${base}/nothing`,
      action: `${base}/landing`,
      token,
      offerType,
      until: /index\.html\?session=1/,
    });

  test('token POST → 302 to the page → fields from configuration → registered (pending until Marketplace confirms)', async () => {
    const { token } = addLicenseBuyer(h.fake, { product: PRODUCT, licenseId: 'l-browser1', account: '123412341234' });
    const page = await browser.newPage();
    await arriveFromMarketplace(page, token, 'free-trial');
    // Resolved at landing; the token is not in the page URL (history, logs, Referer), the session cookie is HttpOnly.
    expect(page.url()).not.toContain('x-amzn-marketplace-token');
    const cookies = await browser.cookies(base);
    expect(cookies).toEqual([
      expect.objectContaining({ name: '__Host-sbt-mp-registration', httpOnly: true, secure: true, sameSite: 'Lax' }),
    ]);
    expect(await page.evaluate('document.cookie')).toBe('');
    await expect(page.locator('h1').textContent()).resolves.toBe('Set up your Widgets account');
    const labels = await page.locator('label').allTextContents();
    expect(labels).toEqual(['Company name', 'Contact person', 'Contact email', 'Contact phone (optional)']);
    expect(await page.locator('#f-contactEmail').getAttribute('type')).toBe('email');
    expect(await page.locator('#f-contactPhone').getAttribute('type')).toBe('tel');

    // Client-side validation first: nothing is sent with a missing field or a bad e-mail.
    await page.fill('#f-companyName', 'Acme Browser');
    await page.fill('#f-contactEmail', 'not-an-email');
    await page.click('#submit');
    await expect(page.locator('#status').textContent()).resolves.toMatch(/fix the highlighted fields/);
    expect(await page.locator('#f-contactPerson').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#h-contactEmail').textContent()).toMatch(/valid e-mail/);

    await page.fill('#f-contactPerson', 'Grace');
    await page.fill('#f-contactEmail', 'grace@acme.example');
    await page.click('#submit');
    await page.locator('#status.ok').waitFor();
    expect(await page.locator('#status').textContent()).toMatch(/access starts as soon as AWS Marketplace confirms/);
    expect(await page.locator('#registration').isHidden()).toBe(true);

    const item = await new SubscriberStore(dynamo(), h.tables.subscribers, 'license').get('license:l-browser1');
    expect(item).toMatchObject({
      registration: { companyName: 'Acme Browser', contactPerson: 'Grace', contactEmail: 'grace@acme.example' },
      customerAWSAccountId: '123412341234',
      offerType: 'free-trial',
      freeTrial: true,
    });
    await page.close();
  });

  test("an invalid token is refused at landing; no session: no form; a second browser replaying the buyer's token cannot register", async () => {
    const page = await browser.newPage();
    await postMarketplaceForm(page, {
      from: `${base}/nothing`,
      action: `${base}/landing`,
      token: 'forged-token',
      until: /\/landing$/,
    });
    expect(await page.locator('body').textContent()).toMatch(/x-amzn-marketplace-token.*invalid/);

    await page.goto(`${base}/index.html`);
    await page.locator('#status.error').waitFor();
    expect(await page.locator('#status').textContent()).toMatch(/Registration session missing/);
    expect(await page.locator('#registration').isHidden()).toBe(true);
    await page.close();

    // The hijack of the issue: the buyer lands first; someone else replays the same token in another browser.
    const { token } = addLicenseBuyer(h.fake, { product: PRODUCT, licenseId: 'l-browser2', account: '123412349999' });
    const buyerPage = await browser.newPage();
    await arriveFromMarketplace(buyerPage, token);
    const other = await launchChromium(CHROMIUM);
    try {
      const evil = await other.context.newPage();
      await postMarketplaceForm(evil, {
        from: `${base}/nothing`,
        action: `${base}/landing`,
        token,
        until: /\/landing$/,
      });
      expect(await evil.locator('body').textContent()).toMatch(/already opened in another browser/);
      // Even straight to the page: no session, so the registration endpoint refuses it.
      await evil.goto(`${base}/index.html?session=1`);
      await evil.fill('#f-companyName', 'Evil');
      await evil.fill('#f-contactPerson', 'Mallory');
      await evil.fill('#f-contactEmail', 'mallory@evil.example');
      await evil.click('#submit');
      await evil.locator('#status.error').waitFor();
      expect(await evil.locator('#status').textContent()).toMatch(/session/);
    } finally {
      await other.close();
    }
    // The buyer still registers, with their own details.
    await buyerPage.fill('#f-companyName', 'Buyer Co');
    await buyerPage.fill('#f-contactPerson', 'Bea');
    await buyerPage.fill('#f-contactEmail', 'bea@buyer.example');
    await buyerPage.click('#submit');
    await buyerPage.locator('#status.ok').waitFor();
    const item = await new SubscriberStore(dynamo(), h.tables.subscribers, 'license').get('license:l-browser2');
    expect(item).toMatchObject({ registration: { companyName: 'Buyer Co', contactEmail: 'bea@buyer.example' } });
    await buyerPage.close();
  });
});
