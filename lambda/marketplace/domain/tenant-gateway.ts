/**
 * Marketplace access changes → the control plane's OWN tenant path (lambda/tenant-management TenantService, the
 * code behind POST /tenant-registrations and DELETE /tenant-registrations/{id}), so a Marketplace buyer becomes a
 * tenant exactly like an API-registered one:
 *  - grant  → TenantService.onboard: tenant + registration items, `onboardingRequest` carrying tenantId and
 *             tenantRegistrationId (billing createCustomer and the provisioning job read those), lifecycle
 *             REGISTERED → PROVISIONING → (job result) ACTIVE;
 *  - revoke → requestTransition(offboard): `offboardingRequest` + `tenantUpdated`, → OFFBOARDED by the job;
 *  - plan change (tier / entitlements / trial → paid) → updateTenant: `tenantUpdated` with the changed fields,
 *             which billing's updateCustomer and the application consume.
 * Retries are idempotent: onboarding uses an idempotency key derived from the subscriber and its access version
 * (a redelivery gets the first attempt's ids back), offboarding of a tenant already leaving is a no-op, and an
 * update with nothing changed emits nothing.
 * Env: TENANT_TABLE_NAME, REGISTRATION_TABLE_NAME (control-plane outputs tenant_table_name /
 * tenant_registration_table_name), EVENT_BUS_NAME, CONTROL_PLANE_EVENT_SOURCE.
 */
import { ConflictError, IdempotencyKeyReusedError } from '../../shared/domain-errors';
import type { Data } from '../../tenant-management/domain/data';
import type { TenantService } from '../../tenant-management/domain/tenant-service';
import type { SubscriberItem } from './access';

export interface TenantGateway {
  /** Returns the ids (and plan) to remember on the subscriber. */
  onboard(
    item: SubscriberItem,
    accessVersion: number,
  ): Promise<{ tenantId: string; tenantRegistrationId: string; planHash: string }>;
  offboard(item: SubscriberItem, reason: string): Promise<void>;
  /** Applies the current plan to the tenant; returns the plan hash now in effect, or undefined if no tenant yet. */
  updatePlan(item: SubscriberItem, reason: string): Promise<string | undefined>;
}

export interface Plan {
  tier: string;
  freeTrial: boolean;
  marketplaceEntitlements: unknown[];
  marketplaceOfferId?: string;
}

/**
 * The buyer's plan as the tenant sees it. `tier`: the entitled contract dimension — the highest of `tierOrder`
 * when given (lowest → highest), else the entitled dimensions sorted and joined with '+' — or 'marketplace' when
 * the listing has no contract dimensions; `-trial` is appended during a free trial, so trial → paid is a tier
 * change billing sees.
 */
export function planOf(item: SubscriberItem, tierOrder: string[] = []): Plan {
  const ents = (Array.isArray(item.entitlements) ? item.entitlements : []) as {
    dimension?: string;
    value?: unknown;
    expirationDate?: string;
  }[];
  const now = Date.now();
  const active = ents.filter(
    (e) =>
      e.dimension && e.value !== false && e.value !== 0 && !(e.expirationDate && Date.parse(e.expirationDate) < now),
  );
  const dims = [...new Set(active.map((e) => e.dimension!))].sort();
  const ranked = tierOrder.filter((t) => dims.includes(t));
  const base = ranked.length ? ranked[ranked.length - 1] : dims.length ? dims.join('+') : 'marketplace';
  const freeTrial = item.freeTrial === true;
  return {
    tier: (freeTrial ? `${base}-trial` : base).slice(0, 256),
    freeTrial,
    marketplaceEntitlements: ents,
    marketplaceOfferId: typeof item.offerId === 'string' ? item.offerId : undefined,
  };
}

export const planHashOf = (p: Plan) =>
  JSON.stringify([p.tier, p.freeTrial, p.marketplaceEntitlements, p.marketplaceOfferId ?? null]);

/** What the tenant is created with: contact fields, SBT's Marketplace fields, the plan. */
export function tenantDataOf(
  item: SubscriberItem,
  plan: Plan,
  nameSuffix = '',
): { tenantData: Data; registrationData: Data } {
  const reg = (item.registration ?? {}) as Record<string, string>;
  const { companyName, contactEmail, tenantName, email, ...rest } = reg;
  const baseName = (tenantName ?? companyName ?? item.subscriberId).slice(0, 200);
  const tenantData: Data = {
    ...rest,
    ...(companyName ? { companyName } : {}),
    ...(contactEmail ? { contactEmail } : {}),
    tenantName: `${baseName}${nameSuffix}`,
    ...((email ?? contactEmail) ? { email: email ?? contactEmail } : {}),
    tier: plan.tier,
    freeTrial: plan.freeTrial,
    marketplaceEntitlements: plan.marketplaceEntitlements,
    ...(plan.marketplaceOfferId ? { marketplaceOfferId: plan.marketplaceOfferId } : {}),
    source: 'aws-marketplace',
    marketplaceSubscriberId: item.subscriberId,
    productCode: item.productCode,
    licenseArn: item.licenseArn,
    customerAWSAccountId: item.customerAWSAccountId,
    // SBT's Marketplace detail spells it this way; application planes written for SBT read it.
    customerAWSAccountID: item.customerAWSAccountId,
    customerIdentifier: item.customerIdentifier,
    agreementId: item.agreementId,
  };
  for (const k of Object.keys(tenantData)) if (tenantData[k] === undefined) delete tenantData[k];
  const registrationData: Data = { source: 'aws-marketplace', marketplaceSubscriberId: item.subscriberId, ...reg };
  return { tenantData, registrationData };
}

