import type { Construct } from '../../core/cdktf';
import type { DurableTableProps } from '../../core/durable-table';
import { ListedTable } from '../../core/listed-table';
import type { LambdaFunction } from '../../core/lambda-function';

/** Name, deletion protection (default on) and KMS key (default AWS owned). */
export type UserTableProps = DurableTableProps;

/**
 * Control-plane user directory for IdPs without a user API binding (OidcAuth): PK `userName`, GSI
 * `userListIndex` (`listPartition` + `created`) for paginated lists.
 */
export class UserTable extends ListedTable {
  static readonly LIST_INDEX = 'userListIndex';

  constructor(scope: Construct, id: string, props: UserTableProps) {
    super(scope, id, props, { hashKey: 'userName', listIndex: UserTable.LIST_INDEX, sortKey: 'created' });
  }

  /** USER_STORE=dynamodb on `fn`, with read/write on this table only. */
  bindUserStore(fn: LambdaFunction): void {
    fn.addEnvironment('USER_STORE', 'dynamodb');
    fn.addEnvironment('USER_TABLE_NAME', this.table.name);
    fn.addToRolePolicy(this.indexedStatement('GetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem'));
  }
}
