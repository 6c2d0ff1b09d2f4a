// The hourly metering job against DynamoDB Local and the Marketplace fake (real SDK client, awsJson1_1):
// aggregation per usage hour, pagination, chunking, retries (throttling, UnprocessedRecords), terminal outcomes,
// crash between send and mark, overlapping runs, cutoff → DLQ (fauxqs) and the alarm metric.
import { BatchMeterUsageCommand } from '@aws-sdk/client-marketplace-metering';
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { startFauxqsProcess } from '../../../local/fauxqs';
import { dynamo } from '../../../lambda/shared/aws-clients';
import { bucketIdOf } from '../../../lambda/marketplace/domain/metering';
import { handler } from '../../../lambda/marketplace/metering-job';
import { PRODUCT, startHarness, type Harness } from './harness';
import {
  Clock,
  HOUR,
  job,
  ledgerItems,
  meteringClient,
  pendingCount,
  writeUsage,
  type Usage,
} from './metering-support';

let h: Harness;
const clock = new Clock(0);
beforeAll(async () => {
  h = await startHarness('mp-meter', { fakeNow: () => clock.now() });
});
afterAll(() => h.stop());

let n = 0;
const base = Date.UTC(2026, 10, 20, 8); // 08:00 UTC
function ca(id: string) {
  const licenseArn = `arn:aws:license-manager::123456789012:license/l-${id}`;
  return { customerKey: licenseArn, licenseArn, customerAWSAccountId: String(200000000000 + ++n) };
}
const rec = (who: object, dimension: string, at: number, quantity: number): Usage =>
  ({ ...who, recordId: `r-${++n}`, dimension, quantity, timestamp: Math.floor(at / 1000) }) as Usage;

test('aggregates one record per identity, dimension and USAGE hour (paginated), sends closed hours only, marks everything', async () => {
  h.fake.reset();
  const a = ca(`agg-a-${Date.now()}`);
  const legacy = { customerKey: `CI-agg-${Date.now()}`, customerIdentifier: `CI-agg-${Date.now()}` };
  await writeUsage(h.tables.usage, [
    rec(a, 'users', base + 5 * 60_000, 2),
    rec(a, 'users', base + 59 * 60_000, 3),
    rec(a, 'users', base + HOUR + 1, 7),
    rec(a, 'admins', base + 10, 1),
    rec(legacy, 'users', base + 30 * 60_000, 4),
    rec(legacy, 'users', base + 31 * 60_000, 0),
    { ...rec(legacy, 'users', base + 2 * HOUR + 5, 9), timestamp: new Date(base + 2 * HOUR + 5).toISOString() }, // current hour: not sent yet
    { ...rec(a, '', base, 1) }, // invalid
  ]);
  clock.t = base + 2 * HOUR + 20 * 60_000; // 10:20 → 08:00 and 09:00 closed (+10 min), 10:00 open
  const report = await job(h, clock);
  expect(report).toMatchObject({ aggregated: 7, invalid: 1, claimed: 4, sent: 4, failed: 0 });
  const billed = h.fake.billed
    .map((b) => [b.licenseArn ?? b.customerIdentifier, b.dimension, b.hour, b.quantity, b.productCode])
    .sort();
  expect(billed).toEqual(
    [
      [a.licenseArn, 'users', '2026-11-20T08:00:00.000Z', 5, undefined],
      [a.licenseArn, 'users', '2026-11-20T09:00:00.000Z', 7, undefined],
      [a.licenseArn, 'admins', '2026-11-20T08:00:00.000Z', 1, undefined],
      [legacy.customerIdentifier, 'users', '2026-11-20T08:00:00.000Z', 4, PRODUCT],
    ].sort(),
  );
  expect(h.fake.billed.find((b) => b.licenseArn)?.customerAWSAccountId).toBe(a.customerAWSAccountId);
  expect(await pendingCount(h)).toBe(0);
  const open = (await ledgerItems(h)).filter((i) => i.state === 'OPEN');
  expect(open.map((i) => i.quantity)).toEqual([9]);
  // The next hour's run sends it.
  clock.t = base + 3 * HOUR + 15 * 60_000;
  expect(await job(h, clock)).toMatchObject({ sent: 1 });
  expect(h.fake.billed).toHaveLength(5);
  // A record for an hour already sent is late: recorded, never billed (a second quantity would be DuplicateRecord).
  await writeUsage(h.tables.usage, [rec(a, 'users', base + 10, 100)]);
  expect(await job(h, clock)).toMatchObject({ late: 1, sent: 0 });
  expect(h.fake.billed).toHaveLength(5);
});

