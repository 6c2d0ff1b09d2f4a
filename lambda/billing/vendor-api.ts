/**
 * HttpBillingVendorAdapter's sync members in one bundle, dispatched on the route key:
 *   GET /tenants/{tenantId}/billing                 → the vendor's customer as TenantBilling
 *   GET /tenants/{tenantId}/billing/users/{userId}  → the vendor's user
 *   PUT /tenants/{tenantId}/billing/users/{userId}  → PATCH at the vendor, then the updated user
 * Vendor 404 → 404; vendor failure → 502 (the vendor, not the caller, is at fault).
 * Env: VENDOR_BASE_URL, VENDOR_API_KEY_SECRET_ARN.
 */
import * as z from 'zod/mini';
import { DependencyError } from '../shared/domain-errors';
import { badRequest, notFound, parseBody, parsePath, routeTable } from '../shared/http';
import { updateUserBody } from './domain/billing-model';
import { billingUserFromVendor, tenantBillingFromVendor, VendorError, vendorPaths } from './domain/vendor-client';
import { vendorClient } from './domain/vendor-context';

const id = z.string().check(z.minLength(1), z.maxLength(256));
const tenantPath = z.object({ tenantId: id });
const userPath = z.object({ tenantId: id, userId: id });

/** Vendor failures are the vendor's (502), never the caller's; everything else passes through to the mapping. */
async function vendorCall<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof VendorError) throw new DependencyError('Billing vendor error');
    throw e;
  }
}

export const handler = routeTable({
  'GET /tenants/{tenantId}/billing': async (event) => {
    const { tenantId } = parsePath(event, tenantPath);
    const c = await vendorCall(async () =>
      (await vendorClient()).call('GET', vendorPaths.customer(tenantId), undefined, { allow404: true }),
    );
    if (!c) throw notFound(`Billing customer not found for tenant ${tenantId}`);
    return { statusCode: 200, body: { data: tenantBillingFromVendor(tenantId, c) } };
  },
  'GET /tenants/{tenantId}/billing/users/{userId}': async (event) => {
    const p = parsePath(event, userPath);
    const u = await vendorCall(async () =>
      (await vendorClient()).call('GET', vendorPaths.user(p.tenantId, p.userId), undefined, { allow404: true }),
    );
    if (!u) throw notFound(`Billing user not found for tenant ${p.tenantId} and user ${p.userId}`);
    return { statusCode: 200, body: { data: billingUserFromVendor(p.tenantId, p.userId, u) } };
  },
  'PUT /tenants/{tenantId}/billing/users/{userId}': async (event) => {
    const p = parsePath(event, userPath);
    const b = parseBody(event, updateUserBody);
    if (!Object.values(b).some((v) => v !== undefined)) {
      throw badRequest("Invalid request body: give at least one of 'email', 'name', 'billingRole'");
    }
    const body = { email: b.email, name: b.name, role: b.billingRole };
    const u = await vendorCall(async () =>
      (await vendorClient()).call('PATCH', vendorPaths.user(p.tenantId, p.userId), body, { allow404: true }),
    );
    if (!u) throw notFound(`Billing user not found for tenant ${p.tenantId} and user ${p.userId}`);
    return { statusCode: 200, body: { data: billingUserFromVendor(p.tenantId, p.userId, u) } };
  },
});
