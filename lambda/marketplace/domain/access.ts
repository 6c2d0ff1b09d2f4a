/**
 * When does a buyer get access? Pure rules over the stored subscriber item (no I/O), so they are unit-tested
 * and shared by the registration endpoint and the notification handler — whichever writes last grants.
 *
 * Access needs BOTH a completed registration AND a positive subscription signal:
 *  - Concurrent Agreements: the newest licence event is `License Updated` (not `License Deprovisioned`);
 *  - legacy SNS: the newest subscription action is `subscribe-success` (or `unsubscribe-pending`, which still
 *    leaves the final-metering hour) — never on registration alone (seller guide: "Do not activate a product
 *    subscription unless you receive a subscribe-success notification");
 *  - and, for contracts on the legacy path, the last GetEntitlements did not find the contract expired.
 */
export interface SubscriberItem {
  subscriberId: string;
  kind?: string;
  registeredAt?: string;
  subscriptionStatus?: string;
  licenseStatus?: string;
  contractExpired?: boolean;
  access?: 'GRANTED' | 'REVOKED';
  accessVersion?: number;
  emittedVersion?: number;
  [k: string]: unknown;
}

export function isEntitled(item: SubscriberItem): boolean {
  const viaLicense = item.licenseStatus === 'ACTIVE';
  const viaSubscription =
    item.subscriptionStatus === 'subscribe-success' || item.subscriptionStatus === 'unsubscribe-pending';
  return (viaLicense || viaSubscription) && item.contractExpired !== true;
}

export function desiredAccess(item: SubscriberItem): boolean {
  return Boolean(item.registeredAt) && isEntitled(item);
}

/** The transition to make, if any: grant, revoke or nothing. A never-granted buyer is never "revoked". */
export function accessTransition(item: SubscriberItem): 'GRANTED' | 'REVOKED' | undefined {
  const want = desiredAccess(item);
  if (want && item.access !== 'GRANTED') return 'GRANTED';
  if (!want && item.access === 'GRANTED') return 'REVOKED';
  return undefined;
}

/** Is there an access change whose control-plane event has not been confirmed as put on the bus? */
export function pendingEmission(item: SubscriberItem): number | undefined {
  const v = item.accessVersion ?? 0;
  return v > (item.emittedVersion ?? 0) ? v : undefined;
}
