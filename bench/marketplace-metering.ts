/**
 * Metering throughput (npm run bench): the real sender (lambda/marketplace/domain/meter-sender.ts — pacing limiter,
 * ≤ 25-record chunks, retries with backoff) through the real MarketplaceMeteringClient (awsJson1_1) against the
 * loopback Marketplace fake, which throttles like AWS at 10 BatchMeterUsage requests per second.
 * Ceiling: 10 requests/s × 25 records = 250 records/s. Goal (issue 7): ≥ 95 % of it.
 * `recordsPerSecond` counts records the fake accepted (billed), over the wall time of the whole send.
 */
import { BatchMeterUsageCommand, MarketplaceMeteringClient } from '@aws-sdk/client-marketplace-metering';
import { sendUsage, RateLimiter, type SendItem } from '../lambda/marketplace/domain/meter-sender';
import { MarketplaceFake } from '../local/marketplace-fake';

export const METERING_CEILING_RECORDS_PER_SECOND = 250;

export async function runMeteringBench(
  records = 2000,
): Promise<{ recordsPerSecond: number; ceiling: number; ratio: number }> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const fake = await new MarketplaceFake({ ratePerSecond: 10, setEnv: false }).start();
  try {
    const client = new MarketplaceMeteringClient({
      region: 'us-east-1',
      endpoint: fake.meteringEndpoint,
      credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
      maxAttempts: 1, // the sender paces and retries itself, as in the Lambda
    });
    const hour = new Date(Math.floor(Date.now() / 3600_000) * 3600_000 - 3600_000);
    const items: SendItem[] = Array.from({ length: records }, (_, i) => ({
      key: `b${i}`,
      record: {
        LicenseArn: `arn:aws:license-manager::123456789012:license/l-bench${Math.floor(i / 4)}`,
        CustomerAWSAccountId: String(100000000000 + Math.floor(i / 4)),
        Dimension: `dim${i % 4}`,
        Quantity: 1 + (i % 7),
        Timestamp: hour,
      },
    }));
    // Warm the connection and the SDK (first-request costs are not throughput), then wait out that request's second.
    await client.send(
      new BatchMeterUsageCommand({
        UsageRecords: [
          {
            LicenseArn: 'arn:aws:license-manager::1:license/l-warm',
            CustomerAWSAccountId: '1',
            Dimension: 'warm',
            Quantity: 0,
            Timestamp: hour,
          },
        ],
      }),
    );
    await new Promise((r) => setTimeout(r, 1100));
    fake.reset();
    const started = process.hrtime.bigint();
    const results = await sendUsage(items, { client, limiter: new RateLimiter(9.8) });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const billed = [...results.values()].filter((r) => r.status === 'Success').length;
    if (billed !== records || fake.billed.length !== records)
      throw new Error(`metering bench: ${billed} of ${records} records billed`);
    const recordsPerSecond = records / seconds;
    return {
      recordsPerSecond: Math.round(recordsPerSecond * 10) / 10,
      ceiling: METERING_CEILING_RECORDS_PER_SECOND,
      ratio: Math.round((recordsPerSecond / METERING_CEILING_RECORDS_PER_SECOND) * 1000) / 1000,
    };
  } finally {
    await fake.stop();
  }
}
