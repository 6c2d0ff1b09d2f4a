/**
 * OAuth scopes, one vocabulary for every route (resource-server identifier / scope name, as Cognito
 * writes them). SBT's four are kept verbatim so existing tokens and clients keep working; billing and
 * metering get their own resource servers so a metering vendor's machine client cannot touch tenants.
 */
export const SCOPES = {
  tenantRead: 'tenant/tenant_read',
  tenantWrite: 'tenant/tenant_write',
  userRead: 'user/user_read',
  userWrite: 'user/user_write',
  billingRead: 'billing/billing_read',
  billingWrite: 'billing/billing_write',
  meteringRead: 'metering/metering_read',
  meteringWrite: 'metering/metering_write',
} as const;

export type Scope = (typeof SCOPES)[keyof typeof SCOPES];

/** Resource servers and their scope names (for CognitoAuth and docs). */
export const RESOURCE_SERVERS: Record<string, { name: string; description: string }[]> = {
  tenant: [
    { name: 'tenant_read', description: 'Read tenants, registrations and tenant config' },
    { name: 'tenant_write', description: 'Create, update, (de)activate and offboard tenants and registrations' },
  ],
  user: [
    { name: 'user_read', description: 'Read users' },
    { name: 'user_write', description: 'Create, update, enable, disable and delete users' },
  ],
  billing: [
    { name: 'billing_read', description: 'Read billing state of tenants (internal billing API)' },
    { name: 'billing_write', description: 'Update billing users' },
  ],
  metering: [
    { name: 'metering_read', description: 'Read meters and usage' },
    { name: 'metering_write', description: 'Create, update and delete meters; cancel usage' },
  ],
};
