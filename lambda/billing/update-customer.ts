/**
 * IBilling.updateCustomerFunction (DynamoDBBilling), on `tenantUpdated`: copies plan/tier, email and name
 * changes to the billing customer. Events the billing webhook emitted (`origin: 'billing'`) are skipped —
 * the webhook already wrote them. Env: CUSTOMERS_TABLE_NAME, USERS_TABLE_NAME.
 */
import { logger } from '../shared/logger';
import { customerChanges, tenantUpdatedDetail } from './domain/billing-model';
import { billingStore, parseDetail, type SbtEvent } from './domain/context';

export const handler = async (event: SbtEvent): Promise<void> => {
  const d = parseDetail(event, tenantUpdatedDetail);
  if (!d) return;
  if (d.origin === 'billing') return;
  const changes = customerChanges(d);
  if (!Object.keys(changes).length) return;
  const updated = await billingStore().updateCustomer(d.tenantId, changes, new Date());
  if (!updated) logger.warn('tenantUpdated for a tenant without billing customer', { tenantId: d.tenantId });
};
