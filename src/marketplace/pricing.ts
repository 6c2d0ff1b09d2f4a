/** Pricing models of a SaaS listing; each wires only what it needs. */
export enum MarketplacePricingModel {
  /** Up-front contracts: entitlement checks (GetEntitlements), no metering. */
  CONTRACTS = 'CONTRACTS',
  /** Pay-as-you-go: metering (BatchMeterUsage), no entitlement checks. */
  SUBSCRIPTIONS = 'SUBSCRIPTIONS',
  /** Contracts with consumption: both (meter only usage beyond the contract). */
  CONTRACTS_WITH_SUBSCRIPTION = 'CONTRACTS_WITH_SUBSCRIPTION',
}

export const hasEntitlements = (p: MarketplacePricingModel) => p !== MarketplacePricingModel.SUBSCRIPTIONS;
export const hasMetering = (p: MarketplacePricingModel) => p !== MarketplacePricingModel.CONTRACTS;

/** The AWS Marketplace account that publishes the legacy SNS topics (reference §1.1/§3.6). */
export const MARKETPLACE_SNS_ACCOUNT = '287250355862';
export const legacyTopicArn = (kind: 'subscription' | 'entitlement', productCode: string) =>
  `arn:aws:sns:us-east-1:${MARKETPLACE_SNS_ACCOUNT}:aws-mp-${kind}-notification-${productCode}`;

/** Default registration form fields (the AWS sample's four). */
export const DEFAULT_REGISTRATION_FIELDS = ['companyName', 'contactPerson', 'contactPhone', 'contactEmail'];
