/**
 * Tenant-config lookup (SBT routes GET /tenant-config and GET /tenant-config/{tenantName}): which tenant
 * a request means, and what its config is. Pure except for the injected reader.
 */
import { NotFoundError, ValidationError } from '../../shared/domain-errors';

export type TenantSelector = { by: 'tenantId'; value: string } | { by: 'tenantName'; value: string };

export interface TenantConfigReader {
  byId(tenantId: string): Promise<Record<string, unknown> | undefined>;
  byName(tenantName: string): Promise<Record<string, unknown> | undefined>;
}

/**
 * Order of precedence, as SBT: path `{tenantName}`, then `?tenantId=`, then `?tenantName=`, then the first
 * DNS label of the `Origin` header (tenant1.app.example.com → tenant1).
 */
export function selectTenant(input: {
  pathTenantName?: string;
  tenantId?: string;
  tenantName?: string;
  origin?: string;
}): TenantSelector {
  if (input.pathTenantName) return { by: 'tenantName', value: input.pathTenantName };
  if (input.tenantId) return { by: 'tenantId', value: input.tenantId };
  if (input.tenantName) return { by: 'tenantName', value: input.tenantName };
  if (input.origin) {
    let host: string;
    try {
      host = new URL(input.origin).hostname;
    } catch {
      throw new ValidationError("Invalid header 'origin': not a URL");
    }
    const label = host.split('.')[0];
    if (label && host.includes('.')) return { by: 'tenantName', value: label };
  }
  throw new ValidationError(
    "Missing tenant: give query 'tenantId' or 'tenantName', path /tenant-config/{tenantName}, or an Origin header",
  );
}

/**
 * Scripts export `tenantConfig` as a JSON string (see the SBT tutorial's jq line); clients want the object.
 * A string that is a JSON object or array is returned parsed; any other value as stored.
 */
export function presentConfig(value: unknown): unknown {
  if (typeof value === 'string') {
    const t = value.trim();
    if (t.startsWith('{') || t.startsWith('[')) {
      try {
        return JSON.parse(t);
      } catch {
        return value;
      }
    }
  }
  return value;
}

export async function lookupTenantConfig(sel: TenantSelector, reader: TenantConfigReader): Promise<unknown> {
  const item = sel.by === 'tenantId' ? await reader.byId(sel.value) : await reader.byName(sel.value);
  // Offboarding / offboarded tenants (sbtaws_active false, SBT's soft delete) are gone for their users.
  if (!item || item.sbtaws_active === false || item.tenantConfig === undefined)
    throw new NotFoundError(`No tenant details found for ${sel.value}`);
  return presentConfig(item.tenantConfig);
}
