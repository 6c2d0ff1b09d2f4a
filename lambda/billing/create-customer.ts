/**
 * IBilling.createCustomerFunction (DynamoDBBilling), on `onboardingRequest`: creates the billing customer
 * of the new tenant. Retries are no-ops (conditional put). Env: CUSTOMERS_TABLE_NAME, USERS_TABLE_NAME.
 */
import { randomUUID } from 'node:crypto';
import { logger } from '../shared/logger';
import { newCustomer, onboardingDetail } from './domain/billing-model';
import { billingStore, parseDetail, type SbtEvent } from './domain/context';

export const handler = async (event: SbtEvent): Promise<void> => {
  const d = parseDetail(event, onboardingDetail);
  if (!d) return;
  const created = await billingStore().createCustomer(newCustomer(d, randomUUID(), new Date()));
  logger.info(created ? 'billing customer created' : 'billing customer already exists', { tenantId: d.tenantId });
};
