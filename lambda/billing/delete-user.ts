/**
 * IBilling.deleteUserFunction (DynamoDBBilling), on `tenantUserDeleted` ({tenantId, userId|userName}).
 * Env: CUSTOMERS_TABLE_NAME, USERS_TABLE_NAME.
 */
import { billingStore, type SbtEvent } from './domain/context';
import { parseUserEvent } from './domain/user-event';

export const handler = async (event: SbtEvent): Promise<void> => {
  const d = parseUserEvent(event);
  if (!d) return;
  await billingStore().deleteUser(d.tenantId, d.userId);
};
