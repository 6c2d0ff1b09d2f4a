import { Apigatewayv2Route } from '@cdktf/provider-aws/lib/apigatewayv2-route';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { awsContext } from '../application-plane/aws-context';
import { Construct, Fn, Lazy, Token, type TerraformProvider } from '../core/cdktf';
import type { PolicyStatement } from '../core/iam';
import { LambdaFunction } from '../core/lambda-function';
import { EventTargetDeadLetterQueue } from '../core/event-targets';
import { SCOPES } from '../contracts/scopes';
import { HttpControlPlaneApi } from '../control-plane/api/http-control-plane-api';
import { MarketplaceMetering } from './marketplace-metering';
import { NotificationIngest } from './notification-ingest';
import {
  DEFAULT_REGISTRATION_FIELDS,
  type MarketplacePricingModel,
  hasEntitlements,
  hasMetering,
  legacyTopicArn,
} from './pricing';
import { RegistrationWebPage } from './registration-web-page';
import { SubscribersTable } from './subscribers-table';
import { propsErrors } from '../core/props-validation';

export interface MarketplaceNotificationOptions {
  /** EventBridge Concurrent-Agreement events (`aws.agreement-marketplace`, us-east-1 default bus). @default true */
  readonly eventBridge?: boolean;
  /**
   * Legacy SNS topics (listings from before Concurrent Agreements). `true` subscribes the product's two topics
   * (`aws-mp-{subscription,entitlement}-notification-<code>` in account 287250355862); give ARNs to override.
   * The entitlement topic is subscribed only for pricing models with contracts. @default false
   */
  readonly legacySns?: boolean | { readonly subscriptionTopicArn?: string; readonly entitlementTopicArn?: string };
}

export interface MarketplaceSaaSProductProps {
  /** Prefix of every resource name. */
  readonly namePrefix: string;
  /** The listing's product code (not the product id): ResolveCustomer answers are checked against it. */
  readonly productCode: string;
  /** What to wire: CONTRACTS (entitlements), SUBSCRIPTIONS (metering) or both. */
  readonly pricingModel: MarketplacePricingModel;
  /** Provider aliased to us-east-1 (Marketplace events and SNS topics exist only there). */
  readonly usEast1Provider: TerraformProvider;
  /** ARN of the control plane's event bus: the tenant path's onboardingRequest / offboardingRequest / tenantUpdated go there. */
  readonly eventBusArn: string;
  /**
   * The control plane's tenant and tenant-registration tables (control-plane outputs `tenant_table_name`,
   * `tenant_registration_table_name`). A Marketplace buyer becomes a tenant through the control plane's own
   * registration path (the code behind POST /tenant-registrations), so the events carry tenantId and
   * tenantRegistrationId like every other onboarding.
   */
  readonly tenantTableName: string;
  readonly tenantRegistrationTableName: string;
  /**
   * Contract dimensions from lowest to highest tier: the tenant's `tier` is the highest one the buyer is entitled
   * to. @default none — the entitled dimensions, sorted and joined with '+' ('marketplace' without contract)
   */
  readonly tierDimensions?: string[];
  /** Source of those events. @default 'sbt.control.plane' (the control plane's own, so its rules match) */
  readonly controlPlaneEventSource?: string;
  /** Notification modes. @default EventBridge only */
  readonly notifications?: MarketplaceNotificationOptions;
  /** Required registration fields. @default companyName, contactPerson, contactPhone, contactEmail */
  readonly requiredFields?: string[];
  /** Optional registration fields. @default none */
  readonly optionalFields?: string[];
  /** Verified SES identity that is told about every new subscriber (from and to). @default '' — no e-mail */
  readonly sellerEmail?: string;
  /** JWT issuer/audience for the admin routes (e.g. the control plane's user pool). @default no admin routes */
  readonly adminJwt?: { readonly issuer: string; readonly audience: string[] };
  /** Scopes of the admin routes. @default tenant/tenant_read and tenant/tenant_write (subscribers become tenants) */
  readonly adminReadScope?: string;
  readonly adminWriteScope?: string;
  /** Registration web page (S3 + CloudFront). @default enabled, no geo restriction */
  readonly registrationPage?: false | RegistrationPageOptions;
  /**
   * Custom domain of the fulfillment URL without a page (HTTP API, regional ACM certificate in the stack's region).
   * With a page, give `registrationPage.domain` instead (the fulfillment URL is then on the page's host).
   * @default the execute-api host
   */
  readonly apiDomain?: { readonly domainName: string; readonly certificateArn: string };
  /**
   * Requests per second (and burst) of the buyer-facing routes (/landing, /register), separate from the admin
   * routes' stage limit so a registration surge cannot starve the admins and a scraper cannot use the admin budget.
   * @default 20 / 40 (admin routes: 50 / 100)
   */
  readonly buyerRateLimit?: number;
  readonly buyerBurstLimit?: number;
  /** Metering options (SUBSCRIPTIONS and CONTRACTS_WITH_SUBSCRIPTION only). */
  readonly metering?: {
    readonly scheduleExpression?: string;
    readonly closeDelayMinutes?: number | string;
    readonly alarmSecondsBeforeCutoff?: number;
    readonly maxRequestsPerSecond?: number | string;
    readonly retentionDays?: number;
  };
  /** Origins of a registration page hosted elsewhere (CORS on /register). @default none (the built-in page is same-origin) */
  readonly registrationCorsOrigins?: string[];
  /** Alarm actions (SNS topic ARNs). @default none */
  readonly alarmActions?: string[];
  /** Protect tables from destroy. @default true */
  readonly deletionProtection?: boolean | string;
}

