/**
 * IMetering.updateMeterFunction: PUT /meters/{meterId} `{label?, meterApiName?, meterType?, ...}` →
 * `{data: Meter}` | 404 | 409 (name taken, or a concurrent update). Renaming moves the unique name claim;
 * usage is keyed by meterApiName, so usage recorded under the old name stays under the old name.
 * Env: METERS_TABLE_NAME, USAGE_TABLE_NAME.
 */
import * as z from 'zod/mini';
import { badRequest, conflict, routeTable, notFound, parseBody, parsePath } from '../shared/http';
import { label, meterApiName, meterExtras, meterIdPath, meterType, meteringStore } from './domain/context';
import { MeterNameTaken, type Meter } from './domain/metering-store';

const body = z.strictObject({
  label: z.optional(label),
  meterApiName: z.optional(meterApiName),
  meterType: z.optional(meterType),
  ...meterExtras,
});

export const handler = routeTable({
  'PUT /meters/{meterId}': async (event) => {
    const { meterId } = parsePath(event, meterIdPath);
    const b = parseBody(event, body);
    const changes = Object.fromEntries(Object.entries(b).filter(([, v]) => v !== undefined));
    if (!Object.keys(changes).length)
      throw badRequest("Invalid request body: field 'body': give at least one field to update");
    const store = meteringStore();
    const before = await store.getMeter(meterId);
    if (!before) throw notFound(`Meter not found for id ${meterId}`);
    const after: Meter = { ...before, ...changes, meterId, updatedAt: new Date().toISOString() } as Meter;
    if (after.updatedAt === before.updatedAt)
      after.updatedAt = new Date(Date.parse(before.updatedAt) + 1).toISOString();
    try {
      await store.replaceMeter(before, after);
    } catch (e) {
      if (e instanceof MeterNameTaken) {
        throw conflict(`meterApiName '${after.meterApiName}' is taken or the meter changed concurrently; retry`, {
          field: 'meterApiName',
        });
      }
      throw e;
    }
    return { statusCode: 200, body: { data: after } };
  },
});
