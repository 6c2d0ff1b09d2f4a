/**
 * Wiring shared by the marketplace handlers: configuration from the environment the construct sets, the store,
 * and the side effects of an access change (control-plane event, seller e-mail).
 */
import { SendEmailCommand } from '@aws-sdk/client-sesv2';
import { dynamo, env } from '../../shared/aws-clients';
import { putEvents, sbtEvent } from '../../shared/events';
import { logger } from '../../shared/logger';
import { TenantService } from '../../tenant-management/domain/tenant-service';
import type { SubscriberItem } from './access';
import { sesClient } from './clients';
import type { IdentityMode } from './identity';
import { SubscriberStore, type AccessEffects } from './subscriber-store';
import { TenantServiceGateway, type TenantGateway } from './tenant-gateway';

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

/** Test/clock seam: the time the handlers act at (final-usage windows are tested with an injected clock). */
export const clock = { now: (): number => Date.now() };

let gateway: TenantGateway | undefined;
/** The control plane's tenant service on its own tables (control-plane outputs tenant_table_name, …). */
export function tenantGateway(): TenantGateway {
  gateway ??= new TenantServiceGateway(
    new TenantService({
      db: dynamo(),
      tenantTable: env('TENANT_TABLE_NAME'),
      registrationTable: env('REGISTRATION_TABLE_NAME'),
      emit: async (events) => {
        await putEvents(events.map((e) => sbtEvent(e.key, e.detail)));
        logger.info('control-plane events put', {
          keys: events.map((e) => e.key),
          tenantId: events[0]?.detail.tenantId,
        });
      },
      log: {
        warn: (msg, extra) => logger.warn(msg, { ...(extra ?? {}) }),
        error: (msg, extra) => logger.error(msg, { ...(extra ?? {}) }),
      },
    }),
    (process.env.TIER_DIMENSIONS ?? '')
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean),
  );
  return gateway;
}
/** Tests switch tables between suites. */
export function resetTenantGatewayForTesting(): void {
  gateway = undefined;
}

export function effects(): AccessEffects {
  const c = config();
  return {
    tenants: tenantGateway(),
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