test('chunks ≤ 25 per request; throttling and UnprocessedRecords are retried until billed', async () => {
  h.fake.reset();
  const who = Array.from({ length: 30 }, (_, i) => ca(`chunk-${i}-${Date.now()}`));
  await writeUsage(
    h.tables.usage,
    who.map((w) => rec(w, 'users', base, 1)),
  );
  clock.t = base + HOUR + 15 * 60_000;
  h.fake.throttleNext(2);
  h.fake.unprocessNext(3);
  const report = await job(h, clock);
  expect(report).toMatchObject({ sent: 30, retryLater: 0 });
  const calls = h.fake.calls.filter((c) => c.target === 'BatchMeterUsage');
  expect(calls.filter((c) => c.throttled)).toHaveLength(2);
  expect(Math.max(...calls.map((c) => c.records ?? 0))).toBeLessThanOrEqual(25);
  expect(h.fake.billed).toHaveLength(30);
});

test('DuplicateRecord and CustomerNotSubscribed are terminal and recorded; a bad dimension is isolated by bisection → FAILED + DLQ', async () => {
  h.fake.reset();
  const dup = ca(`dup-${Date.now()}`);
  const gone = ca(`gone-${Date.now()}`);
  const ok = ca(`ok-${Date.now()}`);
  // Someone already billed 1 for dup's hour: our 5 is a DuplicateRecord.
  await meteringClient().send(
    new BatchMeterUsageCommand({
      UsageRecords: [
        {
          LicenseArn: dup.licenseArn,
          CustomerAWSAccountId: dup.customerAWSAccountId,
          Dimension: 'users',
          Quantity: 1,
          Timestamp: new Date(base),
        },
      ],
    }),
  );
  h.fake.notSubscribed.add(gone.licenseArn);
  h.fake.invalidDimensions.add('bogus');
  await writeUsage(h.tables.usage, [
    rec(dup, 'users', base, 5),
    rec(gone, 'users', base, 1),
    rec(ok, 'users', base, 2),
    rec(ok, 'bogus', base, 2),
  ]);
  clock.t = base + HOUR + 15 * 60_000;
  const dead: Record<string, unknown>[] = [];
  const report = await job(h, clock, { deadLetter: async (items) => void dead.push(...items) });
  expect(report).toMatchObject({ sent: 1, duplicate: 1, notSubscribed: 1, failed: 1 });
  const state = async (who: { licenseArn: string; customerAWSAccountId: string }, dim = 'users') =>
    (await dynamo().send(new GetCommand({ TableName: h.tables.ledger, Key: { bucketId: bucketIdOf(who, dim, base) } })))
      .Item;
  expect(await state(dup)).toMatchObject({ state: 'DUPLICATE', quantity: 5 });
  expect(await state(gone)).toMatchObject({ state: 'NOT_SUBSCRIBED' });
  expect(await state(ok)).toMatchObject({ state: 'SENT' });
  expect(await state(ok, 'bogus')).toMatchObject({
    state: 'FAILED',
    lastError: expect.stringMatching(/InvalidUsageDimension/),
  });
  // Everything AWS refused goes to the DLQ (and its own metric), never only a stored state.
  expect(dead.map((d) => [d.dimension, d.state, d.licenseArn]).sort()).toEqual(
    [
      ['bogus', 'FAILED', ok.licenseArn],
      ['users', 'DUPLICATE', dup.licenseArn],
      ['users', 'NOT_SUBSCRIBED', gone.licenseArn],
    ].sort(),
  );
  expect(h.fake.billed.filter((b) => b.licenseArn === dup.licenseArn).map((b) => b.quantity)).toEqual([1]);
  // Terminal means terminal: the next run sends nothing again.
  expect(await job(h, clock)).toMatchObject({ claimed: 0 });
});

test('crash between send and mark: the next run re-sends the identical record after the lease; billed once', async () => {
  h.fake.reset();
  const a = ca(`crash-${Date.now()}`);
  await writeUsage(h.tables.usage, [rec(a, 'users', base, 3), rec(a, 'users', base + 1000, 4)]);
  clock.t = base + HOUR + 15 * 60_000;
  await expect(
    job(h, clock, {
      afterSend: () => {
        throw new Error('crash');
      },
    }),
  ).rejects.toThrow('crash');
  expect(h.fake.billed).toHaveLength(1);
  // Overlapping run while the claim is fresh: leaves it alone.
  expect(await job(h, clock)).toMatchObject({ claimed: 0 });
  clock.advance(11 * 60_000);
  const report = await job(h, clock);
  expect(report).toMatchObject({ claimed: 1, sent: 1, duplicate: 0 });
  expect(h.fake.billed.map((b) => b.quantity)).toEqual([7]);
  expect(h.fake.calls.filter((c) => c.target === 'BatchMeterUsage' && !c.throttled)).toHaveLength(2);
});

