import type { Construct } from '../../core/cdktf';
import { KeyedTable } from '../../core/keyed-table';
import type { PolicyStatement } from '../../core/iam';

export interface TenantTableProps {
  /** Table name (include the name prefix). */
  readonly name: string;
  /**
   * Refuse `terraform destroy` of the table. @default true — SBT forces DESTROY on every table, which
   * loses every tenant on a stack delete; turning this off is an explicit opt-out.
   */
  readonly deletionProtection?: boolean | string;
  /** KMS key ARN for server-side encryption. @default AWS owned key (encryption is always on) */
  readonly kmsKeyArn?: string;
}

/**
 * Tenants: PK `tenantId`; GSI `tenantConfigIndex` on `tenantName` (SBT's name, used by the tenant-config
 * lookup); GSI `tenantListIndex` on `listPartition` + `createdAt` so `GET /tenants` pages with Query in
 * creation order instead of SBT's Scan (name claims and other helper items carry no `listPartition`, so
 * the index is sparse and lists see tenants only). On-demand billing (SBT's table defaults to 5/5
 * provisioned), PITR on, encrypted.
 */
export class TenantTable extends KeyedTable {
  static readonly TENANT_CONFIG_INDEX = 'tenantConfigIndex';
  static readonly TENANT_LIST_INDEX = 'tenantListIndex';

  constructor(scope: Construct, id: string, props: TenantTableProps) {
    super(scope, id, props, {
      hashKey: 'tenantId',
      globalSecondaryIndex: [
        {
          name: TenantTable.TENANT_CONFIG_INDEX,
          hashKey: 'tenantName',
          projectionType: 'INCLUDE',
          nonKeyAttributes: ['tenantConfig', 'sbtaws_active'],
        },
        { name: TenantTable.TENANT_LIST_INDEX, hashKey: 'listPartition', rangeKey: 'createdAt', projectionType: 'ALL' },
      ],
    });
  }

  /** Also the `version`-guarded transactional writes the lifecycle uses. */
  transactStatement(): PolicyStatement {
    return {
      actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:ConditionCheckItem'],
      resources: [this.table.arn],
    };
  }

  readStatement(): PolicyStatement {
    return this.indexedStatement('GetItem', 'Query', 'BatchGetItem');
  }
  writeStatement(): PolicyStatement {
    return this.indexedStatement('GetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem', 'ConditionCheckItem');
  }
}
