/**
 * Descope's management API as the auth adapter uses it (wire calls; no AWS), from Descope's public API
 * reference (docs.descope.com/api/management): every call carries `Authorization: Bearer
 * <projectId>:<managementKey>`.
 *
 *   POST /v1/mgmt/user/create         {loginId, email, name?, roleNames, invite?}          → {user}
 *   GET  /v1/mgmt/user?loginId=       → {user}
 *   POST /v1/mgmt/user/update         the whole user (Descope replaces what is not sent)  → {user}
 *   POST /v1/mgmt/user/delete         {loginId}
 *   POST /v1/mgmt/user/update/status  {loginId, status: enabled|disabled}                 → {user}
 *   POST /v2/mgmt/user/search         {limit, page}                                       → {users, total}
 */
import { getSecret } from '../../billing/domain/secret-cache';
import { env } from '../../shared/aws-clients';
import { VendorHttp, type VendorObject } from '../../shared/vendor-http';

export const DESCOPE = 'Descope';

export interface DescopeUser extends VendorObject {
  loginIds?: string[];
  userId?: string;
  name?: string;
  email?: string;
  phone?: string;
  verifiedEmail?: boolean;
  verifiedPhone?: boolean;
  roleNames?: string[];
  userTenants?: { tenantId: string; roleNames?: string[] }[];
  status?: string;
  createdTime?: number;
  customAttributes?: Record<string, unknown>;
  picture?: string;
  givenName?: string;
  middleName?: string;
  familyName?: string;
}

/** Env: DESCOPE_BASE_URL, DESCOPE_PROJECT_ID, DESCOPE_MANAGEMENT_KEY_SECRET_ARN. */
export async function descope(): Promise<VendorHttp> {
  const key = (await getSecret(env('DESCOPE_MANAGEMENT_KEY_SECRET_ARN'))).trim();
  return new VendorHttp({
    vendor: DESCOPE,
    baseUrl: env('DESCOPE_BASE_URL'),
    headers: { authorization: `Bearer ${env('DESCOPE_PROJECT_ID')}:${key}` },
  });
}

export const users = {
  create: (http: VendorHttp, body: Record<string, unknown>) =>
    http.send<{ user?: DescopeUser }>({ method: 'POST', path: '/v1/mgmt/user/create', body }),
  load: (http: VendorHttp, loginId: string) =>
    http.send<{ user?: DescopeUser }>({ method: 'GET', path: '/v1/mgmt/user', query: { loginId } }),
  update: (http: VendorHttp, body: Record<string, unknown>) =>
    http.send<{ user?: DescopeUser }>({ method: 'POST', path: '/v1/mgmt/user/update', body }),
  delete: (http: VendorHttp, loginId: string) =>
    http.send({ method: 'POST', path: '/v1/mgmt/user/delete', body: { loginId } }),
  setStatus: (http: VendorHttp, loginId: string, status: 'enabled' | 'disabled') =>
    http.send<{ user?: DescopeUser }>({
      method: 'POST',
      path: '/v1/mgmt/user/update/status',
      body: { loginId, status },
    }),
  search: (http: VendorHttp, limit: number, page: number) =>
    http.send<{ users?: DescopeUser[]; total?: number }>({
      method: 'POST',
      path: '/v2/mgmt/user/search',
      body: { limit, page },
    }),
};
