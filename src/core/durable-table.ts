import {
  DynamodbTable,
  type DynamodbTableGlobalSecondaryIndex,
  type DynamodbTableTtl,
} from '@cdktf/provider-aws/lib/dynamodb-table';
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

/** A table's keys: its primary key, its global secondary indexes, and which key attributes are numbers. */
export interface TableKeys {
  /** Partition key attribute. */
  readonly hashKey: string;
  /** Sort key attribute. @default none */
  readonly rangeKey?: string;
  /** Global secondary indexes (their key attributes are declared with the table's). @default none */
  readonly globalSecondaryIndex?: DynamodbTableGlobalSecondaryIndex[];
  /** Key attributes of type N (epoch times, hours). @default every key attribute is a string (S) */
  readonly numberKeys?: readonly string[];
  /** Item expiry (DynamoDB TTL). @default none */
  readonly ttl?: DynamodbTableTtl;
}

/**
 * A durable table (see {@link durableTable}) with `keys`. DynamoDB wants every key attribute — of the table
 * and of each index — declared once and no other: the `attribute` list is read off the keys (table key
 * first, then each index's, in order), so a new index cannot forget to declare its key or declare one twice.
 */
export function keyedTable(scope: Construct, id: string, props: DurableTableProps, keys: TableKeys): DynamodbTable {
  const { numberKeys = [], ...config } = keys;
  const names = [
    keys.hashKey,
    keys.rangeKey,
    ...(keys.globalSecondaryIndex ?? []).flatMap((i) => [i.hashKey, i.rangeKey]),
  ];
  return new DynamodbTable(scope, id, {
    name: props.name,
    ...durableTable({ deletionProtection: props.deletionProtection, kmsKeyArn: props.kmsKeyArn }),
    ...config,
    attribute: [...new Set(names.filter((n) => n !== undefined))].map((name) => ({
      name,
      type: numberKeys.includes(name) ? 'N' : 'S',
    })),
  });
}
