import type { Construct } from '../core/cdktf';
import { KeyedTable } from '../core/keyed-table';
import type { PolicyStatement } from '../core/iam';

export interface SubscribersTableProps {
  /** Table name (include the name prefix). */
  readonly name: string;
  /** Refuse `terraform destroy`. @default true (losing subscribers loses who pays) */
  readonly deletionProtection?: boolean | string;
}

/**
 * Marketplace subscribers. PK `subscriberId` (`license:<l-…>` under Concurrent Agreements, `customer:<id>` for
 * legacy listings, `agreement:<agmt-…>` for agreement facts); GSIs on `customerAWSAccountId` (one account can hold
 * several licences), `customerIdentifier` (legacy lookups) and `kind` (admin listing by Query, not Scan).
 * Written only with conditional UpdateItem (lambda/marketplace/domain/subscriber-store.ts).
 */
export class SubscribersTable extends KeyedTable {
  static readonly ACCOUNT_INDEX = 'customerAWSAccountIdIndex';
  static readonly CUSTOMER_IDENTIFIER_INDEX = 'customerIdentifierIndex';
  static readonly KIND_INDEX = 'kindIndex';
  static readonly EMISSION_PENDING_INDEX = 'emissionPendingIndex';

  constructor(scope: Construct, id: string, props: SubscribersTableProps) {
    super(scope, id, props, {
      hashKey: 'subscriberId',
      // Registration-token bindings (`landing:<hash>`) expire; subscriber items never carry expiresAt.
      ttl: { attributeName: 'expiresAt', enabled: true },
      globalSecondaryIndex: [
        {
          name: SubscribersTable.ACCOUNT_INDEX,
          hashKey: 'customerAWSAccountId',
          rangeKey: 'subscriberId',
          projectionType: 'ALL',
        },
        {
          name: SubscribersTable.CUSTOMER_IDENTIFIER_INDEX,
          hashKey: 'customerIdentifier',
          projectionType: 'INCLUDE',
          nonKeyAttributes: ['kind'],
        },
        { name: SubscribersTable.KIND_INDEX, hashKey: 'kind', rangeKey: 'subscriberId', projectionType: 'ALL' },
        // Sparse: access changes not yet applied in the control plane (retried by the sweep).
        { name: SubscribersTable.EMISSION_PENDING_INDEX, hashKey: 'emissionPending', projectionType: 'KEYS_ONLY' },
      ],
    });
  }

  readStatement(): PolicyStatement {
    return this.indexedStatement('GetItem', 'Query');
  }
  writeStatement(): PolicyStatement {
    return this.indexedStatement('GetItem', 'Query', 'UpdateItem', 'DeleteItem');
  }
}
