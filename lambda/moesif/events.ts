/**
 * MoesifBilling's asynchronous members in one bundle; MOESIF_OPERATION (set per function) picks:
 *  - createCustomer (`onboardingRequest`): company `tenantId` {name, email, tier} + subscription
 *    `sbt-<tenantId>` (status active, metadata.plan = tier) — both upserts, so redeliveries are harmless;
 *  - updateCustomer (`tenantUpdated`, skipping `origin: 'billing'`): only the changed fields; a new tier
 *    becomes the subscription's plan (seed 003);
 *  - deleteCustomer (`offboardingRequest`): the subscription is canceled (invoices and history stay);
 *    the company is deleted too when MOESIF_DELETE_COMPANY = 'true';
 *  - createUser / deleteUser (`tenantUserCreated` / `tenantUserDeleted` with a tenantId);
 *  - forwardUsage (`ingestUsage`, the billing ingestor): a Moesif action per usage event (action_name =
 *    meterApiName, transaction_id = the event id, so Moesif deduplicates redeliveries).
 * Malformed events and Moesif refusing their content are logged and dropped; throttling, Moesif's faults,
 * network errors and a refused key throw, so Lambda retries. Env: MOESIF_OPERATION, MOESIF_* (domain/context.ts).
 */
import * as z from 'zod/mini';
import { customerChanges, onboardingDetail, tenantUpdatedDetail } from '../billing/domain/billing-model';
import { parseUserEvent } from '../billing/domain/user-event';
import { meterApiName } from '../metering/domain/context';
import { parseDetail, type SbtEvent, usageTimeMs } from '../shared/event-detail';
import { operationTable } from '../shared/operation-table';
import { vendorEventHandler } from '../shared/vendor-events';
import { collector, given, management, subscriptionIdOf, type MoesifAction } from './domain/moesif-api';
import { moesifCollector, moesifManagement } from './domain/context';

const tenantOnly = z.looseObject({ tenantId: z.string().check(z.minLength(1), z.maxLength(256)) });
const usageDetail = z.looseObject({
  tenantId: z.string().check(z.minLength(1), z.maxLength(256)),
  meterApiName,
  meterValue: z.union([z.number(), z.string().check(z.regex(/^-?\d{1,15}(\.\d{1,12})?$/))]),
  eventId: z.optional(z.string().check(z.minLength(1), z.maxLength(256))),
  timestamp: z.optional(z.number().check(z.nonnegative())),
  dimensions: z.optional(z.record(z.string(), z.string())),
});

/** The Moesif action of an `ingestUsage` event (pure). */
export function actionOf(event: SbtEvent, d: z.infer<typeof usageDetail>): MoesifAction {
  const ms = usageTimeMs(event, d.timestamp);
  return {
    action_name: d.meterApiName,
    company_id: d.tenantId,
    transaction_id: d.eventId ?? event.id,
    request: { time: new Date(ms).toISOString() },
    metadata: { meterApiName: d.meterApiName, meterValue: Number(d.meterValue), ...(d.dimensions ?? {}) },
  };
}

export const handler = vendorEventHandler(
  'Moesif',
  operationTable('MOESIF_OPERATION', {
    createCustomer: async (event) => {
      const d = parseDetail(event, onboardingDetail);
      if (!d) return;
      const http = await moesifManagement();
      const tier = d.tier ?? d.plan;
      const now = new Date().toISOString();
      await management.upsertCompany(http, {
        company_id: d.tenantId,
        metadata: given({ name: d.tenantName, email: d.email, tier, updated_at: now }),
      });
      await management.upsertSubscription(http, {
        subscription_id: subscriptionIdOf(d.tenantId),
        company_id: d.tenantId,
        status: 'active',
        current_period_start: now,
        metadata: given({ plan: tier }),
      });
    },
    updateCustomer: async (event) => {
      const d = parseDetail(event, tenantUpdatedDetail);
      if (!d || d.origin === 'billing') return; // the billing side emitted it: echoing back would loop
      const c = customerChanges(d);
      if (!Object.keys(c).length) return;
      const http = await moesifManagement();
      await management.upsertCompany(http, {
        company_id: d.tenantId,
        metadata: given({ name: c.name, email: c.email, tier: c.plan, updated_at: new Date().toISOString() }),
      });
      if (c.plan !== undefined) {
        await management.upsertSubscription(http, {
          subscription_id: subscriptionIdOf(d.tenantId),
          company_id: d.tenantId,
          metadata: { plan: c.plan },
        });
      }
    },
    deleteCustomer: async (event) => {
      const d = parseDetail(event, tenantOnly);
      if (!d) return;
      const http = await moesifManagement();
      if (!(await management.getCompany(http, d.tenantId))) return; // never created, or already deleted
      await management.upsertSubscription(http, {
        subscription_id: subscriptionIdOf(d.tenantId),
        company_id: d.tenantId,
        status: 'canceled',
      });
      if (process.env.MOESIF_DELETE_COMPANY === 'true') await management.deleteCompany(http, d.tenantId);
    },
    createUser: async (event) => {
      const d = parseUserEvent(event);
      if (!d) return;
      const now = new Date().toISOString();
      await management.upsertUser(await moesifManagement(), {
        user_id: d.userId,
        company_id: d.tenantId,
        ...(d.email ? { email: d.email } : {}),
        metadata: given({ email: d.email, name: d.name, billing_role: d.userRole, created_at: now, updated_at: now }),
      });
    },
    deleteUser: async (event) => {
      const d = parseUserEvent(event);
      if (d) await management.deleteUser(await moesifManagement(), d.userId);
    },
    forwardUsage: async (event) => {
      const d = parseDetail(event, usageDetail);
      if (!d || !Number.isFinite(Number(d.meterValue))) return;
      await collector.actions(await moesifCollector(), [actionOf(event, d)]);
    },
  }),
);
