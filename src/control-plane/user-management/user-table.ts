import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { durableTable } from '../../core/durable-table';
import { Construct } from '../../core/cdktf';
import type { LambdaFunction } from '../../core/lambda-function';

export interface UserTableProps {
  /** Table name (include the name prefix). */
  readonly name: string;
  /** Refuse `terraform destroy` (bool or Terraform bool expression). @default true */
  readonly deletionProtection?: boolean | string;
  /** KMS key ARN. @default AWS owned key */
  readonly kmsKeyArn?: string;
}

/**
 * Control-plane user directory for IdPs without a user API binding (OidcAuth): PK `userName`, GSI
 * `userListIndex` (`listPartition` + `created`) for paginated lists.
 */
export class UserTable extends Construct {
  static readonly LIST_INDEX = 'userListIndex';
  readonly table: DynamodbTable;

  constructor(scope: Construct, id: string, props: UserTableProps) {
    super(scope, id);
    this.table = new DynamodbTable(this, 'table', {
      name: props.name,
      ...durableTable({ deletionProtection: props.deletionProtection, kmsKeyArn: props.kmsKeyArn }),
      hashKey: 'userName',
      attribute: [
        { name: 'userName', type: 'S' },
        { name: 'listPartition', type: 'S' },
        { name: 'created', type: 'S' },
      ],
      globalSecondaryIndex: [{ name: UserTable.LIST_INDEX, hashKey: 'listPartition', rangeKey: 'created', projectionType: 'ALL' }],
    });
  }

  /** USER_STORE=dynamodb on `fn`, with read/write on this table only. */
  bindUserStore(fn: LambdaFunction): void {
    fn.addEnvironment('USER_STORE', 'dynamodb');
    fn.addEnvironment('USER_TABLE_NAME', this.table.name);
    fn.addToRolePolicy({
      actions: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
      resources: [this.table.arn, `${this.table.arn}/index/*`],
    });
  }
}
