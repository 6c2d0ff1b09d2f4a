import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { durableTable } from '../../core/durable-table';
import { Construct } from '../../core/cdktf';
import { LambdaFunction } from '../../core/lambda-function';
import type { PolicyStatement } from '../../core/iam';
import type { DynamoDBMetering } from '../metering/dynamodb-metering';
import type {
  BillingBindContext,
  IASyncFunction,
  IBilling,
  IFunctionPath,
  IFunctionSchedule,
  ISyncFunction,
} from './billing-interface';
import { WebhookVerification } from './webhook-verification';

export interface DynamoDBBillingProps {
  /** Prefix of every resource name (the stack's `namePrefix`). */
  readonly namePrefix: string;
  /** Webhook path below /billing/. @default 'webhook' → `POST /billing/webhook` */
  readonly webhookPath?: string;
  /** Existing secret (ARN) with the webhook signing secret. @default one is created; set its value once */
  readonly webhookSecretArn?: string;
  /** Signature timestamp tolerance in seconds. @default 300 */
  readonly webhookToleranceSeconds?: number;
  /**
   * Usage source for `putUsageFunction`: the scheduled job rolls the metering provider's usage up into
   * per-tenant, per-meter, per-period lines of this provider's usage table, and the internal billing API
   * shows the latest period. @default no putUsage function
   */
  readonly metering?: DynamoDBMetering;
  /** Roll-up period of putUsage. @default 'day' */
  readonly usagePeriod?: 'day' | 'month';
  /** Schedule of putUsage. @default 'rate(24 hours)' */
  readonly putUsageSchedule?: string;
  /** Protect the customer and user tables from `terraform destroy`. @default true */
  readonly deletionProtection?: boolean | string;
  /** Customer-managed KMS key for tables and the secret. @default AWS managed keys */
  readonly kmsKeyArn?: string;
}

/**
 * Reference billing provider that keeps billing in its own DynamoDB tables — customers (plan, status,
 * payment state), billing users, usage lines — good enough for a small SaaS without a vendor, and the
 * provider the tests run. The webhook accepts the reference signature scheme, so a vendor (or your own
 * payment code) can push plan and payment changes. Pass it to the control plane as `billing`.
 */
export class DynamoDBBilling extends Construct implements IBilling {
  readonly customersTable: DynamodbTable;
  readonly usersTable: DynamodbTable;
  readonly usageTable?: DynamodbTable;
  readonly webhookVerification: WebhookVerification;

  readonly createCustomerFunction: IASyncFunction;
  readonly deleteCustomerFunction: IASyncFunction;
  readonly updateCustomerFunction: IASyncFunction;
  readonly createUserFunction: IASyncFunction;
  readonly deleteUserFunction: IASyncFunction;
  readonly readUserFunction: ISyncFunction;
  readonly updateUserFunction: ISyncFunction;
  readonly fetchTenantBillingFunction: ISyncFunction;
  readonly putUsageFunction?: IFunctionSchedule;
  readonly webhookFunction: IFunctionPath;

