/**
 * Notifications for ANOTHER product are ignored on both notification paths (issue 16, survivor (e)):
 * a seller account receives the SNS messages and EventBridge events of every listing it owns, so a
 * subscribe/licence message of product B must never grant, revoke or re-fetch anything for product A.
 * The SNS path is guarded by the handler only (the topic is per product); the licence-event path is guarded
 * twice — by the synthesized rules' product filter (test/synth/marketplace/product-filter.test.ts) and by
 * the handler, tested here with events that get past a rule (e.g. a misconfigured or hand-made rule).
 * Each test also sends the same message for OUR product afterwards, so "nothing happened" cannot pass
 * because the message was malformed.
 */
import { SubscriberStore } from '../../../lambda/marketplace/domain/subscriber-store';
import { dynamo } from '../../../lambda/shared/aws-clients';
import {
  PRODUCT,
  agreementEvent,
  notify,
  registerThroughPage,
  snsNotification,
  startHarness,
  tokenBuyer,
  type Harness,
} from './harness';

const OTHER = 'otherproductcode00000002';

let h: Harness;
beforeAll(async () => {
  h = await startHarness('mp-other-product');
  process.env.REGISTRATION_PAGE_URL = 'https://page.example/index.html'; // /landing → 302 to the page, which registers
});
afterAll(() => h.stop());

const store = (mode: 'license' | 'customer') => new SubscriberStore(dynamo(), h.tables.subscribers, mode);
const onboardings = (id: string) =>
  h.bus.ofType('sbt_aws_onboardingRequest').filter((e) => e.detail.marketplaceSubscriberId === id);
const form = { companyName: 'Acme', contactPerson: 'Ada', contactEmail: 'ada@acme.example' };

let n = 0;
async function registeredBuyer(mode: 'license' | 'customer') {
  process.env.IDENTITY_MODE = mode;
  n++;
  const id = `${Date.now().toString(36)}op${n}`;
  const b = {
    ...tokenBuyer(h, id, String(200000000000 + n), mode === 'license'),
    subscriberId: mode === 'license' ? `license:l-${id}` : `customer:CI${id}`,
  };
  await registerThroughPage(b.token, form);
  return b;
}

function licenseUpdated(product: string, b: { eventLicenseArn: string; account: string }, time: string): string {
  return agreementEvent('License Updated - Manufacturer', time, {
    agreement: { id: 'agmt-op' },
    product: { code: product, id: 'prod-x' },
    license: { arn: b.eventLicenseArn },
    acceptor: { accountId: b.account },
    offer: { id: 'offer-1' },
  });
}

test('survivor (e), licence-event path: License Updated for another product grants nothing; the same event for ours does', async () => {
  const b = await registeredBuyer('license');
  const before = await store('license').get(b.subscriberId);
  expect(await notify(licenseUpdated(OTHER, b, '2026-11-24T10:00:00Z'))).toEqual({ batchItemFailures: [] });
  expect(await store('license').get(b.subscriberId)).toEqual(before); // not a single attribute written
  expect(onboardings(b.subscriberId)).toHaveLength(0);
  h.fake.calls.length = 0;
  await notify(licenseUpdated(PRODUCT, b, '2026-11-24T10:00:01Z'));
  expect((await store('license').get(b.subscriberId))?.access).toBe('GRANTED');
  expect(onboardings(b.subscriberId)).toHaveLength(1);
});

test('survivor (e), licence-event path: License Deprovisioned for another product revokes nothing', async () => {
  const b = await registeredBuyer('license');
  await notify(licenseUpdated(PRODUCT, b, '2026-11-24T10:00:00Z'));
  const granted = await store('license').get(b.subscriberId);
  expect(granted?.access).toBe('GRANTED');
  const deprovisioned = (product: string, time: string) =>
    agreementEvent('License Deprovisioned - Manufacturer', time, {
      agreement: { id: 'agmt-op' },
      product: { code: product, id: 'prod-x' },
      license: { arn: b.eventLicenseArn },
      acceptor: { accountId: b.account },
    });
  await notify(deprovisioned(OTHER, '2026-11-24T11:00:00Z'));
  expect(await store('license').get(b.subscriberId)).toEqual(granted);
  await notify(deprovisioned(PRODUCT, '2026-11-24T11:00:01Z'));
  expect((await store('license').get(b.subscriberId))?.access).toBe('REVOKED');
});

test('survivor (e), SNS path: subscribe-success / unsubscribe-success / entitlement-updated for another product change nothing and call nothing', async () => {
  const b = await registeredBuyer('customer');
  const msg = (product: string, action: string) => ({
    action,
    'customer-identifier': b.customerIdentifier,
    'product-code': product,
  });
  const before = await store('customer').get(b.subscriberId);
  h.fake.calls.length = 0;
  await notify(
    snsNotification(msg(OTHER, 'subscribe-success'), '2026-11-24T10:00:00.000Z'),
    snsNotification(msg(OTHER, 'entitlement-updated'), '2026-11-24T10:00:01.000Z'),
  );
  expect(await store('customer').get(b.subscriberId)).toEqual(before);
  expect(h.fake.calls.map((c) => c.target)).toEqual([]); // no GetEntitlements for a product we do not sell
  expect(onboardings(b.subscriberId)).toHaveLength(0);

  await notify(snsNotification(msg(PRODUCT, 'subscribe-success'), '2026-11-24T10:00:02.000Z'));
  expect((await store('customer').get(b.subscriberId))?.access).toBe('GRANTED');
  const granted = await store('customer').get(b.subscriberId);
  await notify(snsNotification(msg(OTHER, 'unsubscribe-success'), '2026-11-24T12:00:00.000Z'));
  expect(await store('customer').get(b.subscriberId)).toEqual(granted);
});

test("survivor (e), SNS path: another product's subscribe-success for an unknown customer parks nothing", async () => {
  process.env.IDENTITY_MODE = 'customer';
  const ci = `CIunknown${Date.now().toString(36)}`;
  await notify(
    snsNotification(
      { action: 'subscribe-success', 'customer-identifier': ci, 'product-code': OTHER },
      '2026-11-24T10:00:00.000Z',
    ),
  );
  expect(await store('customer').get(`customer:${ci}`)).toBeUndefined();
  await notify(
    snsNotification(
      { action: 'subscribe-success', 'customer-identifier': ci, 'product-code': PRODUCT },
      '2026-11-24T10:00:00.000Z',
    ),
  );
  expect(await store('customer').get(`customer:${ci}`)).toBeDefined(); // ours is parked until registration
});
