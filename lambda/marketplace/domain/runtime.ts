/**
 * Wiring shared by the marketplace handlers: configuration from the environment the construct sets, the store,
 * and the side effects of an access change (control-plane event, seller e-mail).
 */
import { SendEmailCommand } from '@aws-sdk/client-sesv2';
import { dynamo, env } from '../../shared/aws-clients';
import { putSbtEvent } from '../../shared/events';
import { logger } from '../../shared/logger';
import type { SubscriberItem } from './access';
import { sesClient } from './clients';
import type { IdentityMode } from './identity';
import { SubscriberStore, type AccessEffects } from './subscriber-store';

export type PricingModel = 'CONTRACTS' | 'SUBSCRIPTIONS' | 'CONTRACTS_WITH_SUBSCRIPTION';

export function config() {
  return {
    productCode: env('PRODUCT_CODE'),
    table: env('SUBSCRIBERS_TABLE_NAME'),
    identityMode: (process.env.IDENTITY_MODE === 'customer' ? 'customer' : 'license') as IdentityMode,
    pricingModel: (process.env.PRICING_MODEL ?? 'CONTRACTS_WITH_SUBSCRIPTION') as PricingModel,
    sellerEmail: process.env.SELLER_EMAIL || undefined,
  };
}

export const hasContracts = (p: PricingModel) => p !== 'SUBSCRIPTIONS';

export function store(): SubscriberStore {
  const c = config();
  return new SubscriberStore(dynamo(), c.table, c.identityMode);
}

export function effects(): AccessEffects {
  const c = config();
  return {
    emit: async (key, detail) => {
      await putSbtEvent(key, detail);
      logger.info('control-plane event put', { key, subscriberId: detail.marketplaceSubscriberId, accessVersion: detail.accessVersion });
    },
    notifySeller: c.sellerEmail ? (item) => sendSellerEmail(c.sellerEmail!, c.productCode, item) : undefined,
  };
}

async function sendSellerEmail(sellerEmail: string, productCode: string, item: SubscriberItem): Promise<void> {
  const reg = (item.registration ?? {}) as Record<string, string>;
  const lines = [
    `A new AWS Marketplace subscriber has access to product ${productCode}.`,
    '',
    `Subscriber: ${item.subscriberId}`,
    `AWS account: ${item.customerAWSAccountId ?? '-'}`,
    `Licence: ${item.licenseArn ?? '-'}`,
    `Free trial: ${item.freeTrial === true ? 'yes' : 'no'}`,
    ...Object.entries(reg).map(([k, v]) => `${k}: ${v}`),
  ];
  await sesClient().send(
    new SendEmailCommand({
      FromEmailAddress: sellerEmail,
      Destination: { ToAddresses: [sellerEmail] },
      Content: {
        Simple: {
          Subject: { Data: `New AWS Marketplace subscriber: ${reg.companyName ?? item.subscriberId}` },
          Body: { Text: { Data: lines.join('\n') } },
        },
      },
    }),
  );
}
