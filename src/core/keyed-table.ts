import type { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { Construct } from './cdktf';
import { type DurableTableProps, keyedTable, type TableKeys } from './durable-table';
import type { PolicyStatement } from './iam';

/**
 * Base of the table constructs (tenants, registrations, users, subscribers): one durable table with construct
 * id `table` (part of its Terraform address) built by {@link keyedTable}, its name and ARN, and the
 * least-privilege statements the subclasses hand out.
 */
export abstract class KeyedTable extends Construct {
  readonly table: DynamodbTable;

  protected constructor(scope: Construct, id: string, props: DurableTableProps, keys: TableKeys) {
    super(scope, id);
    this.table = keyedTable(this, 'table', props, keys);
  }

  get tableName(): string {
    return this.table.name;
  }
  get tableArn(): string {
    return this.table.arn;
  }

  /** `dynamodb:<action>` for each of `actions` on the table and its indexes (lists and lookups Query them). */
  protected indexedStatement(...actions: string[]): PolicyStatement {
    return {
      actions: actions.map((a) => `dynamodb:${a}`),
      resources: [this.table.arn, `${this.table.arn}/index/*`],
    };
  }
}
