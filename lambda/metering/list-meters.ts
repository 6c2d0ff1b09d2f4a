/**
 * IMetering.fetchAllMetersFunction: GET /meters?limit=&next_token= → `{data: Meter[], next_token?}`
 * (a Query over the meters partition, paginated; never a Scan). Env: METERS_TABLE_NAME, USAGE_TABLE_NAME.
 */
import { decodeToken, encodeToken } from '../shared/dynamodb';
import { routeTable, paginationQuery, parseQuery } from '../shared/http';
import { METER_PAGE_KEY, meteringStore } from './domain/context';

export const handler = routeTable({
  'GET /meters': async (event) => {
    const q = parseQuery(event, paginationQuery);
    const page = await meteringStore().listMeters(q.limit, decodeToken(q.next_token, METER_PAGE_KEY));
    const next = encodeToken(page.next);
    return { statusCode: 200, body: { data: page.items, ...(next ? { next_token: next } : {}) } };
  },
});
