/**
 * IMetering.deleteMeterFunction: DELETE /meters/{meterId} → `{data: Meter}` (the deleted meter) | 404.
 * Recorded usage is kept (it may already be billed). Env: METERS_TABLE_NAME, USAGE_TABLE_NAME.
 */
import { routeTable, notFound, parsePath } from '../shared/http';
import { meterIdPath, meteringStore } from './domain/context';

export const handler = routeTable({
  'DELETE /meters/{meterId}': async (event) => {
    const { meterId } = parsePath(event, meterIdPath);
    const store = meteringStore();
    const meter = await store.getMeter(meterId);
    if (!meter) throw notFound(`Meter not found for id ${meterId}`);
    await store.deleteMeter(meter);
    return { statusCode: 200, body: { data: meter } };
  },
});
