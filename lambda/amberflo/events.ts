/**
 * AmberfloMetering's asynchronous members in one bundle; AMBERFLO_OPERATION (set per function) picks:
 *  - ingestUsage (on `ingestUsage`, both eras): `{tenantId, meterApiName, meterValue, eventId?, timestamp?,
 *    dimensions?}` (or SBT's Amberflo-plugin shape `{tenantId, meter: {meterApiName, meterValue, …}}`) →
 *    POST /ingest with uniqueId = eventId ?? the EventBridge id, so redeliveries count once;
 *  - createCustomer (on `onboardingRequest`) / updateCustomer (on `tenantUpdated`): the tenant as an
 *    Amberflo customer (customerId = tenantId, traits.tier), and, when AMBERFLO_PLAN_IDS maps the tier,
 *    its product plan (seed 003: a tier change reaches metering's plan);
 *  - deleteCustomer (on `offboardingRequest`).
 * Malformed events and Amberflo refusing their content are logged and dropped (a retry cannot fix them);
 * throttling, Amberflo's faults and network errors throw, so Lambda's async retries try again.
 * Env: AMBERFLO_OPERATION, AMBERFLO_BASE_URL, AMBERFLO_API_KEY_SECRET_ARN, AMBERFLO_PLAN_IDS? (JSON tier → productPlanId).
 */
import * as z from 'zod/mini';
import { customerChanges, onboardingDetail, tenantUpdatedDetail } from '../billing/domain/billing-model';
import { meterApiName } from '../metering/domain/context';
import { parseDetail, type SbtEvent, usageTimeMs } from '../shared/event-detail';
import { operationTable } from '../shared/operation-table';
import { vendorEventHandler } from '../shared/vendor-events';
import type { VendorHttp } from '../shared/vendor-http';
import { customers, ingest, type AmberfloCustomer, type MeterRecord } from './domain/amberflo-api';
import { amberflo } from './domain/context';

const usageFields = {
  meterApiName,
  meterValue: z.union([z.number(), z.string().check(z.regex(/^-?\d{1,15}(\.\d{1,12})?$/))]),
  eventId: z.optional(z.string().check(z.minLength(1), z.maxLength(256))),
  timestamp: z.optional(z.number().check(z.nonnegative())),
  dimensions: z.optional(z.record(z.string(), z.string())),
};
const usageObject = z.looseObject(usageFields);
const usageDetail = z.union([
  z.looseObject({ tenantId: z.string().check(z.minLength(1), z.maxLength(256)), ...usageFields }),
  // SBT's Amberflo plug-in reads the meter from `detail.meter`
  z.looseObject({ tenantId: z.string().check(z.minLength(1), z.maxLength(256)), meter: usageObject }),
]);
const tenantOnly = z.looseObject({ tenantId: z.string().check(z.minLength(1), z.maxLength(256)) });

/** The usage record Amberflo ingests for an `ingestUsage` event (pure). */
export function meterRecordOf(event: SbtEvent, d: z.infer<typeof usageDetail>): MeterRecord | undefined {
  const nested = (d as { meter?: unknown }).meter;
  const m = (nested && typeof nested === 'object' ? nested : d) as z.infer<typeof usageObject>;
  const value = Number(m.meterValue);
  if (!Number.isFinite(value)) return undefined;
  const ms = usageTimeMs(event, m.timestamp);
  return {
    customerId: d.tenantId,
    meterApiName: m.meterApiName,
    meterValue: value,
    meterTimeInMillis: Math.floor(ms),
    uniqueId: m.eventId ?? event.id,
    ...(m.dimensions && Object.keys(m.dimensions).length ? { dimensions: m.dimensions } : {}),
  };
}

function planIds(): Record<string, string> {
  const raw = process.env.AMBERFLO_PLAN_IDS;
  if (!raw) return {};
  const v = JSON.parse(raw) as unknown;
  if (!v || typeof v !== 'object' || Array.isArray(v))
    throw new Error('AMBERFLO_PLAN_IDS must be a JSON object tier → productPlanId');
  return v as Record<string, string>;
}

/** Creates or updates the tenant's customer (Amberflo's POST fails for an existing id, so read first). */
async function upsertCustomer(
  http: VendorHttp,
  tenantId: string,
  fields: { name?: string; email?: string; tier?: string },
) {
  const existing = await customers.get(http, tenantId);
  const next: AmberfloCustomer = {
    ...(existing ?? {}),
    customerId: tenantId,
    customerName: fields.name ?? existing?.customerName ?? tenantId,
    ...((fields.email ?? existing?.customerEmail) ? { customerEmail: fields.email ?? existing?.customerEmail } : {}),
    traits: { ...(existing?.traits ?? {}), ...(fields.tier ? { tier: fields.tier } : {}) },
  };
  if (existing?.customerId) await customers.replace(http, next);
  else await customers.create(http, next);
  const plan = fields.tier ? planIds()[fields.tier] : undefined;
  if (plan) await customers.assignPlan(http, tenantId, plan);
}

export const handler = vendorEventHandler(
  'Amberflo',
  operationTable('AMBERFLO_OPERATION', {
    ingestUsage: async (event) => {
      const d = parseDetail(event, usageDetail);
      const record = d && meterRecordOf(event, d);
      if (!record) return;
      await ingest(await amberflo(), [record]);
    },
    createCustomer: async (event) => {
      const d = parseDetail(event, onboardingDetail);
      if (!d) return;
      await upsertCustomer(await amberflo(), d.tenantId, {
        name: d.tenantName,
        email: d.email,
        tier: d.tier ?? d.plan,
      });
    },
    updateCustomer: async (event) => {
      const d = parseDetail(event, tenantUpdatedDetail);
      if (!d) return;
      const c = customerChanges(d); // only what changed (a lifecycle transition changes nothing here)
      if (!Object.keys(c).length) return;
      await upsertCustomer(await amberflo(), d.tenantId, { name: c.name, email: c.email, tier: c.plan });
    },
    deleteCustomer: async (event) => {
      const d = parseDetail(event, tenantOnly);
      if (!d) return;
      await customers.delete(await amberflo(), d.tenantId); // already gone: fine
    },
  }),
);
