/**
 * The hourly metering job (EventBridge schedule). See domain/metering-job.ts for the guarantees. Reports an
 * embedded-metric-format line (namespace SBT/Marketplace) with MeteringSecondsToCutoff, which the CloudWatch
 * alarm watches (missing data = the job is not running = alarm), and one count per kind of refused usage
 * (failed, late, invalid, not subscribed, duplicate), each with its own alarm.
 * Env: PRODUCT_CODE, USAGE_TABLE_NAME, LEDGER_TABLE_NAME, METERING_DLQ_URL, METERING_MAX_TPS?, CLOSE_DELAY_MINUTES?,
 *      SUBSCRIBERS_TABLE_NAME?, MARKETPLACE_REGION.
 */
import type { Context } from 'aws-lambda';
import { logger } from '../shared/logger';
import { runMeteringJob, type MeteringJobReport } from './domain/metering-job';
import { meteringDepsFromEnv, publishMeteringMetrics } from './domain/metering-runtime';

export { METRIC_NAMESPACE } from './domain/metering-runtime';

export async function handler(_event: unknown, context?: Context): Promise<MeteringJobReport> {
  const report = await runMeteringJob(
    meteringDepsFromEnv({ shouldStop: context ? () => context.getRemainingTimeInMillis() < 30_000 : undefined }),
  );
  publishMeteringMetrics(report);
  logger.info('metering run', { ...report });
  return report;
}
