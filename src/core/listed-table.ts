import type { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { Construct } from './cdktf';
import { type DurableTableProps, listedTable } from './durable-table';

/**
 * Base of the tables whose items are listed page by page: a durable table keyed by `hashKey` with the
 * sparse `listPartition` + `sortKey` index `listIndex` (see {@link listedTable}).
 */
export abstract class ListedTable extends Construct {
  readonly table: DynamodbTable;

  protected constructor(
    scope: Construct,
    id: string,
    props: DurableTableProps,
    key: { hashKey: string; listIndex: string; sortKey: string },
  ) {
    super(scope, id);
    this.table = listedTable(this, props, key);
  }

  get tableName(): string {
    return this.table.name;
  }
  get tableArn(): string {
    return this.table.arn;
  }
}
