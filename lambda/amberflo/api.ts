/**
 * AmberfloMetering's synchronous members in one bundle, dispatched on the route key (SBT's routes, our
 * request shapes — docs/billing-metering.md, "Amberflo"):
 *   POST /meters, GET /meters[/{meterId}], PUT /meters/{meterId}, DELETE /meters/{meterId}
 *   GET /usage/{meterId}?meterApiName=&startTimeInSeconds=&endTimeInSeconds=&tenantId=&period=
 *   DELETE /usage {id, meterApiName, ingestionTimeRange}
 * Input is validated here (a 400 names the field before Amberflo is called); Amberflo's refusals map to
 * 400/404/409, its failures to 502/503 (shared/vendor-http.ts). Env: AMBERFLO_BASE_URL, AMBERFLO_API_KEY_SECRET_ARN.
 */
import * as z from 'zod/mini';
import {
  checkIngestionRange,
  label,
  meterApiName,
  meterExtras,
  meterIdPath,
  usageQuery,
  usageWindow,
} from '../metering/domain/context';
import { badRequest, notFound, paginationQuery, parseBody, parsePath, parseQuery, routeTable } from '../shared/http';
import { decodeOffset, encodeOffset, httpErrorOf } from '../shared/vendor-http';
import {
  aggregationOf,
  createFilteringRule,
  GROUPING,
  meterFromAmberflo,
  meters,
  usage,
  usageFromAmberflo,
} from './domain/amberflo-api';
import { amberflo } from './domain/context';

/** Amberflo has more meter types than the reference provider (unique counts, durations …): it validates them. */
const meterType = z
  .string()
  .check(z.regex(/^[A-Za-z][A-Za-z_]{0,63}$/, 'letters and _ (Amberflo meter type, e.g. sum_of_all_usage)'));
const createBody = z.strictObject({ label, meterApiName, meterType, ...meterExtras });
const updateBody = z.strictObject({
  label: z.optional(label),
  meterApiName: z.optional(meterApiName),
  meterType: z.optional(meterType),
  ...meterExtras,
});
const seconds = z.number().check(z.int(), z.nonnegative());
const cancelBody = z.strictObject({
  id: z.string().check(z.minLength(1), z.maxLength(128)),
  meterApiName,
  ingestionTimeRange: z.strictObject({ startTimeInSeconds: seconds, endTimeInSeconds: seconds }),
});

const defined = (o: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

export const handler = routeTable(
  {
    'POST /meters': async (event) => {
      const b = parseBody(event, createBody);
      const m = await meters.create(await amberflo(), defined(b));
      if (!m?.id) throw new Error('Amberflo answered a meter without id');
      return { statusCode: 201, body: { data: meterFromAmberflo(m) } };
    },
    'GET /meters': async (event) => {
      const q = parseQuery(event, paginationQuery);
      const offset = decodeOffset(q.next_token);
      const all = await meters.list(await amberflo()); // Amberflo answers the whole list; we page it
      const page = all.slice(offset, offset + q.limit).map(meterFromAmberflo);
      const next = offset + q.limit < all.length ? encodeOffset(offset + q.limit) : undefined;
      return { statusCode: 200, body: { data: page, ...(next ? { next_token: next } : {}) } };
    },
    'GET /meters/{meterId}': async (event) => {
      const { meterId } = parsePath(event, meterIdPath);
      const m = await meters.get(await amberflo(), meterId);
      if (!m?.id) throw notFound(`Meter not found for id ${meterId}`);
      return { statusCode: 200, body: { data: meterFromAmberflo(m) } };
    },
    'PUT /meters/{meterId}': async (event) => {
      const { meterId } = parsePath(event, meterIdPath);
      const changes = defined(parseBody(event, updateBody));
      if (!Object.keys(changes).length)
        throw badRequest("Invalid request body: field 'body': give at least one field to update");
      const http = await amberflo();
      const before = await meters.get(http, meterId);
      if (!before?.id) throw notFound(`Meter not found for id ${meterId}`);
      // Amberflo's PUT takes the whole definition: ours is a partial update, so merge first.
      const after = await meters.replace(http, { ...before, ...changes, id: before.id });
      return {
        statusCode: 200,
        body: { data: meterFromAmberflo(after?.id ? after : { ...before, ...changes, id: before.id }) },
      };
    },
    'DELETE /meters/{meterId}': async (event) => {
      const { meterId } = parsePath(event, meterIdPath);
      const http = await amberflo();
      const before = await meters.get(http, meterId);
      if (!before?.id) throw notFound(`Meter not found for id ${meterId}`);
      await meters.delete(http, meterId);
      return { statusCode: 200, body: { data: meterFromAmberflo(before) } };
    },
    'GET /usage/{meterId}': async (event) => {
      const { meterId } = parsePath(event, meterIdPath);
      const q = parseQuery(event, usageQuery);
      const { start, end } = usageWindow(q);
      const http = await amberflo();
      const meter = await meters.get(http, meterId);
      if (!meter?.id) throw notFound(`Meter not found for id ${meterId}`);
      const name = q.meterApiName ?? String(meter.meterApiName ?? '');
      if (!name) throw badRequest("Invalid query string: field 'meterApiName': the meter has none; give it");
      const aggregation = aggregationOf(meter.meterType);
      const answer = await usage(http, {
        meterApiName: name,
        aggregation,
        timeGroupingInterval: GROUPING[q.period],
        timeRange: { startTimeInSeconds: start, endTimeInSeconds: end },
        groupBy: ['customerId'],
        ...(q.tenantId ? { filter: { customerId: [q.tenantId] } } : {}),
      });
      const data = usageFromAmberflo(answer ?? {}, {
        meterApiName: name,
        aggregation,
        startTimeInSeconds: start,
        endTimeInSeconds: end,
        period: q.period,
      });
      return { statusCode: 200, body: { data: { meterId: meter.id, ...data } } };
    },
    'DELETE /usage': async (event) => {
      const b = parseBody(event, cancelBody);
      checkIngestionRange(b.ingestionTimeRange);
      const rule = await createFilteringRule(await amberflo(), { ...b, type: 'by_property_filter_out' });
      return { statusCode: 201, body: { data: rule ?? { ...b, type: 'by_property_filter_out' } } };
    },
  },
  { mapError: httpErrorOf },
);
