import type { Construct } from '../../core/cdktf';
import type { DurableTableProps } from '../../core/durable-table';
import { ListedTable } from '../../core/listed-table';
import type { PolicyStatement } from '../../core/iam';

/** Name, deletion protection (default on: SBT forces DESTROY) and KMS key (default AWS owned; always encrypted). */
export type RegistrationTableProps = DurableTableProps;

/**
 * Tenant registrations (SBT's TenantRegistrationTable): PK `tenantRegistrationId`; GSI
 * `registrationListIndex` (`listPartition` + `createdAt`) for Query-based pagination. On-demand, PITR,
 * encrypted, deletion protection on by default.
 */
export class RegistrationTable extends ListedTable {
  static readonly LIST_INDEX = 'registrationListIndex';

  constructor(scope: Construct, id: string, props: RegistrationTableProps) {
    super(scope, id, props, {
      hashKey: 'tenantRegistrationId',
      listIndex: RegistrationTable.LIST_INDEX,
      sortKey: 'createdAt',
    });
  }

  writeStatement(): PolicyStatement {
    return this.indexedStatement('GetItem', 'Query', 'PutItem', 'UpdateItem', 'ConditionCheckItem');
  }
}
