// The Marketplace handlers' metrics as CloudWatch reads them: the EMF line Powertools Metrics writes to stdout
// must carry the namespace, the single ProductCode dimension, the metric names, units and values the alarms
// watch — the same document the hand-written console.log lines produced before.
import type { MeteringJobReport } from '../../../lambda/marketplace/domain/metering-job';
import { publishMeteringMetrics } from '../../../lambda/marketplace/domain/metering-runtime';
import {
  MARKETPLACE_METRICS,
  METRIC_NAMESPACE,
  publishMarketplaceMetrics,
} from '../../../lambda/marketplace/domain/metrics';

const PRODUCT = 'prod-emf-test';

/** Runs `fn` and returns the JSON documents it wrote to stdout (where the Lambda runtime forwards them to Logs). */
function stdoutJson(fn: () => void): Record<string, any>[] {
  const chunks: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  });
  try {
    fn();
  } finally {
    spy.mockRestore();
  }
  return chunks
    .join('')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));
}

const report = (o: Partial<MeteringJobReport> = {}): MeteringJobReport => ({
  aggregated: 9,
  invalid: 2,
  late: 3,
  overflow: 1,
  claimed: 9,
  sent: 5,
  duplicate: 4,
  notSubscribed: 5,
  failed: 6,
  retryLater: 7,
  minSecondsToCutoff: 1234,
  ...o,
});

const saved = { ...process.env };
beforeEach(() => {
  // A deployed function has a service name: Powertools would make it a second dimension unless told not to.
  Object.assign(process.env, { PRODUCT_CODE: PRODUCT, POWERTOOLS_SERVICE_NAME: 'marketplace-metering' });
});
afterAll(() => {
  process.env = saved;
});

test('hourly run: one EMF line, namespace SBT/Marketplace, dimension set [[ProductCode]], every count with its unit', () => {
  const before = Date.now();
  const lines = stdoutJson(() => publishMeteringMetrics(report()));
  expect(lines).toHaveLength(1);
  const emf = lines[0]!;
  expect(emf._aws.Timestamp).toBeGreaterThanOrEqual(before);
  expect(emf._aws.CloudWatchMetrics).toEqual([
    {
      Namespace: 'SBT/Marketplace',
      Dimensions: [['ProductCode']],
      Metrics: expect.arrayContaining([
        { Name: 'MeteringSecondsToCutoff', Unit: 'Seconds' },
        { Name: 'MeteringFailedRecords', Unit: 'Count' },
        { Name: 'MeteringRetryLater', Unit: 'Count' },
        { Name: 'MeteringLateRecords', Unit: 'Count' },
        { Name: 'MeteringInvalidRecords', Unit: 'Count' },
        { Name: 'MeteringNotSubscribedRecords', Unit: 'Count' },
        { Name: 'MeteringDuplicateRecords', Unit: 'Count' },
      ]),
    },
  ]);
  expect(emf._aws.CloudWatchMetrics[0].Metrics).toHaveLength(7);
  const { _aws, ...values } = emf;
  expect(values).toEqual({
    ProductCode: PRODUCT,
    MeteringSecondsToCutoff: 1234,
    MeteringFailedRecords: 6,
    MeteringRetryLater: 7,
    MeteringLateRecords: 3,
    MeteringInvalidRecords: 3, // invalid + over the Quantity bound
    MeteringNotSubscribedRecords: 5,
    MeteringDuplicateRecords: 4,
  });
  // No `service` anywhere: a {service, ProductCode} metric is not the one the alarms watch.
  expect(JSON.stringify(emf)).not.toContain('marketplace-metering');
});

test('nothing pending reports a day to the cutoff, so the Minimum alarm only sees low values when usage is at risk', () => {
  const [emf] = stdoutJson(() => publishMeteringMetrics(report({ minSecondsToCutoff: undefined })));
  expect(emf!.MeteringSecondsToCutoff).toBe(86_400);
});

test('final-usage flush: the same counts, no MeteringSecondsToCutoff (the hourly liveness signal), marked FinalUsageFlush', () => {
  const [emf] = stdoutJson(() => publishMeteringMetrics(report(), { final: true }));
  expect(emf!._aws.CloudWatchMetrics[0].Metrics.map((m: { Name: string }) => m.Name)).not.toContain(
    'MeteringSecondsToCutoff',
  );
  expect(emf!._aws.CloudWatchMetrics[0].Metrics).toHaveLength(6);
  expect(emf).not.toHaveProperty('MeteringSecondsToCutoff');
  expect(emf).toMatchObject({ FinalUsageFlush: 'true', ProductCode: PRODUCT, MeteringFailedRecords: 6 });
});

test('pending access changes (the sweep): its own line, dimensions cleared between lines', () => {
  const lines = stdoutJson(() => {
    publishMarketplaceMetrics(PRODUCT, { PendingAccessChanges: 2 });
    publishMarketplaceMetrics('other-product', { PendingAccessChanges: 0 });
  });
  expect(lines).toHaveLength(2);
  expect(lines[0]).toEqual({
    _aws: {
      Timestamp: expect.any(Number),
      CloudWatchMetrics: [
        {
          Namespace: METRIC_NAMESPACE,
          Dimensions: [['ProductCode']],
          Metrics: [{ Name: 'PendingAccessChanges', Unit: 'Count' }],
        },
      ],
    },
    ProductCode: PRODUCT,
    PendingAccessChanges: 2,
  });
  expect(lines[1]).toMatchObject({ ProductCode: 'other-product', PendingAccessChanges: 0 });
});

test('every metric name is declared with a CloudWatch unit', () => {
  expect(Object.entries(MARKETPLACE_METRICS).filter(([, unit]) => unit !== 'Count' && unit !== 'Seconds')).toEqual([]);
});