test('two runs at once bill each record once', async () => {
  h.fake.reset();
  const who = Array.from({ length: 6 }, (_, i) => ca(`overlap-${i}-${Date.now()}`));
  await writeUsage(
    h.tables.usage,
    who.flatMap((w) => [rec(w, 'users', base, 1), rec(w, 'users', base + 60_000, 2), rec(w, 'admins', base, 1)]),
  );
  clock.t = base + HOUR + 15 * 60_000;
  const [r1, r2] = await Promise.all([job(h, clock), job(h, clock)]);
  expect(r1.aggregated + r2.aggregated).toBe(18);
  expect(r1.sent + r2.sent).toBe(12);
  expect(h.fake.billed).toHaveLength(12);
  expect(h.fake.billed.filter((b) => b.dimension === 'users').every((b) => b.quantity === 3)).toBe(true);
});

test('handler: past-cutoff usage goes to the SQS DLQ (fauxqs) and the EMF metric reports the time left before the cutoff', async () => {
  h.fake.reset();
  const server = await startFauxqsProcess();
  const prevSqs = process.env.AWS_ENDPOINT_URL_SQS;
  process.env.AWS_ENDPOINT_URL_SQS = server.address;
  const sqs = new SQSClient({ region: 'us-east-1', useQueueUrlAsEndpoint: false });
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `metering-dlq-${Date.now()}` }));
  const logs: string[] = [];
  // Powertools Metrics writes the EMF line to stdout through its own Console (not the patched global one).
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    logs.push(...String(chunk).split('\n'));
    return true;
  });
  try {
    // Old usage (26 h ago by the real clock the handler uses) and one unsendable retry-later record.
    const now = Date.now();
    const old = ca(`old-${now}`);
    await writeUsage(h.tables.usage, [rec(old, 'users', now - 26 * HOUR, 1)]);
    Object.assign(process.env, { METERING_DLQ_URL: QueueUrl, METERING_MAX_TPS: '50', CLOSE_DELAY_MINUTES: '10' });
    clock.t = now;
    const report = await handler({});
    expect(report.failed).toBeGreaterThanOrEqual(1);
    const msgs = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
    const bodies = (msgs.Messages ?? []).map((m) => JSON.parse(m.Body!));
    expect(bodies).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          licenseArn: old.licenseArn,
          state: 'FAILED',
          error: expect.stringMatching(/cutoff/),
        }),
      ]),
    );
    const emf = logs
      .map((l) => {
        try {
          return JSON.parse(l);
        } catch {
          return undefined;
        }
      })
      .find((l) => l?._aws);
    expect(emf._aws.CloudWatchMetrics[0]).toMatchObject({
      Namespace: 'SBT/Marketplace',
      Dimensions: [['ProductCode']],
    });
    expect(emf).toMatchObject({ ProductCode: PRODUCT, MeteringFailedRecords: report.failed });
    expect(typeof emf.MeteringSecondsToCutoff).toBe('number');
    expect(h.fake.billed).toHaveLength(0);
  } finally {
    spy.mockRestore();
    if (prevSqs === undefined) delete process.env.AWS_ENDPOINT_URL_SQS;
    else process.env.AWS_ENDPOINT_URL_SQS = prevSqs;
    await server.stop();
  }
});

test('retry-later usage close to its cutoff shows in minSecondsToCutoff (what the alarm watches)', async () => {
  h.fake.reset();
  const a = ca(`late-${Date.now()}`);
  await writeUsage(h.tables.usage, [rec(a, 'users', base, 1)]);
  clock.t = base + 20 * HOUR; // 4 h left before the 24 h cutoff
  h.fake.throttleNext(1000);
  const report = await job(h, clock, { maxAttempts: 2 });
  expect(report.retryLater).toBe(1);
  expect(report.minSecondsToCutoff).toBe(4 * 3600);
  h.fake.throttleNext(0);
  expect(await job(h, clock)).toMatchObject({ sent: 1 });
});
