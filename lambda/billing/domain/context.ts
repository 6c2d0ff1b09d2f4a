/** Wiring shared by the DynamoDB billing handlers: the store over the tables named in the environment. */
import { dynamo, env } from '../../shared/aws-clients';
import { parseDetail, type SbtEvent } from '../../shared/event-detail';
import { BillingStore } from './billing-store';

export { parseDetail, type SbtEvent };

export const PROVIDER_NAME = 'dynamodb';

export function billingStore(): BillingStore {
  return new BillingStore(dynamo(), { customers: env('CUSTOMERS_TABLE_NAME'), users: env('USERS_TABLE_NAME') });
}
