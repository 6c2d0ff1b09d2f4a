import { Construct } from '../../core/cdktf';
import { LambdaFunction } from '../../core/lambda-function';
import type { IControlPlaneApi } from '../api/control-plane-api';
import { TenantTable } from '../tenant-management/tenant-table';

export interface TenantConfigServiceProps {
  readonly api: IControlPlaneApi;
  readonly tenantTable: TenantTable;
  /** Prefix for the function name. */
  readonly namePrefix: string;
  /**
   * Public lookup (default, as SBT): a tenant's front end reads its config *before* any user signs in
   * (to know which user pool to send them to), so it cannot present a token. Set false to require the
   * `readScope` instead. @default true
   */
  readonly public?: boolean;
  /** Scope required when not public. @default 'tenant/tenant_read' */
  readonly readScope?: string;
}

/** GET /tenant-config and GET /tenant-config/{tenantName} (SBT routes 11–12). */
export class TenantConfigService extends Construct {
  readonly function: LambdaFunction;

  constructor(scope: Construct, id: string, props: TenantConfigServiceProps) {
    super(scope, id);
    this.function = new LambdaFunction(this, 'get', {
      archive: 'tenant-config-get',
      functionName: `${props.namePrefix}-tenant-config`,
      description: 'Tenant config lookup by tenant id, name or Origin host',
      timeout: 5,
      environment: {
        TENANT_TABLE_NAME: props.tenantTable.tableName,
        TENANT_CONFIG_INDEX_NAME: TenantTable.TENANT_CONFIG_INDEX,
        POWERTOOLS_SERVICE_NAME: 'tenant-config',
      },
      statements: [
        {
          actions: ['dynamodb:GetItem', 'dynamodb:Query'],
          resources: [
            props.tenantTable.tableArn,
            `${props.tenantTable.tableArn}/index/${TenantTable.TENANT_CONFIG_INDEX}`,
          ],
        },
      ],
    });
    const isPublic = props.public ?? true;
    for (const path of ['/tenant-config', '/tenant-config/{tenantName}']) {
      props.api.addRoute({
        method: 'GET',
        path,
        handler: this.function,
        ...(isPublic
          ? {
              authorization: 'none' as const,
              publicReason: 'a tenant front end reads its config before a user signs in',
            }
          : { authorization: 'jwt' as const, scopes: [props.readScope ?? 'tenant/tenant_read'] }),
      });
    }
  }
}
