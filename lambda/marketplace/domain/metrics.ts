/**
 * The Marketplace handlers' CloudWatch metrics, written as embedded-metric-format lines by Powertools Metrics
 * (CloudWatch Logs turns them into metrics: no PutMetricData call, no permission). Namespace SBT/Marketplace,
 * one dimension, ProductCode: exactly what the construct's alarms name (MarketplaceMetering,
 * MarketplaceSaasProduct), so every metric name here is a contract with an alarm.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

export const METRIC_NAMESPACE = 'SBT/Marketplace';

/** Every metric the handlers emit, with its unit; the alarms watch these names. */
export const MARKETPLACE_METRICS = {
  MeteringSecondsToCutoff: MetricUnit.Seconds,
  MeteringFailedRecords: MetricUnit.Count,
  MeteringRetryLater: MetricUnit.Count,
  MeteringLateRecords: MetricUnit.Count,
  MeteringInvalidRecords: MetricUnit.Count,
  MeteringNotSubscribedRecords: MetricUnit.Count,
  MeteringDuplicateRecords: MetricUnit.Count,
  PendingAccessChanges: MetricUnit.Count,
} as const;

export type MarketplaceMetric = keyof typeof MARKETPLACE_METRICS;

let metrics: Metrics | undefined;

/** Built on first use, so it reads the environment the handler runs with (POWERTOOLS_METRICS_DISABLED, …). */
function instance(): Metrics {
  if (!metrics) {
    metrics = new Metrics({ namespace: METRIC_NAMESPACE });
    // Powertools adds a `service` default dimension (POWERTOOLS_SERVICE_NAME). A metric with the dimension set
    // {service, ProductCode} is another metric than the {ProductCode} one the alarms watch: they would never fire.
    metrics.clearDefaultDimensions();
  }
  return metrics;
}

/**
 * Writes one EMF line with `values` for `productCode` (and string `metadata`: searchable in Logs Insights,
 * not metrics). Values are flushed at once: the line must be out before the function can be frozen.
 */
export function publishMarketplaceMetrics(
  productCode: string,
  values: Partial<Record<MarketplaceMetric, number>>,
  metadata: Record<string, string> = {},
): void {
  const m = instance();
  m.addDimension('ProductCode', productCode);
  for (const [name, value] of Object.entries(values) as [MarketplaceMetric, number | undefined][]) {
    if (value !== undefined) m.addMetric(name, MARKETPLACE_METRICS[name], value);
  }
  for (const [key, value] of Object.entries(metadata)) m.addMetadata(key, value);
  m.publishStoredMetrics();
}