export interface RegistrationPageOptions {
  readonly geoRestrictionLocations?: string[];
  readonly productName?: string;
  readonly priceClass?: string;
  /** Custom domain of the page and fulfillment URL: aliases + an ACM certificate in us-east-1. @default CloudFront's host */
  readonly domain?: { readonly aliases: string[]; readonly certificateArn: string };
  /** WAFv2 web ACL (scope CLOUDFRONT, ARN) protecting the page and the fulfillment URL. @default none */
  readonly webAclArn?: string;
}

/** What in a configuration cannot work, naming the property (empty when nothing): reported at synth. */
export function checkMarketplaceConfig(
  props: Pick<
    MarketplaceSaaSProductProps,
    'requiredFields' | 'registrationPage' | 'apiDomain' | 'buyerRateLimit' | 'buyerBurstLimit'
  >,
): string[] {
  const errors: string[] = [];
  const required = props.requiredFields ?? DEFAULT_REGISTRATION_FIELDS;
  if (props.registrationPage === false && !Token.isUnresolved(required) && required.length > 0) {
    errors.push(
      `requiredFields (${required.join(', ')}) need the registration page: without it the fulfillment URL registers the buyer directly and has no form, so every buyer would get 400. Enable registrationPage or set requiredFields: [].`,
    );
  }
  const page = props.registrationPage === false ? undefined : props.registrationPage;
  if (page && props.apiDomain) {
    errors.push(
      `apiDomain is for a listing without registration page; with the page the fulfillment URL is on the page's host — use registrationPage.domain.`,
    );
  }
  if (page?.domain && !Token.isUnresolved(page.domain.certificateArn)) {
    if (!Token.isUnresolved(page.domain.aliases) && !page.domain.aliases.length)
      errors.push('registrationPage.domain.aliases must name at least one host name.');
    const arn = page.domain.certificateArn;
    if (!Token.isUnresolved(arn) && !/^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate\/.+/.test(arn)) {
      errors.push(
        `registrationPage.domain.certificateArn must be an ACM certificate in us-east-1 (CloudFront only uses certificates there), got '${arn}'.`,
      );
    }
  }
  if (
    page?.webAclArn &&
    !Token.isUnresolved(page.webAclArn) &&
    !/^arn:aws[a-z-]*:wafv2:us-east-1:\d{12}:global\/webacl\/.+/.test(page.webAclArn)
  ) {
    errors.push(
      `registrationPage.webAclArn must be a WAFv2 web ACL of scope CLOUDFRONT (arn:aws:wafv2:us-east-1:<account>:global/webacl/…), got '${page.webAclArn}'.`,
    );
  }
  for (const [name, v] of [
    ['buyerRateLimit', props.buyerRateLimit],
    ['buyerBurstLimit', props.buyerBurstLimit],
  ] as const) {
    if (v !== undefined && !Token.isUnresolved(v) && (!Number.isFinite(v) || v <= 0))
      errors.push(`${name} must be a positive number, got ${v}.`);
  }
  return errors;
}

