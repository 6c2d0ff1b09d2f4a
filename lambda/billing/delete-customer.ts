/**
 * IBilling.deleteCustomerFunction (DynamoDBBilling), on `offboardingRequest`: marks the customer canceled
 * (kept for invoices) and removes its billing users. Env: CUSTOMERS_TABLE_NAME, USERS_TABLE_NAME.
 */
import * as z from 'zod/mini';
import { logger } from '../shared/logger';
import { billingStore, parseDetail, type SbtEvent } from './domain/context';

const detail = z.looseObject({ tenantId: z.string().check(z.minLength(1)) });

export const handler = async (event: SbtEvent): Promise<void> => {
  const d = parseDetail(event, detail);
  if (!d) return;
  const found = await billingStore().cancelCustomer(d.tenantId, new Date());
  if (!found) logger.warn('offboarding a tenant without billing customer', { tenantId: d.tenantId });
};
