/**
 * HttpBillingVendorAdapter's async members in one bundle: VENDOR_OPERATION (set per function) picks
 * createCustomer | updateCustomer | deleteCustomer | createUser | deleteUser. Each forwards the SBT
 * event to the vendor with the event id as Idempotency-Key (EventBridge redeliveries keep the id), treats
 * "already exists" / "already gone" as success, and throws on vendor or network failure so Lambda's
 * async retries try again. Env: VENDOR_OPERATION, VENDOR_BASE_URL, VENDOR_API_KEY_SECRET_ARN.
 */
import * as z from 'zod/mini';
import { env } from '../shared/aws-clients';
import { logger } from '../shared/logger';
import { customerChanges, onboardingDetail, tenantUpdatedDetail } from './domain/billing-model';
import { parseDetail, type SbtEvent } from './domain/context';
import { parseUserEvent } from './domain/user-event';
import { vendorPaths } from './domain/vendor-client';
import { vendorClient } from './domain/vendor-context';

const tenantOnly = z.looseObject({ tenantId: z.string().check(z.minLength(1)) });

export const handler = async (event: SbtEvent): Promise<void> => {
  const op = env('VENDOR_OPERATION');
  const key = event.id;
  switch (op) {
    case 'createCustomer': {
      const d = parseDetail(event, onboardingDetail);
      if (!d) return;
      const body = { externalId: d.tenantId, email: d.email, name: d.tenantName, plan: d.tier ?? d.plan };
      await (await vendorClient()).call('POST', vendorPaths.customers(), body, { idempotencyKey: key, allow409: true });
      return;
    }
    case 'updateCustomer': {
      const d = parseDetail(event, tenantUpdatedDetail);
      if (!d || d.origin === 'billing') return;
      const changes = customerChanges(d);
      if (!Object.keys(changes).length) return;
      await (await vendorClient()).call('PATCH', vendorPaths.customer(d.tenantId), changes, { idempotencyKey: key });
      return;
    }
    case 'deleteCustomer': {
      const d = parseDetail(event, tenantOnly);
      if (!d) return;
      await (await vendorClient()).call('DELETE', vendorPaths.customer(d.tenantId), undefined, {
        idempotencyKey: key,
        allow404: true,
      });
      return;
    }
    case 'createUser':
    case 'deleteUser': {
      const d = parseUserEvent(event);
      if (!d) return;
      const client = await vendorClient();
      if (op === 'createUser') {
        const body = { externalId: d.userId, email: d.email, name: d.name, role: d.userRole };
        await client.call('POST', vendorPaths.users(d.tenantId), body, { idempotencyKey: key, allow409: true });
      } else {
        await client.call('DELETE', vendorPaths.user(d.tenantId, d.userId), undefined, {
          idempotencyKey: key,
          allow404: true,
        });
      }
      return;
    }
    default:
      logger.error('unknown VENDOR_OPERATION', { op });
      throw new Error(`unknown VENDOR_OPERATION ${op}`);
  }
};
