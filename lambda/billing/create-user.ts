/**
 * IBilling.createUserFunction (DynamoDBBilling), on `tenantUserCreated` ({tenantId, userId|userName,
 * email?, name?, userRole?}): adds the user to the tenant's billing customer. Env: CUSTOMERS_TABLE_NAME,
 * USERS_TABLE_NAME.
 */
import { billingStore, type SbtEvent } from './domain/context';
import { parseUserEvent } from './domain/user-event';

export const handler = async (event: SbtEvent): Promise<void> => {
  const d = parseUserEvent(event);
  if (!d) return;
  const now = new Date().toISOString();
  await billingStore().createUser({
    tenantId: d.tenantId,
    userId: d.userId,
    email: d.email,
    name: d.name,
    billingRole: d.userRole,
    createdAt: now,
    updatedAt: now,
  });
};
