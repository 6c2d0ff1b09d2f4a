/**
 * IBilling.createUserFunction (DynamoDBBilling), on `tenantUserCreated` ({tenantId, userId|userName,
 * email?, name?, userRole?}): adds the user to the tenant's billing customer. Env: CUSTOMERS_TABLE_NAME,
 * USERS_TABLE_NAME.
 */
import { logger } from '../shared/logger';
import { userEventDetail, userIdOf } from './domain/billing-model';
import { billingStore, parseDetail, type SbtEvent } from './domain/context';

export const handler = async (event: SbtEvent): Promise<void> => {
  const d = parseDetail(event, userEventDetail);
  if (!d) return;
  const userId = userIdOf(d);
  if (!userId) {
    logger.warn('tenantUserCreated without userId/userName', { eventId: event.id });
    return;
  }
  const now = new Date().toISOString();
  await billingStore().createUser({
    tenantId: d.tenantId,
    userId,
    email: d.email,
    name: d.name,
    billingRole: d.userRole,
    createdAt: now,
    updatedAt: now,
  });
};
