import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { Construct } from '../../core/cdktf';
import { LambdaFunction } from '../../core/lambda-function';
import type { BillingBindContext, IASyncFunction, IBilling, IFunctionPath, ISyncFunction } from './billing-interface';
import { WebhookVerification } from './webhook-verification';

export interface HttpBillingVendorAdapterProps {
  /** Prefix of every resource name. */
  readonly namePrefix: string;
  /** The vendor's API base URL, e.g. `https://api.vendor.example/v1`. */
  readonly baseUrl: string;
  /**
   * Secret (ARN) holding the vendor API key (plain string). @default a new secret
   * `<prefix>-billing-vendor-api-key`, whose value you set once
   */
  readonly apiKeySecretArn?: string;
  /** Webhook path below /billing/. @default 'vendor' → `POST /billing/vendor` */
  readonly webhookPath?: string;
  /** Secret (ARN) with the vendor's webhook signing secret. @default one is created */
  readonly webhookSecretArn?: string;
  /** Signature timestamp tolerance in seconds. @default 300 */
  readonly webhookToleranceSeconds?: number;
  /** Vendor call timeout budget: function timeout in seconds. @default 15 */
  readonly timeout?: number;
}

/**
 * Example third-party billing integration: what a vendor package (`@vendor/sbt-billing`) implements.
 * The vendor is the source of truth; every member forwards to its REST API (lambda/billing/domain/
 * vendor-client.ts) with an API key from Secrets Manager, and the vendor pushes changes back through
 * the signed webhook, which mirrors them onto the tenant and emits `tenantUpdated`.
 *
 * A real package copies this shape: one construct implementing IBilling, its own handler bundles, a
 * secret for the API key, `WebhookVerification` (or the vendor's own scheme) for callbacks, and `bind`
 * for the bus environment. Nothing here calls a vendor at synth time.
 */
export class HttpBillingVendorAdapter extends Construct implements IBilling {
  readonly apiKeySecretArn: string;
  readonly apiKeySecret?: SecretsmanagerSecret;
  readonly webhookVerification: WebhookVerification;

  readonly createCustomerFunction: IASyncFunction;
  readonly deleteCustomerFunction: IASyncFunction;
  readonly updateCustomerFunction: IASyncFunction;
  readonly createUserFunction: IASyncFunction;
  readonly deleteUserFunction: IASyncFunction;
  readonly readUserFunction: ISyncFunction;
  readonly updateUserFunction: ISyncFunction;
  readonly fetchTenantBillingFunction: ISyncFunction;
  readonly webhookFunction: IFunctionPath;

  constructor(scope: Construct, id: string, props: HttpBillingVendorAdapterProps) {
    super(scope, id);
    const p = props.namePrefix;
    if (props.apiKeySecretArn) {
      this.apiKeySecretArn = props.apiKeySecretArn;
    } else {
      this.apiKeySecret = new SecretsmanagerSecret(this, 'api-key', {
        name: `${p}-billing-vendor-api-key`,
        description: 'API key of the billing vendor (plain string). Set it with aws secretsmanager put-secret-value.',
        recoveryWindowInDays: 7,
      });
      this.apiKeySecretArn = this.apiKeySecret.arn;
    }
    const vendorFn = (
      id: string,
      archive: string,
      functionName: string,
      description: string,
      extra: Record<string, string> = {},
    ) => {
      const f = new LambdaFunction(this, id, {
        archive,
        functionName,
        description,
        timeout: props.timeout ?? 15,
        environment: {
          VENDOR_BASE_URL: props.baseUrl,
          VENDOR_API_KEY_SECRET_ARN: this.apiKeySecretArn,
          POWERTOOLS_SERVICE_NAME: 'billing-vendor',
          ...extra,
        },
        statements: [{ actions: ['secretsmanager:GetSecretValue'], resources: [this.apiKeySecretArn] }],
      });
      return f;
    };
    const op = (name: string, operation: string) => ({
      handler: vendorFn(name, 'billing-vendor-event', `${p}-billing-vendor-${name}`, `Billing vendor: ${operation}`, {
        VENDOR_OPERATION: operation,
      }),
    });
    this.createCustomerFunction = op('create-customer', 'createCustomer');
    this.updateCustomerFunction = op('update-customer', 'updateCustomer');
    this.deleteCustomerFunction = op('delete-customer', 'deleteCustomer');
    this.createUserFunction = op('create-user', 'createUser');
    this.deleteUserFunction = op('delete-user', 'deleteUser');

    // One function answers the three sync routes (it dispatches on the route key).
    const api = vendorFn(
      'api',
      'billing-vendor-api',
      `${p}-billing-vendor-api`,
      'Billing vendor: tenant billing and billing users',
    );
    this.fetchTenantBillingFunction = { handler: api };
    this.readUserFunction = { handler: api };
    this.updateUserFunction = { handler: api };

    this.webhookVerification = new WebhookVerification(this, 'webhook-verification', {
      namePrefix: `${p}-vendor`,
      secretArn: props.webhookSecretArn,
      toleranceSeconds: props.webhookToleranceSeconds,
    });
    const webhook = new LambdaFunction(this, 'webhook', {
      archive: 'billing-webhook',
      functionName: `${p}-billing-vendor-webhook`,
      description: 'Billing vendor webhook: verify signature, record once, mirror on tenant, emit tenantUpdated',
      environment: { POWERTOOLS_SERVICE_NAME: 'billing-vendor' },
    });
    this.webhookVerification.grant(webhook);
    this.webhookFunction = { path: props.webhookPath ?? 'vendor', handler: webhook };
  }

  bind(_scope: Construct, ctx: BillingBindContext): void {
    const webhook = this.webhookFunction.handler;
    for (const [k, v] of Object.entries(ctx.eventManager.handlerEnvironment())) webhook.addEnvironment(k, v);
    ctx.eventManager.grantPutEventsTo(webhook);
    if (ctx.tenantTable) {
      webhook.addEnvironment('TENANT_TABLE_NAME', ctx.tenantTable.tableName);
      webhook.addToRolePolicy({ actions: ['dynamodb:UpdateItem'], resources: [ctx.tenantTable.tableArn] });
    }
  }
}
