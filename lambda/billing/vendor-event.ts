/**
 * HttpBillingVendorAdapter's async members in one bundle: VENDOR_OPERATION (set per function) picks
 * createCustomer | updateCustomer | deleteCustomer | createUser | deleteUser. Each forwards the SBT
 * event to the vendor with the event id as Idempotency-Key (EventBridge redeliveries keep the id), treats
 * "already exists" / "already gone" as success, and throws on vendor or network failure so Lambda's
 * async retries try again. Env: VENDOR_OPERATION, VENDOR_BASE_URL, VENDOR_API_KEY_SECRET_ARN.
 */
import * as z from 'zod/mini';
import { operationTable } from '../shared/operation-table';
import { customerChanges, onboardingDetail, tenantUpdatedDetail } from './domain/billing-model';
import { parseDetail, type SbtEvent } from './domain/context';
import { parseUserEvent } from './domain/user-event';
import { vendorPaths } from './domain/vendor-client';
import { vendorClient } from './domain/vendor-context';

const tenantOnly = z.looseObject({ tenantId: z.string().check(z.minLength(1)) });

/**
 * The vendor call for one event, with the event id as Idempotency-Key (EventBridge redeliveries keep it);
 * `tolerate`: the "already exists" (409) or "already gone" (404) answer that counts as done.
 */
async function forward(event: SbtEvent, method: string, path: string, body: unknown, tolerate?: 404 | 409) {
  await (await vendorClient()).call(method, path, body, {
    idempotencyKey: event.id,
    allow404: tolerate === 404,
    allow409: tolerate === 409,
  });
}

export const handler = operationTable('VENDOR_OPERATION', {
  createCustomer: async (event) => {
    const d = parseDetail(event, onboardingDetail);
    if (!d) return;
    const body = { externalId: d.tenantId, email: d.email, name: d.tenantName, plan: d.tier ?? d.plan };
    await forward(event, 'POST', vendorPaths.customers(), body, 409);
  },
  updateCustomer: async (event) => {
    const d = parseDetail(event, tenantUpdatedDetail);
    if (!d || d.origin === 'billing') return;
    const changes = customerChanges(d);
    if (Object.keys(changes).length) await forward(event, 'PATCH', vendorPaths.customer(d.tenantId), changes);
  },
  deleteCustomer: async (event) => {
    const d = parseDetail(event, tenantOnly);
    if (d) await forward(event, 'DELETE', vendorPaths.customer(d.tenantId), undefined, 404);
  },
  createUser: async (event) => {
    const d = parseUserEvent(event);
    if (!d) return;
    const user = { externalId: d.userId, email: d.email, name: d.name, role: d.userRole };
    await forward(event, 'POST', vendorPaths.users(d.tenantId), user, 409);
  },
  deleteUser: async (event) => {
    const d = parseUserEvent(event);
    if (d) await forward(event, 'DELETE', vendorPaths.user(d.tenantId, d.userId), undefined, 404);
  },
});
