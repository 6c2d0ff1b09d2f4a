/**
 * Scopes a signed-in user's access token carries, by `custom:userRole`. Cognito puts resource-server
 * scopes into access tokens only for OAuth flows (hosted UI / client credentials); tokens from
 * InitiateAuth (USER_PASSWORD_AUTH, SRP — what the SBT tutorial and most admin consoles use) carry only
 * `aws.cognito.signin.user.admin`, so a scoped API would refuse them. SBT "solves" this by turning scopes
 * off (setAPIGWScopes: false). We keep scopes on every route and add them at token generation instead.
 */
export type RoleScopes = Record<string, string[]>;

/** The scopes for `role` (unknown or missing roles get none — least privilege). */
export function scopesForRole(role: string | undefined, map: RoleScopes): string[] {
  if (!role) return [];
  return [...new Set(map[role] ?? [])];
}

export function parseRoleScopes(json: string | undefined): RoleScopes {
  if (!json) return {};
  const v = JSON.parse(json) as unknown;
  if (!v || typeof v !== 'object' || Array.isArray(v))
    throw new Error('ROLE_SCOPES must be a JSON object of role → scopes');
  return v as RoleScopes;
}
