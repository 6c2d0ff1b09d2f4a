/**
 * IMetering.fetchUsageFunction: GET /usage/{meterId}?meterApiName=&startTimeInSeconds=&endTimeInSeconds=
 * [&tenantId=][&period=hour|day|month|total] → `{data: UsageAggregate}` with exact decimal totals per
 * tenant and per UTC period. As seed 000: meterApiName defaults to the meter's, the window to the last 24 h.
 * Env: METERS_TABLE_NAME, USAGE_TABLE_NAME.
 */
import * as z from 'zod/mini';
import { badRequest, routeTable, notFound, parsePath, parseQuery } from '../shared/http';
import { aggregateUsage, PERIODS } from './domain/aggregation';
import { meterApiName, meterIdPath, meteringStore } from './domain/context';

const seconds = z.coerce.number().check(z.int(), z.nonnegative());
const query = z.object({
  meterApiName: z.optional(meterApiName),
  startTimeInSeconds: z.optional(seconds),
  endTimeInSeconds: z.optional(seconds),
  tenantId: z.optional(z.string().check(z.minLength(1), z.maxLength(256))),
  period: z._default(z.enum(PERIODS), 'day'),
});

export const handler = routeTable({
  'GET /usage/{meterId}': async (event) => {
    const { meterId } = parsePath(event, meterIdPath);
    const q = parseQuery(event, query);
    const nowS = Math.floor(Date.now() / 1000);
    const end = q.endTimeInSeconds ?? nowS + 1; // the window is [start, end): include the current second
    const start = q.startTimeInSeconds ?? end - 86400;
    if (start >= end)
      throw badRequest("Invalid query string: field 'startTimeInSeconds': must be before endTimeInSeconds");
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
