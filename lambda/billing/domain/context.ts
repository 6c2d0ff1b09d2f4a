/** Wiring shared by the DynamoDB billing handlers: the store over the tables named in the environment. */
import { dynamo, env } from '../../shared/aws-clients';
import { parseDetail, type SbtEvent } from '../../shared/event-detail';
import { logger } from '../../shared/logger';
import { userEventDetail, userIdOf } from './billing-model';
import { BillingStore } from './billing-store';

export { parseDetail, type SbtEvent };

export const PROVIDER_NAME = 'dynamodb';

export function billingStore(): BillingStore {
  return new BillingStore(dynamo(), { customers: env('CUSTOMERS_TABLE_NAME'), users: env('USERS_TABLE_NAME') });
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
