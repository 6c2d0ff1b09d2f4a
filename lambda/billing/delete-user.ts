/**
 * IBilling.deleteUserFunction (DynamoDBBilling), on `tenantUserDeleted` ({tenantId, userId|userName}).
 * Env: CUSTOMERS_TABLE_NAME, USERS_TABLE_NAME.
 */
import { logger } from '../shared/logger';
import { userEventDetail, userIdOf } from './domain/billing-model';
import { billingStore, parseDetail, type SbtEvent } from './domain/context';

export const handler = async (event: SbtEvent): Promise<void> => {
  const d = parseDetail(event, userEventDetail);
  if (!d) return;
  const userId = userIdOf(d);
  if (!userId) {
    logger.warn('tenantUserDeleted without userId/userName', { eventId: event.id });
    return;
  }
  await billingStore().deleteUser(d.tenantId, userId);
};