/** The tenant cannot be offboarded yet (still PROVISIONING): the sweep retries once the job has finished. */
export class TenantBusy extends Error {}

const isConflict = (e: unknown) => e instanceof ConflictError;
/**
 * The idempotency key was first used with the other name variant: an earlier delivery found the company name
 * taken and created the tenant under the suffixed name (then e.g. its event was refused). The unsuffixed attempt
 * of the redelivery is refused as a different request under the same key (422); the suffixed one replays it.
 */
const isKeyUsedByOtherName = (e: unknown) => e instanceof IdempotencyKeyReusedError;
const LEAVING = new Set(['OFFBOARDING', 'OFFBOARDED', 'DEPROVISION_FAILED']);

export class TenantServiceGateway implements TenantGateway {
  constructor(
    private readonly svc: TenantService,
    private readonly tierOrder: string[] = [],
  ) {}

  async onboard(item: SubscriberItem, accessVersion: number) {
    const plan = planOf(item, this.tierOrder);
    const key = `aws-marketplace:${item.subscriberId}:${accessVersion}`;
    const attempt = async (suffix: string) => {
      const { tenantData, registrationData } = tenantDataOf(item, plan, suffix);
      return this.svc.onboard({
        tenantData,
        registrationData,
        reason: `AWS Marketplace subscription ${item.subscriberId}`,
        idempotencyKey: key,
      });
    };
    let res: Awaited<ReturnType<typeof attempt>>;
    try {
      res = await attempt('');
    } catch (e) {
      // tenantName is unique in the control plane: another buyer (or this buyer's earlier, offboarded tenant) has
      // the company name, so this tenant is named after the licence as well — deterministically, for retries.
      if (!isConflict(e) && !isKeyUsedByOtherName(e)) throw e;
      res = await attempt(` (${item.subscriberId.replace(/^[a-z]+:/, '')})`);
    }
    if (!res.emitted && res.replayed && res.tenant.lifecycleState === 'PROVISION_FAILED') {
      // The first attempt stored the tenant but could not put its event (the control plane then marks it
      // PROVISION_FAILED): the redelivery re-emits through the control plane's own retry path.
      const again = await this.svc.retry(
        String(res.tenant.tenantId),
        `AWS Marketplace subscription ${item.subscriberId}: retry`,
      );
      if (!again.emitted)
        throw new Error(
          `onboardingRequest of tenant ${String(res.tenant.tenantId)} could not be put on the bus (tenant is PROVISION_FAILED)`,
        );
    } else if (!res.emitted) {
      throw new Error(
        `onboardingRequest of tenant ${String(res.tenant.tenantId)} could not be put on the bus (tenant is PROVISION_FAILED)`,
      );
    }
    return {
      tenantId: String(res.tenant.tenantId),
      tenantRegistrationId: String(res.registration.tenantRegistrationId ?? res.tenant.tenantRegistrationId),
      planHash: planHashOf(plan),
    };
  }

  async offboard(item: SubscriberItem, reason: string) {
    if (typeof item.tenantId !== 'string') return; // never became a tenant: nothing to take down
    const tenant = await this.svc.getTenant(item.tenantId);
    if (LEAVING.has(String(tenant.lifecycleState))) return;
    // Offboarding a tenant still PROVISIONING is illegal in the control plane (409): the change stays pending and the
    // sweep (and any redelivery) applies it once the provisioning job has finished.
    if (tenant.lifecycleState === 'PROVISIONING')
      throw new TenantBusy(`tenant ${item.tenantId} is still PROVISIONING; offboarding deferred`);
    const res = await this.svc.requestTransition(item.tenantId, 'offboard', reason);
    if (!res.emitted) throw new Error(`offboardingRequest of tenant ${item.tenantId} could not be put on the bus`);
  }

  async updatePlan(item: SubscriberItem, reason: string) {
    if (typeof item.tenantId !== 'string') return undefined;
    const plan = planOf(item, this.tierOrder);
    const hash = planHashOf(plan);
    if (hash === item.planHash) return hash;
    try {
      await this.svc.updateTenant(
        item.tenantId,
        {
          tier: plan.tier,
          freeTrial: plan.freeTrial,
          marketplaceEntitlements: plan.marketplaceEntitlements,
          ...(plan.marketplaceOfferId ? { marketplaceOfferId: plan.marketplaceOfferId } : {}),
        },
        reason,
      );
    } catch (e) {
      if (isConflict(e)) return hash; // OFFBOARDED: no plan to change any more
      throw e;
    }
    return hash;
  }
}
