/**
 * IMetering.ingestUsageEventFunction, on `ingestUsage` (application plane). Detail as seed 000 writes it:
 * `{tenantId, meterApiName, meterValue}`, plus optional `eventId` (idempotency key; default: the
 * EventBridge event id, which redeliveries keep), `timestamp` (usage time, unix s or ms; default: the
 * event's time) and `dimensions`. Stored once per (meterApiName, eventId); events for unknown meters or
 * with malformed values are logged and dropped (a retry cannot fix them). Each record carries the tenant's
 * tier at ingestion (see tenant-plan.ts).
 * Env: METERS_TABLE_NAME, USAGE_TABLE_NAME.
 */
import type { EventBridgeEvent } from 'aws-lambda';
import * as z from 'zod/mini';
import { logger } from '../shared/logger';
import { meterApiName, meteringStore } from './domain/context';
import { canonicalDecimal } from './domain/decimal';

const detail = z.looseObject({
  tenantId: z.string().check(z.minLength(1), z.maxLength(256)),
  meterApiName,
  meterValue: z.union([z.number(), z.string()]),
  eventId: z.optional(z.string().check(z.minLength(1), z.maxLength(256))),
  timestamp: z.optional(z.number().check(z.nonnegative())),
  dimensions: z.optional(z.record(z.string(), z.string())),
});

export const handler = async (event: EventBridgeEvent<string, unknown>): Promise<void> => {
  const parsed = z.safeParse(detail, event.detail);
  if (!parsed.success) {
    logger.warn('dropping invalid ingestUsage event', {
      eventId: event.id,
      issues: parsed.error.issues.map((i) => `${i.path.join('.') || 'detail'}: ${i.message}`),
    });
    return;
  }
  const d = parsed.data;
  const value = canonicalDecimal(d.meterValue);
  if (value === undefined) {
    logger.warn('dropping ingestUsage event: meterValue is not a decimal (max 15 integer and 12 fraction digits)', {
      eventId: event.id,
    });
    return;
  }
  const store = meteringStore();
  if (!(await store.getMeterByName(d.meterApiName))) {
    logger.warn('dropping ingestUsage event for an unknown meter', { eventId: event.id, meterApiName: d.meterApiName });
    return;
  }
  const nowS = Math.floor(Date.now() / 1000);
  const envelopeTime = Date.parse(event.time);
  const eventTime =
    d.timestamp !== undefined
      ? Math.floor(d.timestamp > 1e12 ? d.timestamp / 1000 : d.timestamp)
      : Number.isFinite(envelopeTime)
        ? Math.floor(envelopeTime / 1000)
        : nowS;
  // Seed 003: the record carries the tier the tenant is on now (set by tenant-plan from the control
  // plane's events), so usage before and after a tier change is told apart.
  const tier = await store.tenantTier(d.tenantId);
  const stored = await store.putUsage({
    eventId: d.eventId ?? event.id,
    tenantId: d.tenantId,
    meterApiName: d.meterApiName,
    meterValue: value,
    eventTime,
    ingestedAt: nowS,
    ...(d.dimensions ? { dimensions: d.dimensions } : {}),
    ...(tier ? { tier } : {}),
  });
  if (!stored) logger.info('duplicate usage event ignored', { eventId: d.eventId ?? event.id });
};
