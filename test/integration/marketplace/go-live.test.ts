// Going live as a seller would, against DynamoDB Local and the loopback Marketplace fake answering in AWS's
// documented shapes (LicenseArn echoed in another spelling, the ~1 h final window after "Purchase Agreement
// Ended", licence activation period, UsageAllocations), with an injected clock:
//  - final usage at cancellation is billed once, inside the window; what AWS refuses is alarmed, never silent;
//  - results are matched on what was sent; no double bill across the ProductCode → LicenseArn migration;
//    hourly sums range-checked; never timestamped before the licence start; tags become UsageAllocations;
//  - plan changes reach the tenant as tenantUpdated; one licence-id normalisation joins every spelling.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { clock as handlerClock } from '../../../lambda/marketplace/domain/runtime';
import { bucketIdOf } from '../../../lambda/marketplace/domain/metering';
import { SubscriberStore } from '../../../lambda/marketplace/domain/subscriber-store';
import { dynamo } from '../../../lambda/shared/aws-clients';
import {
  PRODUCT,
  agreementEvent,
  controlPlaneTenants,
  licenseEvent,
  notify,
  registerThroughPage,
  startHarness,
  type Harness,
} from './harness';
import { Clock, HOUR, job, writeUsage, type Usage } from './metering-support';

let h: Harness;
const clock = new Clock(0);
const realNow = handlerClock.now;
beforeAll(async () => {
  h = await startHarness('mp-golive', { fakeNow: () => clock.now(), fakeEcho: 'documented' });
  handlerClock.now = () => clock.now();
  process.env.REGISTRATION_PAGE_URL = 'https://page.example/index.html';
});
afterAll(async () => {
  handlerClock.now = realNow;
  await h.stop();
});

const store = () => new SubscriberStore(dynamo(), h.tables.subscribers, 'license');
const form = { companyName: 'Go Live', contactPerson: 'Lin', contactEmail: 'lin@golive.example' };
const H = Date.UTC(2026, 10, 27, 10); // 10:00 UTC
let n = 0;

/** A Concurrent-Agreements buyer, registered in a browser and licensed (License Updated, AWS's sample shape). */
async function activeBuyer(
  o: { withCustomerIdentifier?: boolean; agreementId?: string; eventSpelling?: 'event' | 'lic' } = {},
) {
  const id = `${Date.now().toString(36)}x${++n}`;
  const account = String(300000000000 + n);
  const b = {
    id,
    token: `tok-golive-${id}`,
    account,
    // ResolveCustomer's spelling (what BatchMeterUsage is sent with) …
    licenseArn: `arn:aws:license-manager::${account}:license:l-${id}`,
    // … and the EventBridge sample's spelling of the same licence.
    eventLicenseArn: o.eventSpelling === 'lic' ? `lic-${id}` : `aws:license-manager:us-east-1:${account}:l-${id}`,
    customerIdentifier: `CI${id}`,
    agreementId: o.agreementId ?? `agmt-${id}`,
    subscriberId: `license:l-${id}`,
  };
  h.fake.addToken(b.token, {
    ProductCode: PRODUCT,
    CustomerAWSAccountId: account,
    LicenseArn: b.licenseArn,
    ...(o.withCustomerIdentifier ? { CustomerIdentifier: b.customerIdentifier } : {}),
  });
  await registerThroughPage(b.token, form);
  expect(
    await notify(
      licenseEvent('Updated', new Date(H - 2 * HOUR).toISOString(), {
        licenseArn: b.eventLicenseArn,
        account,
        agreementId: b.agreementId,
      }),
    ),
  ).toEqual({ batchItemFailures: [] });
  const sub = await store().get(b.subscriberId);
  expect(sub?.access).toBe('GRANTED');
  // The application plane provisioned the tenant (the control plane's own result path).
  await tenants().handleJobResult('provisionSuccess', {
    tenantRegistrationId: sub?.tenantRegistrationId,
    jobOutput: {},
  });
  return b;
}
const tenants = () => controlPlaneTenants(h);

const usage = (
  b: { licenseArn: string; account: string },
  at: number,
  quantity: number,
  extra: Partial<Usage> & { tags?: Record<string, string> } = {},
): Usage =>
  ({
    customerKey: b.licenseArn,
    recordId: `u-${++n}`,
    licenseArn: b.licenseArn,
    customerAWSAccountId: b.account,
    dimension: 'users',
    quantity,
    timestamp: Math.floor(at / 1000),
    ...extra,
  }) as Usage;

