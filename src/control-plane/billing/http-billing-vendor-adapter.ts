import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import type { Construct } from '../../core/cdktf';
import { functionFamily } from '../../core/function-family';
import { CompleteBilling, vendorWebhook } from './complete-billing';

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
export class HttpBillingVendorAdapter extends CompleteBilling {
  readonly apiKeySecretArn: string;
  readonly apiKeySecret?: SecretsmanagerSecret;

  constructor(scope: Construct, id: string, props: HttpBillingVendorAdapterProps) {
    let apiKey!: { arn: string; secret?: SecretsmanagerSecret };
    super(scope, id, (self) => {
      const p = props.namePrefix;
      apiKey = props.apiKeySecretArn ? { arn: props.apiKeySecretArn } : newApiKeySecret(self, p);
      const apiKeySecretArn = apiKey.arn;
      const fn = functionFamily(self, {
        namePrefix: `${p}-billing-vendor`,
        timeout: props.timeout ?? 15,
        environment: {
          VENDOR_BASE_URL: props.baseUrl,
          VENDOR_API_KEY_SECRET_ARN: apiKeySecretArn,
          POWERTOOLS_SERVICE_NAME: 'billing-vendor',
        },
        statements: [{ actions: ['secretsmanager:GetSecretValue'], resources: [apiKeySecretArn] }],
      });
      const op = (name: string, operation: string) => ({
        handler: fn(name, `Billing vendor: ${operation}`, {
          archive: 'billing-vendor-event',
          environment: { VENDOR_OPERATION: operation },
        }),
      });
      // One function answers the three sync routes (it dispatches on the route key).
      const api = {
        handler: fn('api', 'Billing vendor: tenant billing and billing users', { archive: 'billing-vendor-api' }),
      };
      return {
        createCustomerFunction: op('create-customer', 'createCustomer'),
        updateCustomerFunction: op('update-customer', 'updateCustomer'),
        deleteCustomerFunction: op('delete-customer', 'deleteCustomer'),
        createUserFunction: op('create-user', 'createUser'),
        deleteUserFunction: op('delete-user', 'deleteUser'),
        fetchTenantBillingFunction: api,
        readUserFunction: api,
        updateUserFunction: api,
        ...vendorWebhook(self, {
          verification: {
            namePrefix: `${p}-vendor`,
            secretArn: props.webhookSecretArn,
            toleranceSeconds: props.webhookToleranceSeconds,
          },
          functionName: `${p}-billing-vendor-webhook`,
          description: 'Billing vendor webhook: verify signature, record once, mirror on tenant, emit tenantUpdated',
          serviceName: 'billing-vendor',
          path: props.webhookPath ?? 'vendor',
        }),
      };
    });
    this.apiKeySecret = apiKey.secret;
    this.apiKeySecretArn = apiKey.arn;
  }
}

/** A new, empty secret for the vendor API key, whose value the operator sets once (it never enters state). */
function newApiKeySecret(scope: Construct, p: string): { arn: string; secret: SecretsmanagerSecret } {
  const secret = new SecretsmanagerSecret(scope, 'api-key', {
    name: `${p}-billing-vendor-api-key`,
    description: 'API key of the billing vendor (plain string). Set it with aws secretsmanager put-secret-value.',
    recoveryWindowInDays: 7,
  });
  return { arn: secret.arn, secret };
}
