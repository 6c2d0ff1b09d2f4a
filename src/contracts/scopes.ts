/**
 * OAuth scopes, one vocabulary for every route (resource-server identifier / scope name, as Cognito
 * writes them). SBT's four are kept verbatim so existing tokens and clients keep working; billing and
 * metering get their own resource servers so a metering vendor's machine client cannot touch tenants.
 *
 * Every scope is written once, here: its key in SCOPES, its `server/name`, and the description Cognito
 * shows for it. SCOPES and RESOURCE_SERVERS are both read off this table, so a scope cannot be added to
 * one and forgotten in the other.
 */
const SCOPE_TABLE = {
  tenantRead: ['tenant/tenant_read', 'Read tenants, registrations and tenant config'],
  tenantWrite: ['tenant/tenant_write', 'Create, update, (de)activate and offboard tenants and registrations'],
  userRead: ['user/user_read', 'Read users'],
  userWrite: ['user/user_write', 'Create, update, enable, disable and delete users'],
  billingRead: ['billing/billing_read', 'Read billing state of tenants (internal billing API)'],
  billingWrite: ['billing/billing_write', 'Update billing users'],
  meteringRead: ['metering/metering_read', 'Read meters and usage'],
  meteringWrite: ['metering/metering_write', 'Create, update and delete meters; cancel usage'],
} as const;

type ScopeTable = typeof SCOPE_TABLE;

/** Scope key → `server/name` (e.g. `SCOPES.tenantRead` is `'tenant/tenant_read'`). */
export const SCOPES = Object.fromEntries(Object.entries(SCOPE_TABLE).map(([key, [scope]]) => [key, scope])) as {
  readonly [K in keyof ScopeTable]: ScopeTable[K][0];
};

export type Scope = (typeof SCOPES)[keyof typeof SCOPES];

/** Resource servers and their scope names, in the table's order (for CognitoAuth and docs). */
export const RESOURCE_SERVERS: Record<string, { name: string; description: string }[]> = {};
for (const [scope, description] of Object.values(SCOPE_TABLE)) {
  const [server, name] = scope.split('/') as [string, string];
  (RESOURCE_SERVERS[server] ??= []).push({ name, description });
}
