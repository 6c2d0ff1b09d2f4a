/**
 * A caller of a synthesized control plane's HTTP API that holds one token's scopes, so a test says
 * `api.post('/meters', body)` where it spelled out the whole request literal (method, path, scopes, body)
 * each time; and the two setup requests the adapter and system tests share — a meter and a tenant
 * created, 201 asserted — as one call each.
 */
import type { HttpResult, SynthHarness } from '../../local/synth-harness';

/** What the client needs of a harness: its `request` (a SynthHarness, or anything that routes alike). */
export type Requester = Pick<SynthHarness, 'request'>;

export interface ScopedApi {
  /** The scopes every request carries (the token's). */
  readonly scopes: readonly string[];
  get(path: string, query?: Record<string, string>): Promise<HttpResult>;
  post(path: string, body?: unknown, headers?: Record<string, string>): Promise<HttpResult>;
  put(path: string, body?: unknown, headers?: Record<string, string>): Promise<HttpResult>;
  patch(path: string, body?: unknown, headers?: Record<string, string>): Promise<HttpResult>;
  delete(path: string, body?: unknown): Promise<HttpResult>;
}

/**
 * A client of `h`'s routes whose requests carry `scopes` (the JWT authorizer's scope check applies). `h` may
 * be a function returning the harness, so a suite can declare its clients before `beforeAll` builds it.
 */
export function scopedApi(h: Requester | (() => Requester), scopes: readonly string[]): ScopedApi {
  const harness = typeof h === 'function' ? h : () => h;
  const send = (
    method: string,
    path: string,
    extra: { body?: unknown; query?: Record<string, string>; headers?: Record<string, string> },
  ) => harness().request({ method, path, scopes: [...scopes], ...extra });
  return {
    scopes,
    get: (path, query) => send('GET', path, { query }),
    post: (path, body, headers) => send('POST', path, { body, headers }),
    put: (path, body, headers) => send('PUT', path, { body, headers }),
    patch: (path, body, headers) => send('PATCH', path, { body, headers }),
    delete: (path, body) => send('DELETE', path, { body }),
  };
}

/** Expects `res` to have `status`; on a mismatch the failure shows the body (the handler's reason). */
export function expectStatus(res: HttpResult, status: number): HttpResult {
  expect(res).toMatchObject({ status });
  return res;
}

export interface MeterInput {
  label: string;
  meterApiName: string;
  meterType: string;
  [field: string]: unknown;
}

/** `POST /meters`, 201 expected; the created meter (`meterId` and the provider's fields). */
export async function createMeter(
  api: ScopedApi,
  meter: MeterInput,
): Promise<{ meterId: string; [field: string]: unknown }> {
  return expectStatus(await api.post('/meters', meter), 201).body.data;
}

export interface TenantInput {
  tenantName: string;
  email: string;
  tier: string;
  [field: string]: unknown;
}

/** `POST /tenants`, 201 expected; the new tenant's id, its registration's id and the whole answer. */
export async function createTenant(
  api: ScopedApi,
  tenant: TenantInput,
): Promise<{ tenantId: string; tenantRegistrationId: string; data: Record<string, unknown> }> {
  const data = expectStatus(await api.post('/tenants', tenant), 201).body.data;
  return { tenantId: data.tenantId, tenantRegistrationId: data.tenantRegistrationId, data };
}
