import type { Construct } from '../../core/cdktf';
import { LambdaTarget } from '../../core/event-targets';
import { functionFamily } from '../../core/function-family';
import type { LambdaFunction } from '../../core/lambda-function';
import type { BillingBindContext, IDataIngestorAggregator } from '../../control-plane/billing/billing-interface';
import { CompleteBilling, vendorWebhook } from '../../control-plane/billing/complete-billing';
import { VendorSecret } from '../vendor-secret';

export interface MoesifBillingProps {
  /** Prefix of every resource name. */
  readonly namePrefix: string;
  /** Moesif Management API base URL. @default 'https://api.moesif.com/v1' (SBT's Moesif plug-in's default) */
  readonly managementApiBaseUrl?: string;
  /** Moesif Collector API base URL. @default 'https://api.moesif.net/v1' */
  readonly collectorApiBaseUrl?: string;
  /**
   * Secret (ARN) with the Management API key (plain string; scopes create/read/delete on companies,
   * subscriptions and users). @default a new secret `<prefix>-moesif-management-api-key`, value set once
   */
  readonly managementApiKeySecretArn?: string;
  /**
   * Secret (ARN) with the Collector Application Id (used only to forward usage). @default a new secret
   * `<prefix>-moesif-application-id` when `forwardUsage` is on
   */
  readonly applicationIdSecretArn?: string;
  /** Customer-managed KMS key of the created secrets. @default AWS managed key */
  readonly kmsKeyArn?: string;
  /**
   * Forward every `ingestUsage` event (both eras) to Moesif as an action (the billing `ingestor`), so
   * Moesif billing meters can bill on it. @default true
   */
  readonly forwardUsage?: boolean;
  /** Delete the Moesif company on offboarding (else only its subscription is canceled, history stays). @default false */
  readonly deleteCompanyOnOffboarding?: boolean;
  /** Webhook path below /billing/. @default 'moesif' → `POST /billing/moesif` */
  readonly webhookPath?: string;
  /** Secret (ARN) with the webhook signing secret (Standard Webhooks scheme). @default one is created */
  readonly webhookSecretArn?: string;
  /** Timeout of the functions in seconds (each Moesif call has an 8 s budget). @default 15 */
  readonly timeout?: number;
}

/**
 * IBilling on Moesif (entry point `terraform-saas-builder-toolkit/moesif`): tenants are Moesif companies
 * with one subscription carrying the plan (the tier), users are Moesif users of the company, usage events
 * are forwarded as Moesif actions (the `ingestor`), and GET /tenants/{id}/billing and the billing-user
 * routes read Moesif. Keys live in Secrets Manager. The webhook is the reference signed webhook
 * (Standard Webhooks signature): a relay of Moesif or payment-provider events signs with it and the tenant
 * mirrors billing state. See docs/billing-metering.md, "Moesif".
 */
export class MoesifBilling extends CompleteBilling {
  readonly managementKey: VendorSecret;
  readonly applicationId?: VendorSecret;
  /** The usage forwarder (`ingestUsage` → Moesif actions); its function name is output `dataIngestorName`. */
  readonly ingestor?: IDataIngestorAggregator;
  private readonly usageForwarder?: LambdaFunction;

