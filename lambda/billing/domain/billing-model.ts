/**
 * The billing model shared by every provider (pure): what a billing customer and user look like, what the
 * internal billing API answers, and how lifecycle events and vendor webhooks change them.
 */
import * as z from 'zod/mini';

/** Subscription state as vendors report it (Stripe-like vocabulary, lower-case). */
export const billingStatus = z.enum(['trialing', 'active', 'past_due', 'paused', 'canceled']);
export type BillingStatus = z.infer<typeof billingStatus>;

/** Whether money is flowing: `ok` (paid / nothing due), `pending`, `failed` (last charge failed), `none` (no payment method). */
export const paymentState = z.enum(['ok', 'pending', 'failed', 'none']);
export type PaymentState = z.infer<typeof paymentState>;

/**
 * A vendor's word for a state as ours when it is one of ours, else `fallback` (callers pass the safe side:
 * not paid). Vendors add states; an unknown one must never read as paid.
 */
export function ownStateOr<T extends string>(
  states: z.ZodMiniEnum<{ [K in T]: K }>,
  word: unknown,
  fallback: NoInfer<T>,
): T {
  const parsed = z.safeParse(states, word);
  return parsed.success ? (parsed.data as T) : fallback;
}

/** What `GET /tenants/{tenantId}/billing` answers (inside `{ data }`), whatever the provider. */
export interface TenantBilling {
  tenantId: string;
  customerId: string;
  plan?: string;
  billingStatus: BillingStatus;
  paymentState: PaymentState;
  email?: string;
  /** ISO time of the last change. */
  updatedAt: string;
  /** Which provider answered (e.g. `dynamodb`, `http-vendor`). */
  provider: string;
}

export interface BillingCustomer {
  tenantId: string;
  customerId: string;
  email?: string;
  name?: string;
  plan?: string;
  billingStatus: BillingStatus;
  paymentState: PaymentState;
  createdAt: string;
  updatedAt: string;
  /** Unix seconds of the newest webhook applied; older (reordered) webhooks are ignored. */
  lastWebhookAt?: number;
  canceledAt?: string;
}

export interface BillingUser {
  tenantId: string;
  userId: string;
  email?: string;
  name?: string;
  /** The user's role in billing (e.g. `owner` receives invoices). */
  billingRole?: string;
  createdAt: string;
  updatedAt: string;
}

const id = z.string().check(z.minLength(1), z.maxLength(256));
const optText = z.optional(z.string().check(z.maxLength(1024)));
const lenientText = z.optional(
  z.pipe(
    z.unknown(),
    z.transform((v): string | undefined => (typeof v === 'string' && v.length <= 1024 ? v : undefined)),
  ),
);

/**
 * `onboardingRequest` detail (SBT: tenantRegistrationData ∪ tenantData ∪ {tenantId}). Only tenantId is
 * required; `tier` (SBT's name) or `plan` becomes the plan.
 */
export const onboardingDetail = z.looseObject({
  tenantId: id,
  email: optText,
  tenantName: optText,
  tier: optText,
  plan: optText,
});

/**
 * `tenantUpdated` detail: `{tenantId, ...changed fields}`; the changed fields may also sit under
 * `tenantData` (as PUT /tenants bodies do). `origin: 'billing'` marks events the billing webhook emitted,
 * which providers skip (the vendor already knows; re-sending would echo).
 */
export const tenantUpdatedDetail = z.looseObject({
  tenantId: id,
  origin: optText,
  // Lenient: the flat tenant state may hold anything under these names (a numeric `plan` from a job);
  // what is not text is simply not a billing field, rather than a reason to drop the whole event.
  email: lenientText,
  tenantName: lenientText,
  tier: lenientText,
  plan: lenientText,
  tenantData: z.optional(z.looseObject({ email: optText, tenantName: optText, tier: optText, plan: optText })),
  /** The control plane's tenantUpdated: which fields changed (the flat fields are the whole new state). */
  changedFields: z.optional(z.array(z.string())),
});

