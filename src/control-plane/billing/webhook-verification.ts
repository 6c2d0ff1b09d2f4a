import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { durableTable } from '../../core/durable-table';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { Construct } from '../../core/cdktf';
import type { LambdaFunction } from '../../core/lambda-function';

export interface WebhookVerificationProps {
  /** Prefix of the secret and table names. */
  readonly namePrefix: string;
  /**
   * Use an existing secret (ARN) holding the vendor's signing secret instead of creating one.
   * @default a new secret `<prefix>-billing-webhook-signing-secret`, whose value you set once
   */
  readonly secretArn?: string;
  /** Accepted clock difference between the vendor's signature timestamp and now. @default 300 (5 min) */
  readonly toleranceSeconds?: number;
  /**
   * How long webhook ids are remembered for replay protection. Vendors redeliver the same id for days
   * (Stripe: 3), with fresh signatures, so this must outlast their retry window. @default 604800 (7 days)
   */
  readonly replayTtlSeconds?: number;
  /** Customer-managed KMS key of the secret and table. @default AWS managed keys */
  readonly kmsKeyArn?: string;
  /** Deletion protection of the replay table. @default false (its rows expire within days anyway) */
  readonly deletionProtection?: boolean | string;
}

/**
 * What a webhook handler needs to authenticate vendor callbacks: the signing secret in Secrets Manager and
 * a replay table (PK webhookId, TTL expiresAt). `grant(fn)` gives a handler the environment and the least
 * privileges to use both. Shared by DynamoDBBilling and HttpBillingVendorAdapter.
 */
export class WebhookVerification extends Construct {
  readonly secretArn: string;
  readonly secret?: SecretsmanagerSecret;
  readonly replayTable: DynamodbTable;
  private readonly props: WebhookVerificationProps;

  constructor(scope: Construct, id: string, props: WebhookVerificationProps) {
    super(scope, id);
    this.props = props;
    if (props.secretArn) {
      this.secretArn = props.secretArn;
    } else {
      this.secret = new SecretsmanagerSecret(this, 'signing-secret', {
        name: `${props.namePrefix}-billing-webhook-signing-secret`,
        description:
          "Billing vendor's webhook signing secret (whitespace-separated values during rotation). Set it with: aws secretsmanager put-secret-value --secret-id <arn> --secret-string <secret>",
        kmsKeyId: props.kmsKeyArn,
        recoveryWindowInDays: 7,
      });
      this.secretArn = this.secret.arn;
    }
    this.replayTable = new DynamodbTable(this, 'replay-table', {
      name: `${props.namePrefix}-billing-webhook-events`,
      ...durableTable({ deletionProtection: props.deletionProtection ?? false, kmsKeyArn: props.kmsKeyArn }),
      hashKey: 'webhookId',
      attribute: [{ name: 'webhookId', type: 'S' }],
      ttl: { attributeName: 'expiresAt', enabled: true },
    });
  }

  /** Environment and least privileges for a handler that verifies webhooks. */
  grant(fn: LambdaFunction): void {
    fn.addEnvironment('WEBHOOK_SECRET_ARN', this.secretArn);
    fn.addEnvironment('WEBHOOK_TABLE_NAME', this.replayTable.name);
    fn.addEnvironment('WEBHOOK_TOLERANCE_SECONDS', String(this.props.toleranceSeconds ?? 300));
    fn.addEnvironment('WEBHOOK_REPLAY_TTL_SECONDS', String(this.props.replayTtlSeconds ?? 604800));
    fn.addToRolePolicy({ actions: ['secretsmanager:GetSecretValue'], resources: [this.secretArn] });
    fn.addToRolePolicy({ actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem'], resources: [this.replayTable.arn] });
    if (this.props.kmsKeyArn) fn.addToRolePolicy({ actions: ['kms:Decrypt'], resources: [this.props.kmsKeyArn] });
  }
}
