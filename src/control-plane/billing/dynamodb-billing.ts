import type { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import type { Construct } from '../../core/cdktf';
import { keyedTable, type TableKeys } from '../../core/durable-table';
import { dynamodbStatement as on, tableServiceFamily } from '../../core/function-family';
import type { PolicyStatement } from '../../core/iam';
import type { DynamoDBMetering } from '../metering/dynamodb-metering';
import type { IFunctionSchedule } from './billing-interface';
import { CompleteBilling } from './complete-billing';
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
export class DynamoDBBilling extends CompleteBilling {
  readonly customersTable: DynamodbTable;
  readonly usersTable: DynamodbTable;
  readonly usageTable?: DynamodbTable;
  readonly putUsageFunction?: IFunctionSchedule;

  constructor(scope: Construct, id: string, props: DynamoDBBillingProps) {
    let tables!: { customers: DynamodbTable; users: DynamodbTable; usage?: DynamodbTable };
    let putUsageFunction: IFunctionSchedule | undefined;
    super(scope, id, (self) => {
      const p = props.namePrefix;
      const table = (tableId: string, name: string, keys: TableKeys) =>
        keyedTable(
          self,
          tableId,
          { name, deletionProtection: props.deletionProtection, kmsKeyArn: props.kmsKeyArn },
          keys,
        );
      tables = {
        customers: table('customers', `${p}-billing-customers`, { hashKey: 'tenantId' }),
        users: table('users', `${p}-billing-users`, { hashKey: 'tenantId', rangeKey: 'userId' }),
      };
      if (props.metering)
        tables.usage = table('usage-lines', `${p}-billing-usage`, { hashKey: 'tenantId', rangeKey: 'lineId' });
      const webhookVerification = new WebhookVerification(self, 'webhook-verification', {
        namePrefix: p,
        secretArn: props.webhookSecretArn,
        toleranceSeconds: props.webhookToleranceSeconds,
        kmsKeyArn: props.kmsKeyArn,
      });

      const customers = tables.customers.arn;
      const users = tables.users.arn;
      const fn = tableServiceFamily(self, 'billing', p, props.kmsKeyArn, {
        CUSTOMERS_TABLE_NAME: tables.customers.name,
        USERS_TABLE_NAME: tables.users.name,
      });
      const member = (name: string, description: string, ...statements: PolicyStatement[]) =>
        fn(name, description, { statements });

      const members = {
        createCustomerFunction: {
          handler: member('create-customer', 'Billing: create customer on onboardingRequest', on(customers, 'PutItem')),
        },
        updateCustomerFunction: {
          handler: member(
            'update-customer',
            'Billing: apply tenantUpdated to the customer',
            on(customers, 'UpdateItem'),
          ),
        },
        deleteCustomerFunction: {
          handler: member(
            'delete-customer',
            'Billing: cancel customer on offboardingRequest',
            on(customers, 'UpdateItem'),
            on(users, 'Query', 'DeleteItem'),
          ),
        },
        createUserFunction: {
          handler: member('create-user', 'Billing: add user on tenantUserCreated', on(users, 'PutItem')),
        },
        deleteUserFunction: {
          handler: member('delete-user', 'Billing: remove user on tenantUserDeleted', on(users, 'DeleteItem')),
        },
        readUserFunction: { handler: member('get-user', 'Billing: read a billing user', on(users, 'GetItem')) },
        updateUserFunction: {
          handler: member('update-user', 'Billing: update a billing user', on(users, 'UpdateItem')),
        },
        fetchTenantBillingFunction: {
          handler: member(
            'get-tenant-billing',
            'Internal billing API: plan, billing status, payment state',
            on(customers, 'GetItem'),
          ),
        },
        webhookFunction: {
          path: props.webhookPath ?? 'webhook',
          handler: member(
            'webhook',
            'Billing webhook: verify signature, apply once, emit tenantUpdated',
            on(customers, 'UpdateItem', 'GetItem'),
          ),
        },
      };
      webhookVerification.grant(members.webhookFunction.handler);
      const tenantBilling = members.fetchTenantBillingFunction.handler;

      if (props.metering && tables.usage) {
        const m = props.metering;
        // a batch over every meter's closed period (SBT's putUsage also had 5 minutes)
        const putUsage = fn('put-usage', 'Billing: roll metered usage up into per-period usage lines', {
          timeout: 300,
          statements: [
            { actions: ['dynamodb:Query'], resources: [m.metersTable.arn, `${m.usageTable.arn}/index/*`] },
            on(tables.usage.arn, 'PutItem'),
          ],
        });
        putUsage.addEnvironment('METERS_TABLE_NAME', m.metersTable.name);
        putUsage.addEnvironment('USAGE_TABLE_NAME', m.usageTable.name);
        putUsage.addEnvironment('USAGE_LINES_TABLE_NAME', tables.usage.name);
        putUsage.addEnvironment('USAGE_PERIOD', props.usagePeriod ?? 'day');
        putUsageFunction = { handler: putUsage, schedule: props.putUsageSchedule };
        tenantBilling.addEnvironment('USAGE_LINES_TABLE_NAME', tables.usage.name);
        tenantBilling.addToRolePolicy(on(tables.usage.arn, 'Query'));
      }
      return { webhookVerification, ...members };
    });
    this.customersTable = tables.customers;
    this.usersTable = tables.users;
    this.usageTable = tables.usage;
    this.putUsageFunction = putUsageFunction;
  }
}
