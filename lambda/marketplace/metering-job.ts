/**
 * The hourly metering job (EventBridge schedule). See domain/metering-job.ts for the guarantees. Reports an
 * embedded-metric-format line (namespace SBT/Marketplace) with MeteringSecondsToCutoff, which the CloudWatch
 * alarm watches (missing data = the job is not running = alarm), and the failure counts.
 * Env: PRODUCT_CODE, USAGE_TABLE_NAME, LEDGER_TABLE_NAME, METERING_DLQ_URL, METERING_MAX_TPS?, CLOSE_DELAY_MINUTES?,
 *      MARKETPLACE_REGION.
 */
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import { dynamo, env } from '../shared/aws-clients';
import { logger } from '../shared/logger';
import { meteringClient, sqsClient } from './domain/clients';
import { RateLimiter } from './domain/meter-sender';
import { runMeteringJob, type MeteringJobReport } from './domain/metering-job';

export const METRIC_NAMESPACE = 'SBT/Marketplace';
/** Reported when nothing is at risk (a day), so the alarm only sees a low value when something is. */
const NOTHING_PENDING = 86_400;

export async function handler(_event: unknown, context?: Context): Promise<MeteringJobReport> {
  const dlq = process.env.METERING_DLQ_URL;
  const report = await runMeteringJob({
    db: dynamo(),
    metering: meteringClient({ retries: false }),
    usageTable: env('USAGE_TABLE_NAME'),
    ledgerTable: env('LEDGER_TABLE_NAME'),
    productCode: env('PRODUCT_CODE'),
    closeDelayMs: Number(process.env.CLOSE_DELAY_MINUTES ?? 10) * 60_000,
    retentionDays: Number(process.env.RETENTION_DAYS ?? 400),
    limiter: new RateLimiter(Number(process.env.METERING_MAX_TPS ?? 9.8)),
    shouldStop: context ? () => context.getRemainingTimeInMillis() < 30_000 : undefined,
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
  });
  // Embedded metric format: CloudWatch turns this log line into metrics, no PutMetricData permission needed.
  console.log(
    JSON.stringify({
      _aws: {
        Timestamp: Date.now(),
        CloudWatchMetrics: [
          {
            Namespace: METRIC_NAMESPACE,
            Dimensions: [['ProductCode']],
            Metrics: [
              { Name: 'MeteringSecondsToCutoff', Unit: 'Seconds' },
              { Name: 'MeteringFailedRecords', Unit: 'Count' },
              { Name: 'MeteringRetryLater', Unit: 'Count' },
              { Name: 'MeteringLateRecords', Unit: 'Count' },
            ],
          },
        ],
      },
      ProductCode: process.env.PRODUCT_CODE,
      MeteringSecondsToCutoff: report.minSecondsToCutoff ?? NOTHING_PENDING,
      MeteringFailedRecords: report.failed,
      MeteringRetryLater: report.retryLater,
      MeteringLateRecords: report.late + report.invalid,
    }),
  );
  logger.info('metering run', { ...report });
  return report;
}