/**
 * An AWS Marketplace SaaS listing, end to end: registration (fulfillment URL + page), notifications
 * (EventBridge Concurrent Agreements and/or legacy SNS) through SQS with DLQ, access decisions that emit the control
 * plane's onboardingRequest / offboardingRequest, metering with exactly-once billing, seller e-mail and admin
 * routes. Each pricing model wires only what it needs: contracts add GetEntitlements, subscriptions add metering.
 */
export class MarketplaceSaaSProduct extends Construct {
  readonly subscribers: SubscribersTable;
  readonly api: HttpControlPlaneApi;
  readonly registerFunction: LambdaFunction;
  readonly notificationFunction: LambdaFunction;
  readonly adminFunction?: LambdaFunction;
  readonly notifications: NotificationIngest;
  readonly metering?: MarketplaceMetering;
  readonly page?: RegistrationWebPage;
  readonly identityMode: 'license' | 'customer';

  constructor(scope: Construct, id: string, props: MarketplaceSaaSProductProps) {
    super(scope, id);
    const p = props.namePrefix;
    const eventBridge = props.notifications?.eventBridge ?? true;
    const sns = props.notifications?.legacySns ?? false;
    const errors = propsErrors(this);
    if (!eventBridge && !sns) errors.push('enable EventBridge and/or legacy SNS notifications');
    errors.push(...checkMarketplaceConfig(props));
    // Concurrent Agreements key buyers on licences; an SNS-only (legacy) listing keys them on CustomerIdentifier.
    this.identityMode = eventBridge ? 'license' : 'customer';
    const contracts = hasEntitlements(props.pricingModel);
    const required = props.requiredFields ?? DEFAULT_REGISTRATION_FIELDS;
    const optional = props.optionalFields ?? [];

    this.subscribers = new SubscribersTable(this, 'subscribers', {
      name: `${p}-marketplace-subscribers`,
      deletionProtection: props.deletionProtection,
    });
    // The marketplace's own small HTTP API (same construct as the control plane's): public registration routes
    // (Marketplace and the buyer's browser carry no token) and JWT-scoped admin routes. Separate from the
    // control-plane API so the module deploys on its own and its public surface is exactly two routes.
    this.api = new HttpControlPlaneApi(this, 'api', {
      name: `${p}-marketplace`,
      description: 'AWS Marketplace registration and subscriber admin',
      jwt: props.adminJwt,
      corsAllowOrigins: props.registrationCorsOrigins,
      throttlingRateLimit: 50,
      throttlingBurstLimit: 100,
      domain: props.registrationPage === false && props.apiDomain ? props.apiDomain : undefined,
    });
    const ctx = awsContext(this);
    const tableArn = (name: string) => `arn:${ctx.partition}:dynamodb:${ctx.region}:${ctx.accountId}:table/${name}`;
    // The control plane's tenant path (TenantService): conditional puts/updates in transactions, reads by key.
    const tenantStatement = {
      actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:ConditionCheckItem'],
      resources: [tableArn(props.tenantTableName), tableArn(props.tenantRegistrationTableName)],
    };

    const common: Record<string, string> = {
      PRODUCT_CODE: props.productCode,
      SUBSCRIBERS_TABLE_NAME: this.subscribers.tableName,
      IDENTITY_MODE: this.identityMode,
      PRICING_MODEL: props.pricingModel,
      MARKETPLACE_REGION: 'us-east-1',
      SELLER_EMAIL: props.sellerEmail ?? '',
      // PutEvents takes the bus ARN as EventBusName, so a bus in another account works too.
      EVENT_BUS_NAME: props.eventBusArn,
      CONTROL_PLANE_EVENT_SOURCE: props.controlPlaneEventSource ?? 'sbt.control.plane',
      TENANT_TABLE_NAME: props.tenantTableName,
      REGISTRATION_TABLE_NAME: props.tenantRegistrationTableName,
      TIER_DIMENSIONS: Fn.join(',', props.tierDimensions ?? []),
    };
    const putEvents = { actions: ['events:PutEvents'], resources: [props.eventBusArn] };
    const marketplaceActions = [
      'aws-marketplace:ResolveCustomer',
      ...(contracts ? ['aws-marketplace:GetEntitlements'] : []),
    ];
    // SendEmail is scoped to the seller's identity (address or its domain), not '*'.
    const sesStatement = {
      actions: ['ses:SendEmail'],
      resources: [
        `arn:aws:ses:*:*:identity/${props.sellerEmail ?? ''}`,
        `arn:aws:ses:*:*:identity/${Fn.element(Fn.split('@', props.sellerEmail ?? ''), 1)}`,
      ],
    };

    // The product's functions: bundle `marketplace-<name>`, named `<prefix>-marketplace-<name>` and logged as
    // that service, with the shared environment and what every one of them does (write subscribers, put
    // events, read tenants).
    const productFunction = (
      id: string,
      name: string,
      description: string,
      timeout: number,
      own: { environment?: Record<string, string>; statements?: PolicyStatement[] } = {},
    ) =>
      new LambdaFunction(this, id, {
        archive: `marketplace-${name}`,
        functionName: `${p}-marketplace-${name}`,
        description,
        timeout,
        environment: { ...common, ...own.environment, POWERTOOLS_SERVICE_NAME: `marketplace-${name}` },
        statements: [this.subscribers.writeStatement(), putEvents, tenantStatement, ...(own.statements ?? [])],
      });

    this.registerFunction = productFunction(
      'register',
      'register',
      'AWS Marketplace fulfillment URL and registration (ResolveCustomer)',
      15,
      {
        environment: { REQUIRED_FIELDS: Fn.join(',', required), OPTIONAL_FIELDS: Fn.join(',', optional) },
        statements: [{ actions: marketplaceActions, resources: ['*'] }, sesStatement],
      },
    );
    this.api.addRoute({
      method: 'POST',
      path: '/landing',
      handler: this.registerFunction,
      authorization: 'none',
      publicReason: 'AWS Marketplace form-POSTs the buyer here (fulfillment URL)',
    });
    this.api.addRoute({
      method: 'POST',
      path: '/register',
      handler: this.registerFunction,
      authorization: 'none',
      publicReason: 'the buyer registers before having any account',
    });

    this.notificationFunction = productFunction(
      'notifications',
      'notifications',
      'AWS Marketplace subscription, entitlement, agreement and licence notifications',
      // Room for the final-usage flush at cancellation (a buyer's pending usage + BatchMeterUsage with retries).
      60,
      {
        statements: [
          sesStatement,
          ...(contracts ? [{ actions: ['aws-marketplace:GetEntitlements'], resources: ['*'] }] : []),
        ],
      },
    );
    // The safety net behind SQS retries: access changes the control plane could not take yet (an offboarding while
    // the tenant is still PROVISIONING) are retried every 15 minutes from the sparse emissionPendingIndex.
    const sweepRule = new CloudwatchEventRule(this, 'pending-sweep', {
      name: `${p}-marketplace-pending-sweep`,
      description: 'Retries Marketplace access changes not yet applied in the control plane',
      scheduleExpression: 'rate(15 minutes)',
    });
    const sweepDlq = EventTargetDeadLetterQueue.of(this);
    sweepDlq.allow(sweepRule);
    new CloudwatchEventTarget(this, 'pending-sweep-target', {
      rule: sweepRule.name,
      arn: this.notificationFunction.functionArn,
      input: JSON.stringify({ sweep: 'pending-emissions' }),
      // A missed sweep is retried by the next one 15 minutes later, so EventBridge keeps it no longer than that;
      // an invocation it could not deliver still lands in the stack's dead-letter queue (alarmed), never dropped.
      retryPolicy: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 900 },
      deadLetterConfig: { arn: sweepDlq.queue.arn },
    });
    this.notificationFunction.allowInvokeFrom('invoke-from-pending-sweep', 'events.amazonaws.com', sweepRule.arn);
    new CloudwatchMetricAlarm(this, 'pending-access-alarm', {
      alarmName: `${p}-marketplace-pending-access-changes`,
      alarmDescription:
        'Marketplace access changes (onboarding/offboarding) have not reached the control plane for an hour.',
      namespace: 'SBT/Marketplace',
      metricName: 'PendingAccessChanges',
      dimensions: { ProductCode: props.productCode },
      statistic: 'Minimum',
      period: 900,
      evaluationPeriods: 4,
      threshold: 0,
      comparisonOperator: 'GreaterThanThreshold',
      treatMissingData: 'notBreaching',
      alarmActions: props.alarmActions ?? [],
    });
    const snsOpts = typeof sns === 'object' ? sns : {};
    const topics = sns
      ? [
          snsOpts.subscriptionTopicArn ?? legacyTopicArn('subscription', props.productCode),
          ...(contracts ? [snsOpts.entitlementTopicArn ?? legacyTopicArn('entitlement', props.productCode)] : []),
        ]
      : [];
    this.notifications = new NotificationIngest(this, 'ingest', {
      namePrefix: p,
      productCode: props.productCode,
      consumer: this.notificationFunction,
      usEast1Provider: props.usEast1Provider,
      eventBridge,
      snsTopicArns: topics,
    });

