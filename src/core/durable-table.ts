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
