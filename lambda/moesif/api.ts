/**
 * MoesifBilling's synchronous members in one bundle, dispatched on the route key:
 *   GET /tenants/{tenantId}/billing                 → the tenant's company + subscription as TenantBilling
 *   GET /tenants/{tenantId}/billing/users/{userId}  → the Moesif user (404 unless it belongs to the tenant)
 *   PUT /tenants/{tenantId}/billing/users/{userId}  → merged into the Moesif user, then the updated user
 * Moesif's refusals map to 400/404/409, its failures to 502/503. Env: MOESIF_MANAGEMENT_BASE_URL,
 * MOESIF_MANAGEMENT_KEY_SECRET_ARN.
 */
import * as z from 'zod/mini';
import { updateUserBody } from '../billing/domain/billing-model';
import { badRequest, notFound, parseBody, parsePath, routeTable } from '../shared/http';
import { httpErrorOf } from '../shared/vendor-http';
import { billingUserFromMoesif, given, management, tenantBillingFromMoesif } from './domain/moesif-api';
import { moesifManagement } from './domain/context';

const id = z.string().check(z.minLength(1), z.maxLength(256));
const tenantPath = z.object({ tenantId: id });
const userPath = z.object({ tenantId: id, userId: id });

export const handler = routeTable(
  {
    'GET /tenants/{tenantId}/billing': async (event) => {
      const { tenantId } = parsePath(event, tenantPath);
      const http = await moesifManagement();
      const company = await management.getCompany(http, tenantId);
      if (!company?.company_id) throw notFound(`Billing customer not found for tenant ${tenantId}`);
      const subs = await management.subscriptionsOf(http, tenantId);
      return { statusCode: 200, body: { data: tenantBillingFromMoesif(tenantId, company, subs) } };
    },
    'GET /tenants/{tenantId}/billing/users/{userId}': async (event) => {
      const p = parsePath(event, userPath);
      const u = await management.getUser(await moesifManagement(), p.userId);
      if (!u?.user_id || u.company_id !== p.tenantId)
        throw notFound(`Billing user not found for tenant ${p.tenantId} and user ${p.userId}`);
      return { statusCode: 200, body: { data: billingUserFromMoesif(p.tenantId, u) } };
    },
    'PUT /tenants/{tenantId}/billing/users/{userId}': async (event) => {
      const p = parsePath(event, userPath);
      const b = parseBody(event, updateUserBody);
      if (!Object.values(b).some((v) => v !== undefined)) {
        throw badRequest("Invalid request body: give at least one of 'email', 'name', 'billingRole'");
      }
      const http = await moesifManagement();
      const u = await management.getUser(http, p.userId);
      if (!u?.user_id || u.company_id !== p.tenantId)
        throw notFound(`Billing user not found for tenant ${p.tenantId} and user ${p.userId}`);
      const metadata = {
        ...(u.metadata ?? {}),
        ...given({ email: b.email, name: b.name, billing_role: b.billingRole }),
        updated_at: new Date().toISOString(),
      };
      const next = {
        ...u,
        user_id: u.user_id,
        company_id: p.tenantId,
        ...(b.email ? { email: b.email } : {}),
        metadata,
      };
      await management.upsertUser(http, next); // Moesif merges: only what we send changes
      return { statusCode: 200, body: { data: billingUserFromMoesif(p.tenantId, next) } };
    },
  },
  { mapError: httpErrorOf },
);
