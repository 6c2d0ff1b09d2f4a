import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import type { Construct } from '../core/cdktf';
import type { LambdaFunction } from '../core/lambda-function';

/**
 * A vendor credential in Secrets Manager, for the third-party adapters: an existing secret (ARN) or a new
 * empty one whose value you set once after `terraform apply` — the credential never enters Terraform
 * state or the plan. Handlers read it at run time (cached per container, lambda/billing/domain/secret-cache.ts).
 */
export class VendorSecret {
  readonly arn: string;
  /** Present when the secret was created here. */
  readonly secret?: SecretsmanagerSecret;

  constructor(
    scope: Construct,
    id: string,
    props: { name: string; description: string; existingArn?: string; kmsKeyArn?: string },
  ) {
    if (props.existingArn) {
      this.arn = props.existingArn;
      this.props = props;
      return;
    }
    this.props = props;
    this.secret = new SecretsmanagerSecret(scope, id, {
      name: props.name,
      description: `${props.description} Set it with: aws secretsmanager put-secret-value --secret-id <arn> --secret-string <value>`,
      kmsKeyId: props.kmsKeyArn,
      recoveryWindowInDays: 7,
    });
    this.arn = this.secret.arn;
  }
  private readonly props: { kmsKeyArn?: string };

  /** Lets `fn` read the secret (GetSecretValue on it; kms:Decrypt when a customer key encrypts it). */
  grantRead(fn: LambdaFunction): void {
    fn.addToRolePolicy({ actions: ['secretsmanager:GetSecretValue'], resources: [this.arn] });
    if (this.props.kmsKeyArn) fn.addToRolePolicy({ actions: ['kms:Decrypt'], resources: [this.props.kmsKeyArn] });
  }
}
