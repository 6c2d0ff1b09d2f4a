/**
 * IBilling.deleteUserFunction (DynamoDBBilling), on `tenantUserDeleted` ({tenantId, userId|userName}).
 * Env: CUSTOMERS_TABLE_NAME, USERS_TABLE_NAME.
 */
import { billingStore, parseUserEvent, type SbtEvent } from './domain/context';

export const handler = async (event: SbtEvent): Promise<void> => {
  const d = parseUserEvent(event, 'tenantUserDeleted');
  if (!d) return;
  await billingStore().deleteUser(d.tenantId, d.userId);
};
