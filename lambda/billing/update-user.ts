/**
 * IBilling.updateUserFunction (DynamoDBBilling): PUT /tenants/{tenantId}/billing/users/{userId} with
 * `{email?, name?, billingRole?}` → `{data: BillingUser}` | 404 | 400 naming the field.
 * Env: CUSTOMERS_TABLE_NAME, USERS_TABLE_NAME.
 */
import * as z from 'zod/mini';
import { badRequest, routeTable, notFound, parseBody, parsePath } from '../shared/http';
import { updateUserBody } from './domain/billing-model';
import { billingStore } from './domain/context';

const id = z.string().check(z.minLength(1), z.maxLength(256));
const path = z.object({ tenantId: id, userId: id });

export const handler = routeTable({
  'PUT /tenants/{tenantId}/billing/users/{userId}': async (event) => {
    const p = parsePath(event, path);
    const body = parseBody(event, updateUserBody);
    if (!Object.values(body).some((v) => v !== undefined)) {
      throw badRequest("Invalid request body: give at least one of 'email', 'name', 'billingRole'");
    }
    const user = await billingStore().updateUser(p.tenantId, p.userId, body, new Date());
    if (!user) throw notFound(`Billing user not found for tenant ${p.tenantId} and user ${p.userId}`);
    return { statusCode: 200, body: { data: user } };
  },
});
