/**
 * IBilling — what a billing provider (our DynamoDBBilling, a vendor package, your own) hands to the control
 * plane. Each member is a function plus how it is reached:
 *  - async (`IASyncFunction`): invoked by an EventBridge rule on the SBT bus, with the whole event
 *    (`{id, time, 'detail-type', source, detail}`) — answer lifecycle events;
 *  - sync (`ISyncFunction`): an HTTP API route with the JWT authorizer and a scope — answer a caller now;
 *  - scheduled (`IFunctionSchedule`) and webhook (`IFunctionPath`, public route, the handler authenticates).
 * `BillingProvider` does all the wiring; a provider only builds functions (and may `bind` to the control
 * plane for the few things it needs from it).
 *
 * Compared with SBT-AWS 0.9.3 (reference/sbt-aws.md §6.3): same member names and triggers, plus
 * `updateCustomerFunction` (on our `tenantUpdated`), `readUserFunction`/`updateUserFunction` (SBT PR #12,
 * seed 003) and `fetchTenantBillingFunction` (the internal billing API seed 003 asks for). SBT's
 * `ingestor` is accepted (a provider that aggregates raw billing data itself names its ingestion
 * endpoint there); our reference providers take usage through IMetering instead.
 */
import type { Construct } from '../../core/cdktf';
import type { EventDefinition, IEventManager } from '../../core/event-manager';
import type { LambdaFunction } from '../../core/lambda-function';
import type { IControlPlaneApi } from '../api/control-plane-api';
import type { TenantTable } from '../tenant-management/tenant-table';

/** A function behind an API route (SBT's ISyncFunction). */
export interface ISyncFunction {
  readonly handler: LambdaFunction;
  /** OAuth scope the JWT authorizer requires. @default the member's scope from src/contracts/scopes.ts (see each member) */
  readonly scope?: string;
}

/** A function invoked by an event on the SBT bus (SBT's IASyncFunction). */
export interface IASyncFunction {
  readonly handler: LambdaFunction;
  /** Event that triggers it. @default the member's event (see each member) */
  readonly trigger?: EventDefinition;
}

/** A function run on a schedule (SBT's IFunctionSchedule). */
export interface IFunctionSchedule {
  readonly handler: LambdaFunction;
  /** EventBridge schedule expression. @default 'rate(24 hours)' (SBT's) */
  readonly schedule?: string;
}

/** A function behind a public POST route (SBT's IFunctionPath). */
export interface IFunctionPath {
  /** Path below `/billing/`, e.g. `webhook` → `POST /billing/webhook`. Letters, digits, `-`, `_`, `/`. */
  readonly path: string;
  readonly handler: LambdaFunction;
}

/**
 * SBT's IDataIngestorAggregator: where raw billing data is sent and aggregated (SBT's mock uses Kinesis
 * Firehose → S3 → a Lambda summing into DynamoDB). BillingProvider publishes `dataIngestorName` (SBT's
 * `dataIngestorName` output) and grants nothing: producers get their own permissions.
 */
export interface IDataIngestorAggregator {
  /** Name of the ingestion endpoint (e.g. a Firehose delivery stream) producers send to. */
  readonly dataIngestorName: string;
  /** Its ARN, when producers need one for IAM. @default none */
  readonly dataIngestorArn?: string;
  /** The function aggregating ingested records. @default none */
  readonly dataAggregator?: LambdaFunction;
}

/** What `bind` receives: the parts of the control plane a provider may need. */
export interface BillingBindContext {
  readonly api: IControlPlaneApi;
  readonly eventManager: IEventManager;
  readonly namePrefix: string;
  /** The control plane's tenant table, when the provider should mirror billing state onto tenants. */
  readonly tenantTable?: TenantTable;
}

export interface IBilling {
  /**
   * Creates the billing customer of a new tenant. Async, default trigger `onboardingRequest`
   * (detail = registration data ∪ tenant data ∪ {tenantId}; `tier` is the plan). Required.
   */
  readonly createCustomerFunction: IASyncFunction;
  /** Deletes/cancels the customer of an offboarded tenant. Async, default trigger `offboardingRequest`. Required. */
  readonly deleteCustomerFunction: IASyncFunction;
  /**
   * Applies tenant changes (tier/plan, email, name) to the customer. Async, default trigger
   * `tenantUpdated` (`{tenantId, ...changed fields}`); must skip details with `origin: 'billing'`, which
   * the billing webhook itself emitted.
   */
  readonly updateCustomerFunction?: IASyncFunction;
  /** Adds a user to the tenant's customer. Async, default trigger `tenantUserCreated` (`{tenantId, userId|userName, email?}`). */
  readonly createUserFunction?: IASyncFunction;
  /** Removes a user from the tenant's customer. Async, default trigger `tenantUserDeleted`. */
  readonly deleteUserFunction?: IASyncFunction;
  /**
   * Reads a billing user: `GET /tenants/{tenantId}/billing/users/{userId}` → `{data: user}` | 404.
   * Sync, default scope `billing/billing_read`.
   */
  readonly readUserFunction?: ISyncFunction;
  /**
   * Updates a billing user: `PUT /tenants/{tenantId}/billing/users/{userId}` `{email?, name?, billingRole?}`
   * → `{data: user}` | 404. Sync, default scope `billing/billing_write`.
   */
  readonly updateUserFunction?: ISyncFunction;
  /**
   * The internal billing API: `GET /tenants/{tenantId}/billing` → `{data: {tenantId, customerId, plan,
   * billingStatus, paymentState, email?, updatedAt, provider}}` | 404, for application planes (machine
   * clients) that must know the billing state synchronously. Sync, default scope `billing/billing_read`.
   */
  readonly fetchTenantBillingFunction?: ISyncFunction;
  /** SBT's raw-data ingestor (see IDataIngestorAggregator); its name becomes output `dataIngestorName`. @default none */
  readonly ingestor?: IDataIngestorAggregator;
  /** Pushes/rolls up usage on a schedule. Scheduled on the default bus, default `rate(24 hours)`. */
  readonly putUsageFunction?: IFunctionSchedule;
  /**
   * Receives the vendor's callbacks: `POST /billing/{path}`, public at the API (a vendor cannot present
   * our JWT), so the handler MUST authenticate the request (see docs/billing-metering.md, "Webhook
   * signatures"), and should emit `tenantUpdated` with `origin: 'billing'` for accepted changes.
   */
  readonly webhookFunction?: IFunctionPath;
  /**
   * Called once by BillingProvider before wiring, with the control plane's API, event manager and tenant
   * table — e.g. to give the webhook handler the bus environment and PutEvents. @default nothing to bind
   */
  bind?(scope: Construct, context: BillingBindContext): void;
}