/** AWS's documented "Purchase Agreement Ended - Manufacturer" event (reference §3.8), for this buyer. */
const agreementEnded = (b: { agreementId: string; account: string }, at: number) =>
  agreementEvent('Purchase Agreement Ended - Manufacturer', new Date(at).toISOString(), {
    agreement: {
      id: b.agreementId,
      intent: 'NEW',
      status: 'CANCELLED',
      acceptanceTime: new Date(H - 3 * HOUR).toISOString(),
      startTime: new Date(H - 3 * HOUR).toISOString(),
      endTime: new Date(at).toISOString(),
    },
    acceptor: { accountId: b.account },
    proposer: { accountId: '123456512334' },
    offer: { id: 'offer-golive' },
    resaleAuthorization: null,
  });

test("cancel at H:05 with usage in H: billed once before AWS's window closes; without the flush it would be refused — and that is alarmed", async () => {
  h.fake.reset();
  clock.t = H + 2 * 60_000;
  const b = await activeBuyer();
  await writeUsage(h.tables.usage, [usage(b, H + 60_000, 3), usage(b, H + 4 * 60_000, 4)]);
  // The buyer cancels at H:05: AWS takes usage until about H+1:05, the hourly job would send H only at H+1:15.
  clock.t = H + 5 * 60_000;
  h.fake.endAgreement(b.licenseArn, clock.t);
  expect(await notify(agreementEnded(b, clock.t))).toEqual({ batchItemFailures: [] });
  const billed = h.fake.billed.filter((r) => r.licenseArn && r.key.includes(`l-${b.id}`));
  expect(billed).toEqual([
    expect.objectContaining({ dimension: 'users', hour: new Date(H).toISOString(), quantity: 7 }),
  ]);
  expect(billed[0].acceptedAt).toBeLessThan(H + 5 * 60_000 + HOUR);
  const ledger = (
    await dynamo().send(
      new GetCommand({
        TableName: h.tables.ledger,
        Key: { bucketId: bucketIdOf({ licenseArn: b.licenseArn, customerAWSAccountId: b.account }, 'users', H) },
      }),
    )
  ).Item;
  expect(ledger).toMatchObject({ state: 'SENT', quantity: 7 });
  // The hourly run at H+1:15 sends nothing again (no double bill); usage that still arrives for H is late → DLQ.
  await writeUsage(h.tables.usage, [usage(b, H + 30 * 60_000, 1)]);
  clock.t = H + HOUR + 15 * 60_000;
  const dead: Record<string, unknown>[] = [];
  const report = await job(h, clock, { deadLetter: async (items) => void dead.push(...items) });
  expect(report).toMatchObject({ late: 1, sent: 0 });
  expect(dead).toEqual([expect.objectContaining({ reason: 'late' })]);
  expect(h.fake.billed.filter((r) => r.key.includes(`l-${b.id}`))).toHaveLength(1);
  // A License Deprovisioned (the other doc revision's window start) flushes again: nothing left, nothing re-sent.
  expect(
    await notify(
      licenseEvent('Deprovisioned', new Date(clock.t).toISOString(), {
        licenseArn: b.eventLicenseArn,
        account: b.account,
        agreementId: b.agreementId,
      }),
    ),
  ).toEqual({ batchItemFailures: [] });
  expect(h.fake.billed.filter((r) => r.key.includes(`l-${b.id}`))).toHaveLength(1);

  // Control: a buyer whose cancellation is not flushed loses the usage to CustomerNotSubscribed — recorded AND sent
  // to the DLQ (the alarm's input), never only a stored state.
  clock.t = H + 2 * 60_000;
  const c = await activeBuyer();
  await writeUsage(h.tables.usage, [usage(c, H + 60_000, 5)]);
  h.fake.endAgreement(c.licenseArn, H + 5 * 60_000);
  clock.t = H + HOUR + 15 * 60_000;
  const dead2: Record<string, unknown>[] = [];
  const r2 = await job(h, clock, { deadLetter: async (items) => void dead2.push(...items) });
  expect(r2).toMatchObject({ notSubscribed: 1 });
  expect(dead2).toEqual([expect.objectContaining({ state: 'NOT_SUBSCRIBED', licenseArn: c.licenseArn })]);
});

test("unsubscribe-pending style flush for an agreement whose licence is unknown: the account's open usage is sent at once", async () => {
  h.fake.reset();
  clock.t = H + 2 * 60_000;
  const b = await activeBuyer();
  await writeUsage(h.tables.usage, [usage(b, H + 60_000, 2)]);
  clock.t = H + 10 * 60_000;
  // An agreement id we never saw on a licence: the flush falls back to the buyer's account.
  expect(await notify(agreementEnded({ agreementId: `agmt-unknown-${b.id}`, account: b.account }, clock.t))).toEqual({
    batchItemFailures: [],
  });
  expect(h.fake.billed.filter((r) => r.key.includes(`l-${b.id}`)).map((r) => r.quantity)).toEqual([2]);
});

