/**
 * IMetering.fetchUsageFunction: GET /usage/{meterId}?meterApiName=&startTimeInSeconds=&endTimeInSeconds=
 * [&tenantId=][&period=hour|day|month|total] → `{data: UsageAggregate}` with exact decimal totals per
 * tenant and per UTC period. As seed 000: meterApiName defaults to the meter's, the window to the last 24 h.
 * Env: METERS_TABLE_NAME, USAGE_TABLE_NAME.
 */
import { notFound, parsePath, parseQuery, routeTable } from '../shared/http';
import { aggregateUsage } from './domain/aggregation';
import { meterIdPath, meteringStore, usageQuery, usageWindow } from './domain/context';

export const handler = routeTable({
  'GET /usage/{meterId}': async (event) => {
    const { meterId } = parsePath(event, meterIdPath);
    const q = parseQuery(event, usageQuery);
    const { start, end } = usageWindow(q);
    const store = meteringStore();
    const meter =
      (await store.getMeter(meterId)) ?? (q.meterApiName ? await store.getMeterByName(q.meterApiName) : undefined);
    if (!meter) throw notFound(`Meter not found for id ${meterId}`);
    const name = q.meterApiName ?? meter.meterApiName;
    const [events, rules] = await Promise.all([store.usageBetween(name, start, end), store.cancellations(name)]);
    const data = aggregateUsage(events, rules, {
      meterApiName: name,
      meterType: meter.meterType,
      startTimeInSeconds: start,
      endTimeInSeconds: end,
      period: q.period,
      tenantId: q.tenantId,
    });
    return { statusCode: 200, body: { data: { meterId: meter.meterId, ...data } } };
  },
});