    if (hasMetering(props.pricingModel)) {
      this.metering = new MarketplaceMetering(this, 'metering', {
        namePrefix: p,
        productCode: props.productCode,
        ...props.metering,
        alarmActions: props.alarmActions,
        deletionProtection: props.deletionProtection,
        subscribersTable: { name: this.subscribers.tableName, arn: this.subscribers.tableArn },
      });
      // Final usage at cancellation: the notification consumer runs the same metering code for the ended buyer
      // (AWS accepts usage for only about an hour after the agreement ends; the hourly job may be too late).
      for (const [k, v] of Object.entries(this.metering.environment)) this.notificationFunction.addEnvironment(k, v);
      for (const st of this.metering.statements) this.notificationFunction.addToRolePolicy(st);
    }

    if (props.adminJwt) {
      this.adminFunction = productFunction(
        'admin',
        'subscribers',
        'Admin: list, get and delete AWS Marketplace subscribers',
        10,
      );
      const read = props.adminReadScope ?? SCOPES.tenantRead;
      const write = props.adminWriteScope ?? SCOPES.tenantWrite;
      this.api.addRoute({ method: 'GET', path: '/subscribers', handler: this.adminFunction, scopes: [read] });
      this.api.addRoute({
        method: 'GET',
        path: '/subscribers/{subscriberId}',
        handler: this.adminFunction,
        scopes: [read],
      });
      this.api.addRoute({
        method: 'DELETE',
        path: '/subscribers/{subscriberId}',
        handler: this.adminFunction,
        scopes: [write],
      });
    }

