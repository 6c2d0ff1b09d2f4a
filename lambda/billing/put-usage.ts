/**
 * IBilling.putUsageFunction (DynamoDBBilling with a DynamoDBMetering source), on a schedule: rolls the last
 * closed period's usage of every meter up into per-tenant usage lines (exact totals, cancellations
 * applied, duplicates counted once — the metering aggregation). Invoke it with `{"periodStart": <unix s>}`
 * to recompute a given period (e.g. after cancelling usage). Env: METERS_TABLE_NAME, USAGE_TABLE_NAME,
 * USAGE_LINES_TABLE_NAME, USAGE_PERIOD (day|month).
 */
import { dynamo, env } from '../shared/aws-clients';
import { logger } from '../shared/logger';
import { aggregateUsage } from '../metering/domain/aggregation';
import { meteringStore } from '../metering/domain/context';
import type { Meter } from '../metering/domain/metering-store';
import { lineIdOf, periodFrom, previousPeriod, putLine } from './domain/usage-lines';

export const handler = async (event: {
  time?: string;
  periodStart?: number;
}): Promise<{ lines: number; periodStart: number }> => {
  const period = process.env.USAGE_PERIOD === 'month' ? 'month' : 'day';
  const nowS = Math.floor((event.time ? Date.parse(event.time) : Date.now()) / 1000);
  const { start, end } =
    typeof event.periodStart === 'number' ? periodFrom(event.periodStart, period) : previousPeriod(nowS, period);
  const store = meteringStore();
  const meters: Meter[] = [];
  let key: Record<string, unknown> | undefined;
  do {
    const page = await store.listMeters(100, key);
    meters.push(...page.items);
    key = page.next;
  } while (key);
  const table = env('USAGE_LINES_TABLE_NAME');
  const computedAt = new Date().toISOString();
  let lines = 0;
  for (const m of meters) {
    const [events, rules] = await Promise.all([
      store.usageBetween(m.meterApiName, start, end),
      store.cancellations(m.meterApiName),
    ]);
    const agg = aggregateUsage(events, rules, {
      meterApiName: m.meterApiName,
      meterType: m.meterType,
      startTimeInSeconds: start,
      endTimeInSeconds: end,
      period: 'total',
    });
    for (const t of agg.tenants) {
      await putLine(dynamo(), table, {
        tenantId: t.tenantId,
        lineId: lineIdOf(start, m.meterApiName),
        meterId: m.meterId,
        meterApiName: m.meterApiName,
        meterType: m.meterType,
        periodStart: start,
        periodEnd: end,
        total: t.total,
        events: t.events,
        computedAt,
      });
      lines++;
    }
  }
  logger.info('usage rolled up', { periodStart: start, periodEnd: end, meters: meters.length, lines });
  return { lines, periodStart: start };
};
