import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import type { Construct } from './cdktf';

/**
 * The storage policy every DynamoDB table of this toolkit follows, in one place: on-demand capacity (SBT's
 * tenant table defaults to 5/5 provisioned and throttles under onboarding bursts), point-in-time recovery,
 * server-side encryption (AWS owned key unless a KMS key is given), and deletion protection on unless the
 * caller opts out (SBT forces DESTROY, which loses every tenant on a stack delete).
 * Spread into a table's config: `new DynamodbTable(this, 'table', { ...durableTable(props), hashKey, … })`.
 */
export interface DurableTableOptions {
  /** Refuse `terraform destroy` (a bool or a Terraform bool expression such as a variable). @default true */
  readonly deletionProtection?: boolean | string;
  /** KMS key ARN for server-side encryption. @default AWS owned key */
  readonly kmsKeyArn?: string;
}

export function durableTable(o: DurableTableOptions = {}) {
  return {
    billingMode: 'PAY_PER_REQUEST',
    pointInTimeRecovery: { enabled: true },
    serverSideEncryption: { enabled: true, kmsKeyArn: o.kmsKeyArn },
    // a variable's token stands for the boolean
    deletionProtectionEnabled: (o.deletionProtection ?? true) as boolean,
  };
}

/** Props of every table construct here: its name plus the storage policy options. */
export interface DurableTableProps extends DurableTableOptions {
  /** Table name (include the name prefix). */
  readonly name: string;
}

/**
 * A durable table (construct id `table`, part of its address) keyed by `hashKey`, with one GSI `listIndex`
 * on `listPartition` + `sortKey` so lists page with Query in creation order instead of Scan (the shape of
 * the registration and user tables; helper items carry no `listPartition`, so the index is sparse).
 */
export function listedTable(
  scope: Construct,
  props: DurableTableProps,
  o: { hashKey: string; listIndex: string; sortKey: string },
): DynamodbTable {
  return new DynamodbTable(scope, 'table', {
    name: props.name,
    ...durableTable({ deletionProtection: props.deletionProtection, kmsKeyArn: props.kmsKeyArn }),
    hashKey: o.hashKey,
    attribute: [
      { name: o.hashKey, type: 'S' },
      { name: 'listPartition', type: 'S' },
      { name: o.sortKey, type: 'S' },
    ],
    globalSecondaryIndex: [{ name: o.listIndex, hashKey: 'listPartition', rangeKey: o.sortKey, projectionType: 'ALL' }],
  });
}
