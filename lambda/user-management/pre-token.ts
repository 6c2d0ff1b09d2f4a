/**
 * Cognito pre-token-generation trigger (event version V2_0): adds the scopes of the user's
 * `custom:userRole` to the access token (see domain/role-scopes.ts for why). Env: ROLE_SCOPES (JSON).
 */
import { parseRoleScopes, scopesForRole } from './domain/role-scopes';

interface PreTokenEventV2 {
  request: { userAttributes: Record<string, string>; scopes?: string[] };
  response: {
    claimsAndScopeOverrideDetails?: { accessTokenGeneration?: { scopesToAdd?: string[] } } | null;
  };
}

const roleScopes = parseRoleScopes(process.env.ROLE_SCOPES);

export async function handler<E extends PreTokenEventV2>(event: E): Promise<E> {
  const already = new Set(event.request.scopes ?? []);
  const add = scopesForRole(event.request.userAttributes['custom:userRole'], roleScopes).filter((s) => !already.has(s));
  if (add.length) {
    event.response.claimsAndScopeOverrideDetails = { accessTokenGeneration: { scopesToAdd: add } };
  }
  return event;
}
