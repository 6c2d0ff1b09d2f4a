/**
 * Moesif's APIs as the billing adapter uses them (pure mapping + wire calls; no AWS), from Moesif's public
 * API reference (https://www.moesif.com/docs/api):
 *  - Management API (api.moesif.com/v1, `Authorization: Bearer <management key>`):
 *      POST   /search/~/companies                       {company_id, metadata}      create or merge
 *      GET    /search/~/companies/{id}   DELETE /search/~/companies/{id}
 *      GET    /search/~/companies/{id}/subscriptions
 *      POST   /search/~/subscriptions                   {subscription_id, company_id, status, current_period_start, metadata}
 *      POST   /search/~/users                           {user_id, company_id, email?, metadata}      create or merge
 *      GET    /search/~/users/{id}       DELETE /search/~/users/{id}
 *  - Collector API (api.moesif.net/v1, `X-Moesif-Application-Id`):
 *      POST   /actions/batch                            [{action_name, company_id, transaction_id, request: {time}, metadata}]
 * Tenant → company (company_id = tenantId), the tenant's plan → one subscription `sbt-<tenantId>`,
 * user → user (user_id = userId, company_id = tenantId).
 */
import {
  billingStatus,
  ownStateOr,
  type BillingStatus,
  type BillingUser,
  type PaymentState,
  type TenantBilling,
} from '../../billing/domain/billing-model';
import type { VendorHttp, VendorObject } from '../../shared/vendor-http';

export const MOESIF = 'Moesif';
const enc = encodeURIComponent;

/** What every Moesif entity (company, subscription, user) carries besides its own fields: free-form metadata. */
interface MoesifEntity extends VendorObject {
  metadata?: Record<string, unknown>;
}
export interface MoesifCompany extends MoesifEntity {
  company_id: string;
}
export interface MoesifSubscription extends MoesifEntity {
  subscription_id: string;
  company_id: string;
  status?: string;
  current_period_start?: string;
}
export interface MoesifUser extends MoesifEntity {
  user_id: string;
  company_id?: string;
  email?: string;
}
export interface MoesifAction {
  action_name: string;
  company_id: string;
  transaction_id: string;
  request: { time: string };
  metadata: Record<string, unknown>;
}

/** The one subscription the adapter keeps per tenant (a stable id: redeliveries update, never duplicate). */
export const subscriptionIdOf = (tenantId: string) => `sbt-${tenantId}`;

export const management = {
  upsertCompany: (http: VendorHttp, c: MoesifCompany) =>
    http.send({ method: 'POST', path: '/search/~/companies', body: c }),
  getCompany: (http: VendorHttp, id: string) =>
    http.send<MoesifCompany>({ method: 'GET', path: `/search/~/companies/${enc(id)}`, allow: [404] }),
  deleteCompany: (http: VendorHttp, id: string) =>
    http.send({ method: 'DELETE', path: `/search/~/companies/${enc(id)}`, allow: [404] }),
  subscriptionsOf: async (http: VendorHttp, id: string) =>
    (await http.send<MoesifSubscription[]>({
      method: 'GET',
      path: `/search/~/companies/${enc(id)}/subscriptions`,
      allow: [404],
    })) ?? [],
  upsertSubscription: (http: VendorHttp, s: MoesifSubscription) =>
    http.send({ method: 'POST', path: '/search/~/subscriptions', body: s }),
  upsertUser: (http: VendorHttp, u: MoesifUser) => http.send({ method: 'POST', path: '/search/~/users', body: u }),
  getUser: (http: VendorHttp, id: string) =>
    http.send<MoesifUser>({ method: 'GET', path: `/search/~/users/${enc(id)}`, allow: [404] }),
  deleteUser: (http: VendorHttp, id: string) =>
    http.send({ method: 'DELETE', path: `/search/~/users/${enc(id)}`, allow: [404] }),
};

export const collector = {
  actions: (http: VendorHttp, actions: MoesifAction[]) =>
    http.send({ method: 'POST', path: '/actions/batch', body: actions }),
};

/** Only the keys given (undefined dropped), so a merge at Moesif never blanks a field. */
export const given = (o: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

/** Moesif (Stripe-like) subscription status → ours; unknown states map to the safe side (not paid). */
export function billingStatusOf(status: string | undefined): BillingStatus {
  if (status === 'cancelled') return 'canceled';
  return ownStateOr(billingStatus, status, 'past_due');
}
function paymentStateOf(status: BillingStatus): PaymentState {
  if (status === 'active') return 'ok';
  if (status === 'past_due') return 'failed';
  return 'none';
}

/** Company + its subscriptions → what GET /tenants/{tenantId}/billing answers. */
export function tenantBillingFromMoesif(
  tenantId: string,
  company: MoesifCompany,
  subs: MoesifSubscription[],
): TenantBilling {
  const sub = subs.find((s) => s.subscription_id === subscriptionIdOf(tenantId)) ?? subs[0];
  const billingStatus = sub ? billingStatusOf(str(sub.status)) : 'active';
  const meta = company.metadata ?? {};
  return {
    tenantId,
    customerId: company.company_id,
    plan: str(sub?.metadata?.plan) ?? str(meta.plan) ?? str(meta.tier),
    billingStatus,
    paymentState: sub ? paymentStateOf(billingStatus) : 'none',
    email: str(meta.email),
    updatedAt: str(meta.updated_at) ?? str(company.modified_time) ?? new Date().toISOString(),
    provider: 'moesif',
  };
}

export function billingUserFromMoesif(tenantId: string, u: MoesifUser): BillingUser {
  const meta = u.metadata ?? {};
  const now = new Date().toISOString();
  return {
    tenantId,
    userId: u.user_id,
    email: str(u.email) ?? str(meta.email),
    name: str(meta.name),
    billingRole: str(meta.billing_role),
    createdAt: str(meta.created_at) ?? str(u.created) ?? now,
    updatedAt: str(meta.updated_at) ?? str(u.modified_time) ?? now,
  };
}