    if (props.registrationPage !== false) {
      const o = props.registrationPage ?? {};
      this.page = new RegistrationWebPage(this, 'page', {
        namePrefix: p,
        apiUrl: this.api.url,
        requiredFields: required,
        optionalFields: optional,
        productName: o.productName,
        geoRestrictionLocations: o.geoRestrictionLocations,
        priceClass: o.priceClass,
        domain: o.domain,
        webAclArn: o.webAclArn,
      });
      // 302-to-page variant: the landing route sends the browser to the page (the session cookie carries the buyer).
      this.registerFunction.addEnvironment('REGISTRATION_PAGE_URL', `${this.page.url}/index.html`);
    }
    this.limitBuyerRoutes(props.buyerRateLimit ?? 20, props.buyerBurstLimit ?? 40);
  }

  /**
   * Separate throttling for the buyer-facing routes (route settings of the stage; the stage default stays the admin
   * routes' limit). The stage must wait for the routes: route settings name existing route keys.
   */
  private limitBuyerRoutes(rate: number, burst: number): void {
    const stage = this.api.stage;
    stage.putRouteSettings(
      ['POST /landing', 'POST /register'].map((routeKey) => ({
        routeKey,
        throttlingRateLimit: rate,
        throttlingBurstLimit: burst,
      })),
    );
    // depends_on takes bare addresses (`type.name`), resolved at synth (the stack allocates role-named ids).
    const routes = this.api.node.findAll().filter((c): c is Apigatewayv2Route => c instanceof Apigatewayv2Route);
    stage.addOverride(
      'depends_on',
      Lazy.anyValue({ produce: () => routes.map((r) => `${r.terraformResourceType}.${r.friendlyUniqueId}`) }),
    );
  }

  /** The URL to enter as the listing's fulfillment URL. */
  get fulfillmentUrl(): string {
    return this.page ? this.page.fulfillmentUrl : `${this.api.url}/landing`;
  }
}