  constructor(scope: Construct, id: string, props: MoesifBillingProps) {
    let keys!: { managementKey: VendorSecret; applicationId?: VendorSecret };
    let forwarder: LambdaFunction | undefined;
    super(scope, id, (self) => {
      const p = props.namePrefix;
      for (const [name, url] of [
        ['managementApiBaseUrl', props.managementApiBaseUrl],
        ['collectorApiBaseUrl', props.collectorApiBaseUrl],
      ] as const) {
        if (url !== undefined && !/^https?:\/\/[^\s]+$/.test(url))
          throw new Error(`${self.node.path}: ${name} '${url}' is not an http(s) URL`);
      }
      const managementKey = new VendorSecret(self, 'management-api-key', {
        name: `${p}-moesif-management-api-key`,
        description: 'Moesif Management API key (plain string), read by the Moesif billing functions.',
        existingArn: props.managementApiKeySecretArn,
        kmsKeyArn: props.kmsKeyArn,
      });
      keys = { managementKey };
      const fn = functionFamily(self, {
        namePrefix: `${p}-moesif`,
        timeout: props.timeout ?? 15,
        environment: {
          MOESIF_MANAGEMENT_BASE_URL: props.managementApiBaseUrl ?? 'https://api.moesif.com/v1',
          MOESIF_MANAGEMENT_KEY_SECRET_ARN: managementKey.arn,
          POWERTOOLS_SERVICE_NAME: 'moesif-billing',
        },
        grant: (f) => managementKey.grantRead(f),
      });
      const op = (name: string, operation: string, description: string, extra: Record<string, string> = {}) => ({
        handler: fn(name, `Moesif billing: ${description}`, {
          archive: 'moesif-events',
          environment: { MOESIF_OPERATION: operation, ...extra },
        }),
      });
      const members = {
        createCustomerFunction: op('create-customer', 'createCustomer', 'tenant onboarded → company + subscription'),
        updateCustomerFunction: op(
          'update-customer',
          'updateCustomer',
          'tenant changed → company (+ plan of its subscription)',
        ),
        deleteCustomerFunction: op('delete-customer', 'deleteCustomer', 'tenant offboarded → subscription canceled', {
          MOESIF_DELETE_COMPANY: String(props.deleteCompanyOnOffboarding ?? false),
        }),
        createUserFunction: op('create-user', 'createUser', 'tenant user created → Moesif user'),
        deleteUserFunction: op('delete-user', 'deleteUser', 'tenant user deleted → Moesif user deleted'),
      };
      const api = { handler: fn('api', 'Moesif billing: tenant billing and billing users', { archive: 'moesif-api' }) };

      if (props.forwardUsage ?? true) {
        const applicationId = new VendorSecret(self, 'application-id', {
          name: `${p}-moesif-application-id`,
          description: 'Moesif Collector Application Id (plain string), read by the usage forwarder.',
          existingArn: props.applicationIdSecretArn,
          kmsKeyArn: props.kmsKeyArn,
        });
        keys = { managementKey, applicationId };
        forwarder = fn('usage', 'Moesif billing: ingestUsage → Moesif actions', {
          archive: 'moesif-events',
          environment: {
            MOESIF_OPERATION: 'forwardUsage',
            MOESIF_COLLECTOR_BASE_URL: props.collectorApiBaseUrl ?? 'https://api.moesif.net/v1',
            MOESIF_APPLICATION_ID_SECRET_ARN: applicationId.arn,
          },
        });
        applicationId.grantRead(forwarder);
      }

      return {
        ...members,
        fetchTenantBillingFunction: api,
        readUserFunction: api,
        updateUserFunction: api,
        ...vendorWebhook(self, {
          verification: { namePrefix: `${p}-moesif`, secretArn: props.webhookSecretArn },
          functionName: `${p}-moesif-webhook`,
          description: 'Moesif billing webhook: verify signature, record once, mirror on tenant, emit tenantUpdated',
          serviceName: 'moesif-billing',
          path: props.webhookPath ?? 'moesif',
        }),
      };
    });
    this.managementKey = keys.managementKey;
    this.applicationId = keys.applicationId;
    if (forwarder) {
      this.usageForwarder = forwarder;
      this.ingestor = {
        dataIngestorName: forwarder.functionName,
        dataIngestorArn: forwarder.functionArn,
        dataAggregator: forwarder,
      };
    }
  }

  override bind(scope: Construct, ctx: BillingBindContext): void {
    super.bind(scope, ctx);
    // IBilling has no usage member: the forwarder subscribes to ingestUsage itself (both eras).
    if (this.usageForwarder) {
      ctx.eventManager.addTargetToEvent(scope, {
        eventDefinition: ctx.eventManager.events.ingestUsage,
        target: new LambdaTarget(this.usageForwarder),
      });
    }
  }
}
