/**
 * IMetering.cancelUsageEventsFunction: DELETE /usage `{id, meterApiName, ingestionTimeRange:
 * {startTimeInSeconds, endTimeInSeconds}, tenantId?}` (seed 000's body as written) → a filtering rule:
 * usage of the meter ingested in that range (inclusive; optionally of one tenant) stops counting. Events
 * are kept, so a cancellation is auditable. Same id + same rule → 200 again; same id, other rule → 409.
 * Env: METERS_TABLE_NAME, USAGE_TABLE_NAME.
 */
import * as z from 'zod/mini';
import { conflict, notFound, parseBody, routeTable } from '../shared/http';
import { checkIngestionRange, meterApiName, meteringStore } from './domain/context';

const seconds = z.number().check(z.int(), z.nonnegative());
const body = z.object({
  id: z.string().check(z.minLength(1), z.maxLength(128)),
  meterApiName,
  tenantId: z.optional(z.string().check(z.minLength(1), z.maxLength(256))),
  ingestionTimeRange: z.object({ startTimeInSeconds: seconds, endTimeInSeconds: seconds }),
});

export const handler = routeTable({
  'DELETE /usage': async (event) => {
    const b = parseBody(event, body);
    const { startTimeInSeconds, endTimeInSeconds } = checkIngestionRange(b.ingestionTimeRange);
    const store = meteringStore();
    if (!(await store.getMeterByName(b.meterApiName)))
      throw notFound(`Meter not found for meterApiName ${b.meterApiName}`);
    const rule = {
      id: b.id,
      meterApiName: b.meterApiName,
      ...(b.tenantId ? { tenantId: b.tenantId } : {}),
      startTimeInSeconds,
      endTimeInSeconds,
      createdAt: new Date().toISOString(),
    };
    const outcome = await store.putCancellation(rule);
    if (outcome === 'conflict')
      throw conflict(`Cancellation rule '${b.id}' already exists with another range`, { field: 'id' });
    return { statusCode: outcome === 'created' ? 201 : 200, body: { data: rule } };
  },
});
