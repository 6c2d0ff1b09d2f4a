/**
 * The metering job's wiring from the environment, shared by the hourly job and the final-usage flush the
 * notification handler runs at cancellation, and the metrics both report (domain/metrics.ts: namespace
 * SBT/Marketplace, dimension ProductCode) that the construct's alarms watch.
 * Env: PRODUCT_CODE, USAGE_TABLE_NAME, LEDGER_TABLE_NAME, METERING_DLQ_URL?, METERING_MAX_TPS?,
 *      CLOSE_DELAY_MINUTES?, RETENTION_DAYS?, SUBSCRIBERS_TABLE_NAME?, MARKETPLACE_REGION.
 */
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { dynamo, env } from '../../shared/aws-clients';
import { meteringClient, sqsClient } from './clients';
import { RateLimiter } from './meter-sender';
import type { MeteringJobDeps, MeteringJobReport } from './metering-job';
import { publishMarketplaceMetrics } from './metrics';

export { METRIC_NAMESPACE } from './metrics';
/** Reported when nothing is at risk (a day), so the alarm only sees a low value when something is. */
const NOTHING_PENDING = 86_400;

/** Is metering wired for this function (pricing model with metering)? */
export const meteringConfigured = () => Boolean(process.env.USAGE_TABLE_NAME && process.env.LEDGER_TABLE_NAME);

export function meteringDepsFromEnv(o: { now?: () => number; shouldStop?: () => boolean } = {}): MeteringJobDeps {
  const dlq = process.env.METERING_DLQ_URL;
  return {
    db: dynamo(),
    metering: meteringClient({ retries: false }),
    usageTable: env('USAGE_TABLE_NAME'),
    ledgerTable: env('LEDGER_TABLE_NAME'),
    productCode: env('PRODUCT_CODE'),
    subscribersTable: process.env.SUBSCRIBERS_TABLE_NAME || undefined,
    closeDelayMs: Number(process.env.CLOSE_DELAY_MINUTES ?? 10) * 60_000,
    retentionDays: Number(process.env.RETENTION_DAYS ?? 400),
    limiter: new RateLimiter(Number(process.env.METERING_MAX_TPS ?? 9.8)),
    now: o.now,
    shouldStop: o.shouldStop,
    deadLetter: dlq
      ? async (items) => {
          for (let i = 0; i < items.length; i += 10) {
            const r = await sqsClient().send(
              new SendMessageBatchCommand({
                QueueUrl: dlq,
                Entries: items.slice(i, i + 10).map((it, j) => ({ Id: String(j), MessageBody: JSON.stringify(it) })),
              }),
            );
            if (r.Failed?.length) throw new Error(`metering DLQ send failed for ${r.Failed.length} entries`);
          }
        }
      : undefined,
  };
}

/**
 * The run's metrics (one EMF line through Powertools Metrics): every kind of usage AWS refused or we could not
 * bill has its own metric (and alarm), so nothing is only a stored state. The final-usage flush at cancellation
 * reports the same counts but no MeteringSecondsToCutoff (the hourly job's liveness signal: its alarm treats a
 * missing value as breaching), and says so in its `FinalUsageFlush` property.
 */
export function publishMeteringMetrics(report: MeteringJobReport, extra: { final?: boolean } = {}): void {
  publishMarketplaceMetrics(
    env('PRODUCT_CODE'),
    {
      ...(extra.final ? {} : { MeteringSecondsToCutoff: report.minSecondsToCutoff ?? NOTHING_PENDING }),
      MeteringFailedRecords: report.failed,
      MeteringRetryLater: report.retryLater,
      MeteringLateRecords: report.late,
      MeteringInvalidRecords: report.invalid + report.overflow,
      MeteringNotSubscribedRecords: report.notSubscribed,
      MeteringDuplicateRecords: report.duplicate,
    },
    extra.final ? { FinalUsageFlush: 'true' } : {},
  );
}
