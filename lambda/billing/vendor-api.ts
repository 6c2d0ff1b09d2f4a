/**
 * HttpBillingVendorAdapter's sync members in one bundle, dispatched on the route key:
 *   GET /tenants/{tenantId}/billing                 → the vendor's customer as TenantBilling
 *   GET /tenants/{tenantId}/billing/users/{userId}  → the vendor's user
 *   PUT /tenants/{tenantId}/billing/users/{userId}  → PATCH at the vendor, then the updated user
 * Vendor 404 → 404; vendor failure → 502 (the vendor, not the caller, is at fault).
 * Env: VENDOR_BASE_URL, VENDOR_API_KEY_SECRET_ARN.
 */
import * as z from 'zod/mini';
import { badRequest, HttpError, httpHandler, notFound, parseBody, parsePath } from '../shared/http';
import { updateUserBody } from './domain/billing-model';
import { billingUserFromVendor, tenantBillingFromVendor, VendorError, vendorPaths } from './domain/vendor-client';
import { vendorClient } from './domain/vendor-context';

const id = z.string().check(z.minLength(1), z.maxLength(256));
const tenantPath = z.object({ tenantId: id });
const userPath = z.object({ tenantId: id, userId: id });

export const handler = httpHandler(async (event) => {
  try {
    const client = await vendorClient();
    switch (event.routeKey) {
      case 'GET /tenants/{tenantId}/billing': {
        const { tenantId } = parsePath(event, tenantPath);
        const c = await client.call('GET', vendorPaths.customer(tenantId), undefined, { allow404: true });
        if (!c) throw notFound(`Billing customer not found for tenant ${tenantId}`);
        return { statusCode: 200, body: { data: tenantBillingFromVendor(tenantId, c) } };
      }
      case 'GET /tenants/{tenantId}/billing/users/{userId}': {
        const p = parsePath(event, userPath);
        const u = await client.call('GET', vendorPaths.user(p.tenantId, p.userId), undefined, { allow404: true });
        if (!u) throw notFound(`Billing user not found for tenant ${p.tenantId} and user ${p.userId}`);
        return { statusCode: 200, body: { data: billingUserFromVendor(p.tenantId, p.userId, u) } };
      }
      case 'PUT /tenants/{tenantId}/billing/users/{userId}': {
        const p = parsePath(event, userPath);
        const b = parseBody(event, updateUserBody);
        if (!Object.values(b).some((v) => v !== undefined)) {
          throw badRequest("Invalid request body: give at least one of 'email', 'name', 'billingRole'");
        }
        const body = { email: b.email, name: b.name, role: b.billingRole };
        const u = await client.call('PATCH', vendorPaths.user(p.tenantId, p.userId), body, { allow404: true });
        if (!u) throw notFound(`Billing user not found for tenant ${p.tenantId} and user ${p.userId}`);
        return { statusCode: 200, body: { data: billingUserFromVendor(p.tenantId, p.userId, u) } };
      }
      default:
        throw notFound(`No billing route ${event.routeKey}`);
    }
  } catch (e) {
    if (e instanceof HttpError) throw e;
    if (e instanceof VendorError) throw new HttpError(502, 'Billing vendor error');
    throw e;
  }
});
