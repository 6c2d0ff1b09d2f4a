/**
 * IBilling.readUserFunction (DynamoDBBilling): GET /tenants/{tenantId}/billing/users/{userId} →
 * `{data: BillingUser}` | 404. Env: CUSTOMERS_TABLE_NAME, USERS_TABLE_NAME.
 */
import * as z from 'zod/mini';
import { routeTable, notFound, parsePath } from '../shared/http';
import { billingStore } from './domain/context';

const id = z.string().check(z.minLength(1), z.maxLength(256));
const path = z.object({ tenantId: id, userId: id });

export const handler = routeTable({
  'GET /tenants/{tenantId}/billing/users/{userId}': async (event) => {
    const p = parsePath(event, path);
    const user = await billingStore().getUser(p.tenantId, p.userId);
    if (!user) throw notFound(`Billing user not found for tenant ${p.tenantId} and user ${p.userId}`);
    return { statusCode: 200, body: { data: user } };
  },
});
