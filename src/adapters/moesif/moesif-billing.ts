import { Construct } from '../../core/cdktf';
import { LambdaTarget } from '../../core/event-targets';
import { LambdaFunction } from '../../core/lambda-function';
import type {
  BillingBindContext,
  IASyncFunction,
  IBilling,
  IDataIngestorAggregator,
  IFunctionPath,
  ISyncFunction,
} from '../../control-plane/billing/billing-interface';
import { WebhookVerification } from '../../control-plane/billing/webhook-verification';
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
export class MoesifBilling extends Construct implements IBilling {
  readonly managementKey: VendorSecret;
  readonly applicationId?: VendorSecret;
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
  /** The usage forwarder (`ingestUsage` → Moesif actions); its function name is output `dataIngestorName`. */
  readonly ingestor?: IDataIngestorAggregator;
  private readonly usageForwarder?: LambdaFunction;

  constructor(scope: Construct, id: string, props: MoesifBillingProps) {
    super(scope, id);
    const p = props.namePrefix;
    for (const [name, url] of [
      ['managementApiBaseUrl', props.managementApiBaseUrl],
      ['collectorApiBaseUrl', props.collectorApiBaseUrl],
    ] as const) {
      if (url !== undefined && !/^https?:\/\/[^\s]+$/.test(url))
        throw new Error(`${this.node.path}: ${name} '${url}' is not an http(s) URL`);
    }
    this.managementKey = new VendorSecret(this, 'management-api-key', {
      name: `${p}-moesif-management-api-key`,
      description: 'Moesif Management API key (plain string), read by the Moesif billing functions.',
      existingArn: props.managementApiKeySecretArn,
      kmsKeyArn: props.kmsKeyArn,
    });
    const base = {
      MOESIF_MANAGEMENT_BASE_URL: props.managementApiBaseUrl ?? 'https://api.moesif.com/v1',
      MOESIF_MANAGEMENT_KEY_SECRET_ARN: this.managementKey.arn,
      POWERTOOLS_SERVICE_NAME: 'moesif-billing',
    };
    const fn = (name: string, archive: string, description: string, extra: Record<string, string> = {}) => {
      const f = new LambdaFunction(this, name, {
        archive,
        functionName: `${p}-moesif-${name}`,
        description,
        timeout: props.timeout ?? 15,
        environment: { ...base, ...extra },
      });
      this.managementKey.grantRead(f);
      return f;
    };
    const op = (name: string, operation: string, description: string, extra: Record<string, string> = {}) => ({
      handler: fn(name, 'moesif-events', `Moesif billing: ${description}`, { MOESIF_OPERATION: operation, ...extra }),
    });
    this.createCustomerFunction = op('create-customer', 'createCustomer', 'tenant onboarded → company + subscription');
    this.updateCustomerFunction = op(
      'update-customer',
      'updateCustomer',
      'tenant changed → company (+ plan of its subscription)',
    );
    this.deleteCustomerFunction = op('delete-customer', 'deleteCustomer', 'tenant offboarded → subscription canceled', {
      MOESIF_DELETE_COMPANY: String(props.deleteCompanyOnOffboarding ?? false),
    });
    this.createUserFunction = op('create-user', 'createUser', 'tenant user created → Moesif user');
    this.deleteUserFunction = op('delete-user', 'deleteUser', 'tenant user deleted → Moesif user deleted');

    const api = fn('api', 'moesif-api', 'Moesif billing: tenant billing and billing users');
    this.fetchTenantBillingFunction = { handler: api };
    this.readUserFunction = { handler: api };
    this.updateUserFunction = { handler: api };

    if (props.forwardUsage ?? true) {
      this.applicationId = new VendorSecret(this, 'application-id', {
        name: `${p}-moesif-application-id`,
        description: 'Moesif Collector Application Id (plain string), read by the usage forwarder.',
        existingArn: props.applicationIdSecretArn,
        kmsKeyArn: props.kmsKeyArn,
      });
      const forwarder = fn('usage', 'moesif-events', 'Moesif billing: ingestUsage → Moesif actions', {
        MOESIF_OPERATION: 'forwardUsage',
        MOESIF_COLLECTOR_BASE_URL: props.collectorApiBaseUrl ?? 'https://api.moesif.net/v1',
        MOESIF_APPLICATION_ID_SECRET_ARN: this.applicationId.arn,
      });
      this.applicationId.grantRead(forwarder);
      this.usageForwarder = forwarder;
      this.ingestor = {
        dataIngestorName: forwarder.functionName,
        dataIngestorArn: forwarder.functionArn,
        dataAggregator: forwarder,
      };
    }

    this.webhookVerification = new WebhookVerification(this, 'webhook-verification', {
      namePrefix: `${p}-moesif`,
      secretArn: props.webhookSecretArn,
    });
    const webhook = new LambdaFunction(this, 'webhook', {
      archive: 'billing-webhook',
      functionName: `${p}-moesif-webhook`,
      description: 'Moesif billing webhook: verify signature, record once, mirror on tenant, emit tenantUpdated',
      environment: { POWERTOOLS_SERVICE_NAME: 'moesif-billing' },
    });
    this.webhookVerification.grant(webhook);
    this.webhookFunction = { path: props.webhookPath ?? 'moesif', handler: webhook };
  }

  bind(scope: Construct, ctx: BillingBindContext): void {
    const webhook = this.webhookFunction.handler;
    for (const [k, v] of Object.entries(ctx.eventManager.handlerEnvironment())) webhook.addEnvironment(k, v);
    ctx.eventManager.grantPutEventsTo(webhook);
    if (ctx.tenantTable) {
      webhook.addEnvironment('TENANT_TABLE_NAME', ctx.tenantTable.tableName);
      webhook.addToRolePolicy({ actions: ['dynamodb:UpdateItem'], resources: [ctx.tenantTable.tableArn] });
    }
    // IBilling has no usage member: the forwarder subscribes to ingestUsage itself (both eras).
    if (this.usageForwarder) {
      ctx.eventManager.addTargetToEvent(scope, {
        eventDefinition: ctx.eventManager.events.ingestUsage,
        target: new LambdaTarget(this.usageForwarder),
      });
    }
  }
}
