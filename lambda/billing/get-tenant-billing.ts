/**
 * IBilling.fetchTenantBillingFunction (DynamoDBBilling): the internal billing API
 * GET /tenants/{tenantId}/billing → `{data: TenantBilling}` (plan, billingStatus, paymentState) | 404.
 * Env: CUSTOMERS_TABLE_NAME, USERS_TABLE_NAME.
 */
import * as z from 'zod/mini';
import { httpHandler, notFound, parsePath } from '../shared/http';
import { presentCustomer } from './domain/billing-model';
import { billingStore, PROVIDER_NAME } from './domain/context';

const path = z.object({ tenantId: z.string().check(z.minLength(1), z.maxLength(256)) });

export const handler = httpHandler(async (event) => {
  const p = parsePath(event, path);
  const customer = await billingStore().getCustomer(p.tenantId);
  if (!customer) throw notFound(`Billing customer not found for tenant ${p.tenantId}`);
  return { statusCode: 200, body: { data: presentCustomer(customer, PROVIDER_NAME) } };
});
