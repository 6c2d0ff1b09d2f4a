/**
 * IBilling.fetchTenantBillingFunction (DynamoDBBilling): the internal billing API
 * GET /tenants/{tenantId}/billing → `{data: TenantBilling}` (plan, billingStatus, paymentState) | 404.
 * With USAGE_LINES_TABLE_NAME (a metering source is configured) the answer also carries `usage`: the
 * tenant's lines of the latest rolled-up period. Env: CUSTOMERS_TABLE_NAME, USERS_TABLE_NAME.
 */
import * as z from 'zod/mini';
import { dynamo } from '../shared/aws-clients';
import { routeTable, notFound, parsePath } from '../shared/http';
import { presentCustomer } from './domain/billing-model';
import { billingStore, PROVIDER_NAME } from './domain/context';
import { latestLines } from './domain/usage-lines';

const path = z.object({ tenantId: z.string().check(z.minLength(1), z.maxLength(256)) });

export const handler = routeTable({
  'GET /tenants/{tenantId}/billing': async (event) => {
    const p = parsePath(event, path);
    const customer = await billingStore().getCustomer(p.tenantId);
    if (!customer) throw notFound(`Billing customer not found for tenant ${p.tenantId}`);
    const linesTable = process.env.USAGE_LINES_TABLE_NAME;
    const usage = linesTable
      ? (await latestLines(dynamo(), linesTable, p.tenantId)).map((l) => ({
          meterApiName: l.meterApiName,
          periodStart: l.periodStart,
          periodEnd: l.periodEnd,
          total: l.total,
          events: l.events,
        }))
      : undefined;
    return {
      statusCode: 200,
      body: { data: { ...presentCustomer(customer, PROVIDER_NAME), ...(usage ? { usage } : {}) } },
    };
  },
});
