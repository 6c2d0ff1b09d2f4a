/**
 * Example vendor client for HttpBillingVendorAdapter: a generic REST billing vendor with customers keyed
 * by our tenantId (`externalId`) and users below them. A real vendor package replaces the paths and the
 * two mappers; everything else (auth from Secrets Manager, idempotency keys, error mapping) carries over.
 *
 *   POST   /customers                          {externalId, email?, name?, plan?}   (Idempotency-Key)
 *   PATCH  /customers/{externalId}             {email?, name?, plan?}
 *   DELETE /customers/{externalId}
 *   GET    /customers/{externalId}             → {id, externalId, email?, plan?, status, paymentStatus}
 *   POST   /customers/{externalId}/users       {externalId: userId, email?, name?, role?}
 *   GET    /customers/{externalId}/users/{userId}   → {externalId, email?, name?, role?, createdAt?, updatedAt?}
 *   PATCH  /customers/{externalId}/users/{userId}   {email?, name?, role?}
 *   DELETE /customers/{externalId}/users/{userId}
 */
import { type BillingUser, billingStatus, ownStateOr, paymentState, type TenantBilling } from './billing-model';

export class VendorError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'VendorError';
  }
}

export interface VendorClientOptions {
  baseUrl: string;
  apiKey: string;
  /** Per-request timeout. @default 8000 ms (inside API Gateway's 29 s and Lambda's timeout) */
  timeoutMs?: number;
}

export class VendorClient {
  constructor(private readonly o: VendorClientOptions) {}

  /** One call; 2xx → parsed JSON (or undefined), 404 → undefined when `allow404`, else VendorError. */
  async call(
    method: string,
    path: string,
    body?: unknown,
    opts: { idempotencyKey?: string; allow404?: boolean; allow409?: boolean } = {},
  ): Promise<Record<string, unknown> | undefined> {
    const res = await fetch(`${this.o.baseUrl.replace(/\/+$/, '')}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.o.apiKey}`,
        accept: 'application/json',
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(opts.idempotencyKey ? { 'idempotency-key': opts.idempotencyKey } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(this.o.timeoutMs ?? 8000),
    });
    const text = await res.text();
    if (res.status === 404 && opts.allow404) return undefined;
    if (res.status === 409 && opts.allow409) return undefined;
    if (!res.ok) throw new VendorError(res.status, `vendor ${method} ${path} → ${res.status}`);
    return text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
  }
}

const enc = encodeURIComponent;
export const vendorPaths = {
  customers: () => '/customers',
  customer: (tenantId: string) => `/customers/${enc(tenantId)}`,
  users: (tenantId: string) => `/customers/${enc(tenantId)}/users`,
  user: (tenantId: string, userId: string) => `/customers/${enc(tenantId)}/users/${enc(userId)}`,
};

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

/** Vendor customer → our TenantBilling (unknown states map to the safe side: not paid). */
export function tenantBillingFromVendor(tenantId: string, v: Record<string, unknown>): TenantBilling {
  const status = str(v.status);
  const payment = str(v.paymentStatus);
  return {
    tenantId,
    customerId: str(v.id) ?? tenantId,
    plan: str(v.plan),
    billingStatus: ownStateOr(billingStatus, status, 'past_due'),
    paymentState: ownStateOr(paymentState, payment, 'pending'),
    email: str(v.email),
    updatedAt: str(v.updatedAt) ?? new Date().toISOString(),
    provider: 'http-vendor',
  };
}

export function billingUserFromVendor(tenantId: string, userId: string, v: Record<string, unknown>): BillingUser {
  const now = new Date().toISOString();
  return {
    tenantId,
    userId,
    email: str(v.email),
    name: str(v.name),
    billingRole: str(v.role),
    createdAt: str(v.createdAt) ?? now,
    updatedAt: str(v.updatedAt) ?? now,
  };
}
