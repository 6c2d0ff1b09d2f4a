/**
 * Marketplace SDK clients. Entitlement Service exists only in us-east-1 and SaaS listings live there, so both
 * Marketplace clients are pinned to MARKETPLACE_REGION (default us-east-1) whatever region the Lambda runs in.
 * No endpoint is named: tests redirect them with AWS_ENDPOINT_URL_MARKETPLACE_METERING /
 * AWS_ENDPOINT_URL_MARKETPLACE_ENTITLEMENT_SERVICE.
 */
import {
  GetEntitlementsCommand,
  MarketplaceEntitlementServiceClient,
  type Entitlement,
} from '@aws-sdk/client-marketplace-entitlement-service';
import { MarketplaceMeteringClient } from '@aws-sdk/client-marketplace-metering';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SQSClient } from '@aws-sdk/client-sqs';

const region = () => process.env.MARKETPLACE_REGION || 'us-east-1';
let metering: MarketplaceMeteringClient | undefined;
let meteringNoRetry: MarketplaceMeteringClient | undefined;
let entitlement: MarketplaceEntitlementServiceClient | undefined;
let ses: SESv2Client | undefined;
let sqs: SQSClient | undefined;

/** `retries: false` for the metering sender, which paces and retries itself (SDK retries would burst the quota). */
export function meteringClient(o: { retries?: boolean } = {}): MarketplaceMeteringClient {
  if (o.retries === false)
    return (meteringNoRetry ??= new MarketplaceMeteringClient({ region: region(), maxAttempts: 1 }));
  return (metering ??= new MarketplaceMeteringClient({ region: region() }));
}
export function entitlementClient(): MarketplaceEntitlementServiceClient {
  return (entitlement ??= new MarketplaceEntitlementServiceClient({ region: region() }));
}
/** SES identities are regional: the seller's verified identity lives in the deployment region. */
export function sesClient(): SESv2Client {
  return (ses ??= new SESv2Client({}));
}
/** Requests go to the regional endpoint (AWS_ENDPOINT_URL_SQS in tests), not to the host named in the queue URL. */
export function sqsClient(): SQSClient {
  return (sqs ??= new SQSClient({ useQueueUrlAsEndpoint: false }));
}

/** Entitlement in a JSON/DynamoDB-safe shape (dates as ISO strings). */
export interface StoredEntitlement {
  dimension?: string;
  value?: unknown;
  expirationDate?: string;
  customerAWSAccountId?: string;
  customerIdentifier?: string;
  licenseArn?: string;
}

/** All pages of GetEntitlements ("NextToken might still be present" on an empty page, so follow it). */
export async function fetchEntitlements(
  productCode: string,
  filter: Record<string, string[]>,
): Promise<StoredEntitlement[]> {
  const out: StoredEntitlement[] = [];
  let next: string | undefined;
  for (let page = 0; page < 100; page++) {
    const r = await entitlementClient().send(
      new GetEntitlementsCommand({ ProductCode: productCode, Filter: filter, NextToken: next, MaxResults: 25 }),
    );
    for (const e of (r.Entitlements ?? []) as Entitlement[]) {
      const v = e.Value;
      out.push({
        dimension: e.Dimension,
        value: v?.IntegerValue ?? v?.DoubleValue ?? v?.BooleanValue ?? v?.StringValue,
        expirationDate: e.ExpirationDate ? new Date(e.ExpirationDate).toISOString() : undefined,
        customerAWSAccountId: e.CustomerAWSAccountId,
        customerIdentifier: e.CustomerIdentifier,
        licenseArn: e.LicenseArn,
      });
    }
    next = r.NextToken;
    if (!next) break;
  }
  return out;
}

/** Contract expired: no entitlement left, or every one is past its ExpirationDate (the sample's #57 fix). */
export function contractExpired(entitlements: StoredEntitlement[], now = Date.now()): boolean {
  if (!entitlements.length) return true;
  return entitlements.every((e) => e.expirationDate !== undefined && Date.parse(e.expirationDate) < now);
}
