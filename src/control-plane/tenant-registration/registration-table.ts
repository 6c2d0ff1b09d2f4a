import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { durableTable } from '../../core/durable-table';
import { Construct } from '../../core/cdktf';
import type { PolicyStatement } from '../../core/iam';

export interface RegistrationTableProps {
  /** Table name (include the name prefix). */
  readonly name: string;
  /** Refuse `terraform destroy` of the table (bool or Terraform bool expression). @default true (SBT forces DESTROY) */
  readonly deletionProtection?: boolean | string;
  /** KMS key ARN for server-side encryption. @default AWS owned key (encryption is always on) */
  readonly kmsKeyArn?: string;
}

/**
 * Tenant registrations (SBT's TenantRegistrationTable): PK `tenantRegistrationId`; GSI
 * `registrationListIndex` (`listPartition` + `createdAt`) for Query-based pagination. On-demand, PITR,
 * encrypted, deletion protection on by default.
 */
export class RegistrationTable extends Construct {
  static readonly LIST_INDEX = 'registrationListIndex';
  readonly table: DynamodbTable;

  constructor(scope: Construct, id: string, props: RegistrationTableProps) {
    super(scope, id);
    this.table = new DynamodbTable(this, 'table', {
      name: props.name,
      ...durableTable({ deletionProtection: props.deletionProtection, kmsKeyArn: props.kmsKeyArn }),
      hashKey: 'tenantRegistrationId',
      attribute: [
        { name: 'tenantRegistrationId', type: 'S' },
        { name: 'listPartition', type: 'S' },
        { name: 'createdAt', type: 'S' },
      ],
      globalSecondaryIndex: [{ name: RegistrationTable.LIST_INDEX, hashKey: 'listPartition', rangeKey: 'createdAt', projectionType: 'ALL' }],
    });
  }

  get tableName(): string {
    return this.table.name;
  }
  get tableArn(): string {
    return this.table.arn;
  }

  writeStatement(): PolicyStatement {
    return {
      actions: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:ConditionCheckItem'],
      resources: [this.table.arn, `${this.table.arn}/index/*`],
    };
  }
}
