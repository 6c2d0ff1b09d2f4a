/** IMetering.fetchMeterFunction: GET /meters/{meterId} → `{data: Meter}` | 404. Env: METERS_TABLE_NAME, USAGE_TABLE_NAME. */
import { routeTable, notFound, parsePath } from '../shared/http';
import { meterIdPath, meteringStore } from './domain/context';

export const handler = routeTable({
  'GET /meters/{meterId}': async (event) => {
    const { meterId } = parsePath(event, meterIdPath);
    const meter = await meteringStore().getMeter(meterId);
    if (!meter) throw notFound(`Meter not found for id ${meterId}`);
    return { statusCode: 200, body: { data: meter } };
  },
});
