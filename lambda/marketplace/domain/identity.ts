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

/**
 * The ONE licence-id normalisation used everywhere (subscriber keys, ledger buckets, result matching, GetEntitlements
 * filters). AWS spells one licence several ways in its documents:
 *   arn:aws:license-manager::123456789012:license:l-abc…     (ResolveCustomer, as integrators report it)
 *   arn:aws:license-manager::123456789012:license/l-abc…     (License Manager ARN format)
 *   aws:license-manager:us-east-1:123456789012:l-abc…        (the EventBridge "License Updated" example)
 *   l-abc…  /  lic-abc…                                       (bare ids; `lic-` in the Agreement API examples)
 * plus stray whitespace and other partitions (aws-cn, aws-us-gov). The canonical form is `l-<id>`: the last
 * `:`/`/` segment, with a `lic-` prefix read as `l-` (the same licence id, per the observation that the
 * Agreement API's `lic-…` never joined the `l-…` form). Returns undefined for something that is not a licence.
 */
export function normalizeLicenseId(raw: string | undefined): string | undefined {
  if (typeof raw !== 'string') return undefined;
  const last = raw.trim().split(/[:/]/).pop() ?? '';
  const m = /^(?:l|lic)-([0-9A-Za-z][0-9A-Za-z-]*)$/.exec(last);
  return m ? `l-${m[1]}` : undefined;
}

/** Like normalizeLicenseId, but keeps an unrecognised value (trimmed) so nothing is silently merged. */
export function licenseIdOf(licenseArn: string): string {
  return normalizeLicenseId(licenseArn) ?? licenseArn.trim();
}

/** Do two spellings name the same licence? */
export const sameLicense = (a: string | undefined, b: string | undefined): boolean =>
  a !== undefined && b !== undefined && licenseIdOf(a) === licenseIdOf(b);

/**
 * Every spelling of one licence for GetEntitlements' LICENSE_ARN filter. Filter values are *unioned*
 * (reference §3.2), so asking with all known forms finds the entitlement whichever form AWS stored; the preferred
 * form (the ResolveCustomer answer we stored) comes first.
 */
export function licenseArnForms(known: (string | undefined)[], accountId?: string): string[] {
  const out: string[] = [];
  const add = (v: string | undefined) => {
    if (v && !out.includes(v)) out.push(v);
  };
  for (const k of known) add(k?.trim());
  const id = known.map((k) => normalizeLicenseId(k)).find(Boolean);
  if (id && accountId) {
    add(`arn:aws:license-manager::${accountId}:license:${id}`);
    add(`arn:aws:license-manager::${accountId}:license/${id}`);
  }
  return out.slice(0, 10);
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