  constructor(scope: Construct, id: string, props: DynamoDBBillingProps) {
    super(scope, id);
    const p = props.namePrefix;
    const protect = (props.deletionProtection ?? true) as boolean;
    const common = durableTable({ deletionProtection: protect, kmsKeyArn: props.kmsKeyArn });
    this.customersTable = new DynamodbTable(this, 'customers', {
      ...common,
      name: `${p}-billing-customers`,
      hashKey: 'tenantId',
      attribute: [{ name: 'tenantId', type: 'S' }],
    });
    this.usersTable = new DynamodbTable(this, 'users', {
      ...common,
      name: `${p}-billing-users`,
      hashKey: 'tenantId',
      rangeKey: 'userId',
      attribute: [
        { name: 'tenantId', type: 'S' },
        { name: 'userId', type: 'S' },
      ],
    });
    if (props.metering) {
      this.usageTable = new DynamodbTable(this, 'usage-lines', {
        ...common,
        name: `${p}-billing-usage`,
        hashKey: 'tenantId',
        rangeKey: 'lineId',
        attribute: [
          { name: 'tenantId', type: 'S' },
          { name: 'lineId', type: 'S' },
        ],
      });
    }
    this.webhookVerification = new WebhookVerification(this, 'webhook-verification', {
      namePrefix: p,
      secretArn: props.webhookSecretArn,
      toleranceSeconds: props.webhookToleranceSeconds,
      kmsKeyArn: props.kmsKeyArn,
    });

    const customers = this.customersTable.arn;
    const users = this.usersTable.arn;
    const fn = (name: string, description: string, statements: PolicyStatement[], timeout?: number) =>
      new LambdaFunction(this, name, {
        archive: `billing-${name}`,
        functionName: `${p}-billing-${name}`,
        description,
        timeout,
        environment: {
          CUSTOMERS_TABLE_NAME: this.customersTable.name,
          USERS_TABLE_NAME: this.usersTable.name,
          POWERTOOLS_SERVICE_NAME: 'billing',
        },
        statements: [
          ...statements,
          ...(props.kmsKeyArn
            ? [{ actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [props.kmsKeyArn] }]
            : []),
        ],
      });
    const on = (table: string, ...actions: string[]): PolicyStatement => ({
      actions: actions.map((a) => `dynamodb:${a}`),
      resources: [table],
    });

    this.createCustomerFunction = {
      handler: fn('create-customer', 'Billing: create customer on onboardingRequest', [on(customers, 'PutItem')]),
    };
    this.updateCustomerFunction = {
      handler: fn('update-customer', 'Billing: apply tenantUpdated to the customer', [on(customers, 'UpdateItem')]),
    };
    this.deleteCustomerFunction = {
      handler: fn('delete-customer', 'Billing: cancel customer on offboardingRequest', [
        on(customers, 'UpdateItem'),
        on(users, 'Query', 'DeleteItem'),
      ]),
    };
    this.createUserFunction = {
      handler: fn('create-user', 'Billing: add user on tenantUserCreated', [on(users, 'PutItem')]),
    };
    this.deleteUserFunction = {
      handler: fn('delete-user', 'Billing: remove user on tenantUserDeleted', [on(users, 'DeleteItem')]),
    };
    this.readUserFunction = { handler: fn('get-user', 'Billing: read a billing user', [on(users, 'GetItem')]) };
    this.updateUserFunction = {
      handler: fn('update-user', 'Billing: update a billing user', [on(users, 'UpdateItem')]),
    };
    const tenantBilling = fn('get-tenant-billing', 'Internal billing API: plan, billing status, payment state', [
      on(customers, 'GetItem'),
    ]);
    this.fetchTenantBillingFunction = { handler: tenantBilling };

    const webhook = fn('webhook', 'Billing webhook: verify signature, apply once, emit tenantUpdated', [
      on(customers, 'UpdateItem', 'GetItem'),
    ]);
    this.webhookVerification.grant(webhook);
    this.webhookFunction = { path: props.webhookPath ?? 'webhook', handler: webhook };

    if (props.metering && this.usageTable) {
      const m = props.metering;
      const putUsage = fn(
        'put-usage',
        'Billing: roll metered usage up into per-period usage lines',
        [
          { actions: ['dynamodb:Query'], resources: [m.metersTable.arn, `${m.usageTable.arn}/index/*`] },
          on(this.usageTable.arn, 'PutItem'),
        ],
        300,
      ); // a batch over every meter's closed period (SBT's putUsage also had 5 minutes)
      putUsage.addEnvironment('METERS_TABLE_NAME', m.metersTable.name);
      putUsage.addEnvironment('USAGE_TABLE_NAME', m.usageTable.name);
      putUsage.addEnvironment('USAGE_LINES_TABLE_NAME', this.usageTable.name);
      putUsage.addEnvironment('USAGE_PERIOD', props.usagePeriod ?? 'day');
      this.putUsageFunction = { handler: putUsage, schedule: props.putUsageSchedule };
      tenantBilling.addEnvironment('USAGE_LINES_TABLE_NAME', this.usageTable.name);
      tenantBilling.addToRolePolicy(on(this.usageTable.arn, 'Query'));
    }
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