test("results are matched on what was sent (AWS's documented LicenseArn echo): ledger SENT after one request, no re-sends", async () => {
  h.fake.reset();
  const b = {
    licenseArn: `arn:aws:license-manager::400000000001:license:l-echo${Date.now().toString(36)}`,
    account: '400000000001',
  };
  await writeUsage(h.tables.usage, [usage(b, H + 60_000, 2), usage(b, H + 60_000, 1, { dimension: 'admins' })]);
  clock.t = H + HOUR + 15 * 60_000;
  const report = await job(h, clock);
  expect(report).toMatchObject({ sent: 2, retryLater: 0, failed: 0 });
  expect(h.fake.calls.filter((c) => c.target === 'BatchMeterUsage')).toHaveLength(1);
  expect(await job(h, clock)).toMatchObject({ claimed: 0 });
});

test('ProductCode → LicenseArn migration: a buyer metered both ways in one hour is billed once, on the licence', async () => {
  h.fake.reset();
  clock.t = H + 2 * 60_000;
  const b = await activeBuyer({ withCustomerIdentifier: true });
  await writeUsage(h.tables.usage, [
    {
      customerKey: b.customerIdentifier,
      recordId: `m-${++n}`,
      customerIdentifier: b.customerIdentifier,
      dimension: 'users',
      quantity: 2,
      timestamp: Math.floor((H + 60_000) / 1000),
    },
    usage(b, H + 2 * 60_000, 3),
  ]);
  clock.t = H + HOUR + 15 * 60_000;
  const report = await job(h, clock, { subscribersTable: h.tables.subscribers });
  expect(report).toMatchObject({ sent: 1 });
  const mine = h.fake.billed.filter(
    (r) => r.key.includes(`l-${b.id}`) || r.customerIdentifier === b.customerIdentifier,
  );
  expect(mine).toEqual([expect.objectContaining({ licenseArn: b.licenseArn, productCode: undefined, quantity: 5 })]);
});

test('hourly sum range-checked: what would exceed 2147483647 is refused (DLQ), never put on the wire', async () => {
  h.fake.reset();
  const b = {
    licenseArn: `arn:aws:license-manager::400000000002:license:l-big${Date.now().toString(36)}`,
    account: '400000000002',
  };
  await writeUsage(h.tables.usage, [usage(b, H + 60_000, 2_000_000_000), usage(b, H + 2 * 60_000, 2_000_000_000)]);
  clock.t = H + HOUR + 15 * 60_000;
  const dead: Record<string, unknown>[] = [];
  const report = await job(h, clock, { deadLetter: async (items) => void dead.push(...items) });
  expect(report).toMatchObject({ overflow: 1, sent: 1 });
  expect(h.fake.billed.filter((r) => r.key.includes('l-big')).map((r) => r.quantity)).toEqual([2_000_000_000]);
  expect(dead).toEqual([expect.objectContaining({ reason: 'overflow', error: expect.stringMatching(/2147483647/) })]);
});

test('never timestamped before the licence start; usage before it is refused; tags become UsageAllocations', async () => {
  h.fake.reset();
  clock.t = H - HOUR;
  const b = await activeBuyer();
  // The agreement started at 09:30 (Purchase Agreement Created carries startTime); AWS refuses earlier timestamps.
  const start = H - 30 * 60_000;
  expect(
    await notify(
      agreementEvent('Purchase Agreement Created - Manufacturer', new Date(start).toISOString(), {
        agreement: { id: b.agreementId, intent: 'NEW', status: 'ACTIVE', startTime: new Date(start).toISOString() },
        acceptor: { accountId: b.account },
        proposer: { accountId: '123456512334' },
        offer: { id: 'offer-golive' },
      }),
    ),
  ).toEqual({ batchItemFailures: [] });
  h.fake.licenseStarts.set(`l-${b.id}`, start);
  await writeUsage(h.tables.usage, [
    usage(b, H - 50 * 60_000, 9), // 09:10: before the licence
    usage(b, H - 20 * 60_000, 3, { tags: { team: 'blue' } }), // 09:40
    usage(b, H - 15 * 60_000, 2, { tags: { team: 'red', env: 'prod' } }),
    usage(b, H - 10 * 60_000, 1),
  ]);
  clock.t = H + 15 * 60_000;
  const dead: Record<string, unknown>[] = [];
  const report = await job(h, clock, {
    subscribersTable: h.tables.subscribers,
    deadLetter: async (items) => void dead.push(...items),
  });
  expect(report).toMatchObject({ invalid: 1, sent: 1, failed: 0 });
  expect(dead).toEqual([
    expect.objectContaining({ reason: 'invalid', error: expect.stringMatching(/before the licence started/) }),
  ]);
  const [billed] = h.fake.billed.filter((r) => r.key.includes(`l-${b.id}`));
  expect(billed).toMatchObject({
    quantity: 6,
    timestamp: new Date(start).toISOString(),
    hour: new Date(H - HOUR).toISOString(),
  });
  expect(billed.allocations).toEqual(
    expect.arrayContaining([
      { quantity: 3, tags: { team: 'blue' } },
      { quantity: 2, tags: { env: 'prod', team: 'red' } },
      { quantity: 1 },
    ]),
  );
});

