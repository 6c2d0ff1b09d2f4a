/**
 * The registration site served from the synthesized stack (no hand-copied config.js, no hand-wired routes):
 * the page files are the stack's `aws_s3_object`s, config.js is the object's Terraform template with the
 * input variables applied, /landing and /register go along the synthesized HTTP API routes and CloudFront
 * behaviours to the register function with its declared environment. What a browser then does with the
 * page is registration-page.test.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { SubscriberStore } from '../../../lambda/marketplace/domain/subscriber-store';
import { dynamo } from '../../../lambda/shared/aws-clients';
import { registrationPageDir } from '../../../src/marketplace/registration-web-page';
import { addLicenseBuyer, landingForm } from '../../support/marketplace-loopback';
import { needsTool, onPath } from '../../support/tools';
import { fetchSite, OPTIONAL, PRODUCT, REQUIRED, startSite, type SiteFixture } from './synthesized-site';

const openssl = needsTool(
  'openssl',
  onPath('openssl'),
  'registration-site (local TLS for the https-only distribution)',
  'apt-get install -y openssl',
);

openssl.describe('registration site from the synthesized stack', () => {
  let f: SiteFixture;
  beforeAll(async () => {
    f = await startSite('mp-site', openssl.path!);
  });
  afterAll(() => f?.stop());

  test('the page files are the synthesized bucket objects; / is the default root object', async () => {
    for (const [path, file] of [
      ['/', 'index.html'],
      ['/app.js', 'app.js'],
      ['/style.css', 'style.css'],
    ]) {
      const r = await fetchSite(`${f.site.url}${path}`);
      expect([path, r.status, r.body]).toEqual([path, 200, readFileSync(join(registrationPageDir(), file), 'utf8')]);
    }
    expect((await fetchSite(`${f.site.url}/secret.txt`)).status).toBe(404);
  });

  test("config.js is the stack's template evaluated with the input variables", async () => {
    const r = await fetchSite(`${f.site.url}/config.js`);
    expect(r.headers['content-type']).toMatch(/^application\/javascript/);
    const window: Record<string, unknown> = {};
    runInNewContext(r.body, { window });
    expect(window.SBT_MARKETPLACE_REGISTRATION).toEqual({
      requiredFields: REQUIRED,
      optionalFields: OPTIONAL,
      registerUrl: '/register',
      productName: 'Widgets',
    });
  });

  test("POST /landing (Marketplace's form POST) → 302 to the distribution's page with a session cookie, no token in the URL; POST /register with it → 201, stored", async () => {
    const { token } = addLicenseBuyer(f.fake, { product: PRODUCT, licenseId: 'l-site1' });
    const landing = await fetchSite(`${f.site.url}/landing`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: landingForm(token),
    });
    expect([landing.status, landing.body]).toEqual([302, '']);
    const location = new URL(landing.headers.location);
    expect(`${location.origin}${location.pathname}`).toBe(`${f.site.url}/index.html`);
    expect(location.href).not.toContain(encodeURIComponent(token));
    const setCookie = String(landing.headers['set-cookie']);
    expect(setCookie).toMatch(/^__Host-[^=]+=[^;]+;.*Secure; HttpOnly/);
    const page = await fetchSite(location.href);
    expect(page.status).toBe(200);

    const fields = { companyName: 'Acme Site', contactPerson: 'Ada', contactEmail: 'ada@acme.example' };
    const without = await fetchSite(`${f.site.url}/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ regToken: token, ...fields }),
    });
    expect(without.status).toBe(401); // a token in the body without the session registers nobody
    const reg = await fetchSite(`${f.site.url}/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: setCookie.split(';')[0]! },
      body: JSON.stringify(fields),
    });
    expect([reg.status, JSON.parse(reg.body).status]).toEqual([201, 'PENDING_SUBSCRIPTION']);
    const table = Object.entries(f.tables).find(([logical]) => logical.includes('subscribers'))![1];
    expect(await new SubscriberStore(dynamo(), table, 'license').get('license:l-site1')).toMatchObject({
      registration: fields,
      productCode: PRODUCT,
    });
  });

  test('only the synthesized API behaviours reach the API: other paths go to the S3 origin, which allows GET/HEAD only', async () => {
    expect((await fetchSite(`${f.site.url}/subscribers`, { method: 'POST' })).status).toBe(403);
    expect((await fetchSite(`${f.site.url}/subscribers`)).status).toBe(404);
  });
});
