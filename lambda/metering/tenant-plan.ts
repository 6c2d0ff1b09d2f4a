/**
 * DynamoDBMetering's createCustomerFunction and updateCustomerFunction (seed 003): keeps each tenant's
 * current tier, so usage ingested from then on is recorded under it (ingest-usage stamps `tier` on every
 * usage record) and GET /usage reports usage per tier. Triggers: `onboardingRequest` (the tier the tenant
 * starts on) and `tenantUpdated` (only when `tier` is among `changedFields`, or is given without them, as
 * SBT-style senders do). Redelivered or reordered events never move the tier back: a change applies only
 * if its event is not older than the one that set the current tier.
 * Env: METERS_TABLE_NAME, USAGE_TABLE_NAME.
 */
import type { EventBridgeEvent } from 'aws-lambda';
import * as z from 'zod/mini';
import { logger } from '../shared/logger';
import { meteringStore } from './domain/context';
import { tierChangeOf } from './domain/tenant-plan';

const detail = z.looseObject({ tenantId: z.string().check(z.minLength(1), z.maxLength(256)) });

export const handler = async (event: EventBridgeEvent<string, unknown>): Promise<void> => {
  const parsed = z.safeParse(detail, event.detail);
  if (!parsed.success) {
    logger.warn('dropping event without a tenantId', { eventId: event.id, detailType: event['detail-type'] });
    return;
  }
  const change = tierChangeOf(event.detail as Record<string, unknown>);
  if (!change) return; // nothing about the tier: a lifecycle transition, an email change …
  const at = Date.parse(event.time);
  const outcome = await meteringStore().setTenantTier(
    parsed.data.tenantId,
    change.tier,
    Number.isFinite(at) ? at : Date.now(),
    event.id,
  );
  logger.info('tenant tier', { tenantId: parsed.data.tenantId, tier: change.tier, outcome });
};
