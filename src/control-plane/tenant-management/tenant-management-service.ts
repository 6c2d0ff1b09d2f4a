import type { Construct } from '../../core/cdktf';
import { TenantCollectionService, type TenantCollectionServiceProps } from './tenant-collection-service';

/** The API, scopes, both tables, the bus and the name prefix. */
export type TenantManagementServiceProps = TenantCollectionServiceProps;

/**
 * /tenants (SBT routes 1–5) + `PUT /tenants/{id}/activate|deactivate` + `POST /tenants/{id}/retry`, all JWT
 * with one scope each. SBT mixes IAM (writes) and JWT (reads) here (#128: users following the docs got
 * 403); every route here takes the same bearer token.
 */
export class TenantManagementService extends TenantCollectionService {
  static readonly TENANTS_PATH = '/tenants';
  static readonly TENANT_ID_PATH = '/tenants/{tenantId}';

  constructor(scope: Construct, id: string, props: TenantManagementServiceProps) {
    super(scope, id, props, {
      service: 'tenant-management',
      description: 'Control plane /tenants routes',
      path: TenantManagementService.TENANTS_PATH,
      itemPath: TenantManagementService.TENANT_ID_PATH,
      update: 'PUT',
      itemActions: [
        ['PUT', '/activate'],
        ['PUT', '/deactivate'],
        ['POST', '/retry'],
      ],
    });
  }
}