test('plan changes (entitlements amended, trial → paid) reach the tenant as tenantUpdated; GetEntitlements asked with every licence spelling', async () => {
  process.env.PRICING_MODEL = 'CONTRACTS_WITH_SUBSCRIPTION';
  clock.t = H;
  // Entitlements are stored under ResolveCustomer's spelling; the licence event spells it `lic-…`.
  const id = `${Date.now().toString(36)}p`;
  const account = '500000000001';
  const licenseArn = `arn:aws:license-manager::${account}:license:l-${id}`;
  h.fake.entitlements.push({
    ProductCode: PRODUCT,
    Dimension: 'basic',
    LicenseArn: licenseArn,
    CustomerAWSAccountId: account,
    Value: { BooleanValue: true },
  });
  h.fake.addToken(`tok-${id}`, { ProductCode: PRODUCT, CustomerAWSAccountId: account, LicenseArn: licenseArn });
  await registerThroughPage(`tok-${id}`, form, 'free-trial');
  const lic = (offer: string, at: string) =>
    agreementEvent('License Updated - Manufacturer', at, {
      agreement: { id: `agmt-${id}` },
      product: { code: PRODUCT, id: 'prod-x' },
      license: { arn: `lic-${id}` },
      acceptor: { accountId: account },
      proposer: { accountId: '123456512334' },
      offer: { id: offer },
    });
  expect(await notify(lic('offer-trial', '2026-11-27T10:00:00Z'))).toEqual({ batchItemFailures: [] });
  const sub = await store().get(`license:l-${id}`);
  expect(sub).toMatchObject({
    access: 'GRANTED',
    freeTrial: true,
    entitlements: [expect.objectContaining({ dimension: 'basic', value: true })],
  });
  const onboarding = h.bus
    .ofType('sbt_aws_onboardingRequest')
    .find((e) => e.detail.marketplaceSubscriberId === `license:l-${id}`)!;
  expect(onboarding.detail).toMatchObject({ tier: 'basic-trial', freeTrial: true, tenantId: sub?.tenantId });
  const updates = () => h.bus.ofType('sbt_aws_tenantUpdated').filter((e) => e.detail.tenantId === sub?.tenantId);

  // Upgrade: the agreement is amended and the licence now entitles `premium`.
  h.fake.entitlements.find((e) => e.LicenseArn === licenseArn)!.Dimension = 'premium';
  expect(
    await notify(
      agreementEvent('Purchase Agreement Amended - Manufacturer', '2026-11-27T11:00:00Z', {
        agreement: { id: `agmt-${id}`, intent: 'AMEND', status: 'ACTIVE' },
        acceptor: { accountId: account },
        proposer: { accountId: '123456512334' },
        offer: { id: 'offer-trial' },
      }),
    ),
  ).toEqual({ batchItemFailures: [] });
  expect(updates().map((e) => (e.detail.changes as Record<string, unknown>).tier)).toEqual(['premium-trial']);

  // Trial → paid: the licence moves to the paid offer.
  expect(await notify(lic('offer-paid', '2026-11-27T12:00:00Z'))).toEqual({ batchItemFailures: [] });
  expect(updates().map((e) => (e.detail.changes as Record<string, unknown>).tier)).toEqual([
    'premium-trial',
    'premium',
  ]);
  const tenant = await tenants().getTenant(String(sub?.tenantId));
  expect(tenant).toMatchObject({
    tier: 'premium',
    freeTrial: false,
    marketplaceEntitlements: [expect.objectContaining({ dimension: 'premium' })],
  });
  // A duplicate delivery changes nothing and emits nothing.
  await notify(lic('offer-paid', '2026-11-27T12:00:00Z'));
  expect(updates()).toHaveLength(2);
});
