import { Construct } from '../../core/cdktf';
import { LambdaFunction } from '../../core/lambda-function';
import type { BillingBindContext, IASyncFunction, IBilling, IFunctionPath, ISyncFunction } from './billing-interface';
import { WebhookVerification, type WebhookVerificationProps } from './webhook-verification';

/** Every member a CompleteBilling fills in (its public fields). */
export type BillingMembers = Omit<CompleteBilling, keyof Construct | 'bind'>;

/**
 * Base of the billing providers that fill in all of IBilling — the five lifecycle events, the three billing
 * routes — and take the vendor's callbacks on a signed webhook (DynamoDBBilling, HttpBillingVendorAdapter,
 * MoesifBilling; a vendor package can extend it too). It declares the members once and does the webhook's
 * `bind`; a provider only builds its functions.
 */
export abstract class CompleteBilling extends Construct implements IBilling {
  // Set once, by the constructor, from what `build` returns (every member: the type leaves none out).
  readonly webhookVerification!: WebhookVerification;
  readonly createCustomerFunction!: IASyncFunction;
  readonly deleteCustomerFunction!: IASyncFunction;
  readonly updateCustomerFunction!: IASyncFunction;
  readonly createUserFunction!: IASyncFunction;
  readonly deleteUserFunction!: IASyncFunction;
  readonly readUserFunction!: ISyncFunction;
  readonly updateUserFunction!: ISyncFunction;
  readonly fetchTenantBillingFunction!: ISyncFunction;
  readonly webhookFunction!: IFunctionPath;

  /**
   * @param build creates the members under `self` (this construct, so their addresses are the provider's)
   * and returns them; it runs before the subclass's own fields are set.
   */
  protected constructor(scope: Construct, id: string, build: (self: Construct) => BillingMembers) {
    super(scope, id);
    Object.assign(this, build(this));
  }

  /** The webhook puts `tenantUpdated` on the bus and, with a tenant table, mirrors billing state on tenants. */
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

/** The signed webhook of a vendor adapter: the shared `billing-webhook` bundle behind `POST /billing/<path>`. */
export interface VendorWebhookOptions {
  /** Its WebhookVerification (secret and replay table). */
  readonly verification: WebhookVerificationProps;
  readonly functionName: string;
  readonly description: string;
  /** Powertools service name of the adapter. */
  readonly serviceName: string;
  /** Path below /billing/. */
  readonly path: string;
}

/** Creates the verification (construct id `webhook-verification`) and the function (`webhook`) under `scope`. */
export function vendorWebhook(
  scope: Construct,
  o: VendorWebhookOptions,
): Pick<BillingMembers, 'webhookVerification' | 'webhookFunction'> {
  const webhookVerification = new WebhookVerification(scope, 'webhook-verification', o.verification);
  const handler = new LambdaFunction(scope, 'webhook', {
    archive: 'billing-webhook',
    functionName: o.functionName,
    description: o.description,
    environment: { POWERTOOLS_SERVICE_NAME: o.serviceName },
  });
  webhookVerification.grant(handler);
  return { webhookVerification, webhookFunction: { path: o.path, handler } };
}
