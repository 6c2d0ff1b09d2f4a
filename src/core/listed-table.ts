import type { Construct } from './cdktf';
import type { DurableTableProps } from './durable-table';
import { KeyedTable } from './keyed-table';

/**
 * Base of the tables whose items are listed page by page: keyed by `hashKey`, with one GSI `listIndex` on
 * `listPartition` + `sortKey` so lists page with Query in creation order instead of Scan (the shape of the
 * registration and user tables; helper items carry no `listPartition`, so the index is sparse).
 */
export abstract class ListedTable extends KeyedTable {
  protected constructor(
    scope: Construct,
    id: string,
    props: DurableTableProps,
    key: { hashKey: string; listIndex: string; sortKey: string },
  ) {
    super(scope, id, props, {
      hashKey: key.hashKey,
      globalSecondaryIndex: [
        { name: key.listIndex, hashKey: 'listPartition', rangeKey: key.sortKey, projectionType: 'ALL' },
      ],
    });
  }
}
