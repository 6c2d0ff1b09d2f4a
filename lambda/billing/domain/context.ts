/** Wiring shared by the DynamoDB billing handlers: the store over the tables named in the environment. */
import type { EventBridgeEvent } from 'aws-lambda';
import * as z from 'zod/mini';
import type { $ZodType } from 'zod/v4/core';
import { dynamo, env } from '../../shared/aws-clients';
import { logger } from '../../shared/logger';
import { userEventDetail, userIdOf } from './billing-model';
import { BillingStore } from './billing-store';

export const PROVIDER_NAME = 'dynamodb';

export function billingStore(): BillingStore {
  return new BillingStore(dynamo(), { customers: env('CUSTOMERS_TABLE_NAME'), users: env('USERS_TABLE_NAME') });
}

export type SbtEvent = EventBridgeEvent<string, unknown>;

/**
 * Parses an event's detail. A malformed detail is logged and dropped (undefined): retrying cannot fix
 * it, and throwing would make Lambda retry it twice for nothing.
 */
export function parseDetail<S extends $ZodType>(event: SbtEvent, schema: S): z.infer<S> | undefined {
  const parsed = z.safeParse(schema, event.detail);
  if (parsed.success) return parsed.data;
  logger.warn('dropping event with invalid detail', {
    detailType: event['detail-type'],
    eventId: event.id,
    issues: parsed.error.issues.map((i) => `${i.path.join('.') || 'detail'}: ${i.message}`),
  });
  return undefined;
}

/**
 * A tenantUserCreated / tenantUserDeleted detail with the user's id (userId or userName); undefined (logged)
 * when the detail is malformed or names no user.
 */
export function parseUserEvent(event: SbtEvent, eventName: string) {
  const d = parseDetail(event, userEventDetail);
  if (!d) return undefined;
  const userId = userIdOf(d);
  if (!userId) {
    logger.warn(`${eventName} without userId/userName`, { eventId: event.id });
    return undefined;
  }
  return { ...d, userId };
}
