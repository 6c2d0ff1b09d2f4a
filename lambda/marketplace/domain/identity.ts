/**
 * Subscriber identity. Under Concurrent Agreements a buyer is a (CustomerAWSAccountId, LicenseArn) pair and one
 * account can hold several licences; legacy listings key buyers on CustomerIdentifier. The table key is
 * `subscriberId`:
 *   - `license:<l-…>` when a licence is known. The licence *id* (trailing `l-…`) is used, not the ARN, because
 *     ResolveCustomer (`arn:aws:license-manager::<acct>:license/l-…`) and the EventBridge events
 *     (`aws:license-manager:us-east-1:<acct>:l-…`) spell the ARN differently (reference §3.8).
 *   - `customer:<CustomerIdentifier>` for legacy integrations (no licence).
 * Agreement events carry neither; they are kept as `agreement:<agmt-…>` items and joined on account + agreement id.
 */
export type IdentityMode = 'license' | 'customer';

export function licenseIdOf(licenseArn: string): string {
  const m = /(l-[0-9A-Za-z]+)\s*$/.exec(licenseArn);
  return m ? m[1] : licenseArn.trim();
}

export const licenseKey = (licenseArn: string) => `license:${licenseIdOf(licenseArn)}`;
/** SNS samples carry a leading space (" X01EXAMPLEX"); identifiers never contain spaces, so trim. */
export const customerKey = (customerIdentifier: string) => `customer:${customerIdentifier.trim()}`;
export const agreementKey = (agreementId: string) => `agreement:${agreementId.trim()}`;

export interface ResolvedCustomer {
  customerIdentifier?: string;
  customerAWSAccountId?: string;
  licenseArn?: string;
  productCode: string;
}

/**
 * Key of a resolved buyer: the licence when ResolveCustomer returned one and the product is keyed on licences
 * (EventBridge / CA mode), otherwise the legacy CustomerIdentifier.
 */
export function subscriberIdOf(c: ResolvedCustomer, mode: IdentityMode): string {
  if (mode === 'license' && c.licenseArn) return licenseKey(c.licenseArn);
  if (c.customerIdentifier) return customerKey(c.customerIdentifier);
  if (c.licenseArn) return licenseKey(c.licenseArn);
  throw new Error('ResolveCustomer returned neither LicenseArn nor CustomerIdentifier');
}
