import type { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { type DurableTableProps, listedTable } from '../../core/durable-table';
import { Construct } from '../../core/cdktf';
import type { PolicyStatement } from '../../core/iam';

/** Name, deletion protection (default on: SBT forces DESTROY) and KMS key (default AWS owned; always encrypted). */
export type RegistrationTableProps = DurableTableProps;

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
    this.table = listedTable(this, props, { hashKey: 'tenantRegistrationId', listIndex: RegistrationTable.LIST_INDEX, sortKey: 'createdAt' });
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