/** `tenantUserCreated` / `tenantUserDeleted` detail: the tenant and the user (`userId` or SBT's `userName`). */
export const userEventDetail = z.looseObject({
  tenantId: id,
  userId: z.optional(id),
  userName: z.optional(id),
  email: optText,
  name: optText,
  userRole: optText,
});

export const updateUserBody = z.strictObject({
  email: z.optional(z.email()),
  name: optText,
  billingRole: optText,
});

/** Vendor webhook body of the reference scheme (docs/billing-metering.md). */
export const webhookBody = z.looseObject({
  type: z.string().check(z.minLength(1), z.maxLength(128)),
  data: z.looseObject({
    tenantId: id,
    plan: optText,
    billingStatus: z.optional(billingStatus),
    paymentState: z.optional(paymentState),
  }),
});
export type WebhookBody = z.infer<typeof webhookBody>;

export function userIdOf(d: z.infer<typeof userEventDetail>): string | undefined {
  return d.userId ?? d.userName;
}

/** The customer an onboarding request creates. */
export function newCustomer(d: z.infer<typeof onboardingDetail>, customerId: string, now: Date): BillingCustomer {
  return {
    tenantId: d.tenantId,
    customerId,
    email: d.email,
    name: d.tenantName,
    plan: d.tier ?? d.plan,
    billingStatus: 'active',
    paymentState: 'none',
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
}

/** Fields of a customer a `tenantUpdated` event changes (empty when nothing billing-relevant changed). */
export function customerChanges(
  d: z.infer<typeof tenantUpdatedDetail>,
): Partial<Pick<BillingCustomer, 'email' | 'name' | 'plan'>> {
  const t = d.tenantData ?? {};
  const out: Partial<Pick<BillingCustomer, 'email' | 'name' | 'plan'>> = {};
  // The control plane's tenantUpdated carries the whole new state flat plus `changedFields`: only the
  // fields that changed are billing changes (a lifecycle transition must not rewrite the plan). Details
  // without `changedFields` (the billing webhook's, SBT-style senders) list only what changed.
  const changed = d.changedFields ? new Set(d.changedFields) : undefined;
  const pick = (field: 'email' | 'tenantName' | 'tier' | 'plan'): string | undefined =>
    changed && !changed.has(field) ? undefined : (d[field] ?? t[field]);
  const email = pick('email');
  const name = pick('tenantName');
  const plan = pick('tier') ?? pick('plan');
  if (email !== undefined) out.email = email;
  if (name !== undefined) out.name = name;
  if (plan !== undefined) out.plan = plan;
  return out;
}

/** Billing fields a webhook sets; `type`s the reference scheme knows imply a state when not given. */
export function webhookChanges(
  body: WebhookBody,
): Partial<Pick<BillingCustomer, 'plan' | 'billingStatus' | 'paymentState'>> {
  const implied: Record<string, Partial<Pick<BillingCustomer, 'billingStatus' | 'paymentState'>>> = {
    'payment.succeeded': { paymentState: 'ok', billingStatus: 'active' },
    'payment.failed': { paymentState: 'failed', billingStatus: 'past_due' },
    'subscription.canceled': { billingStatus: 'canceled' },
    'subscription.paused': { billingStatus: 'paused' },
  };
  const out: Partial<Pick<BillingCustomer, 'plan' | 'billingStatus' | 'paymentState'>> = {
    ...(implied[body.type] ?? {}),
  };
  if (body.data.plan !== undefined) out.plan = body.data.plan;
  if (body.data.billingStatus !== undefined) out.billingStatus = body.data.billingStatus;
  if (body.data.paymentState !== undefined) out.paymentState = body.data.paymentState;
  return out;
}

export function presentCustomer(c: BillingCustomer, provider: string): TenantBilling {
  return {
    tenantId: c.tenantId,
    customerId: c.customerId,
    plan: c.plan,
    billingStatus: c.billingStatus,
    paymentState: c.paymentState,
    email: c.email,
    updatedAt: c.updatedAt,
    provider,
  };
}
