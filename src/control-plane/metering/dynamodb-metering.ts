import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { durableTable } from '../../core/durable-table';
import { Construct } from '../../core/cdktf';
import type { PolicyStatement } from '../../core/iam';
import { LambdaFunction } from '../../core/lambda-function';
import type { IASyncFunction, IMetering, ISyncFunction } from './metering-interface';

export interface DynamoDBMeteringProps {
  /** Prefix of every resource name. */
  readonly namePrefix: string;
  /** Protect the tables from `terraform destroy` (usage may be billed). @default true */
  readonly deletionProtection?: boolean | string;
  /** Customer-managed KMS key for the tables. @default AWS managed key */
  readonly kmsKeyArn?: string;
  /** Memory of the usage-reading function (it aggregates in memory). @default 512 */
  readonly fetchUsageMemorySize?: number;
}

/** Name of the usage table's time index (meterApiName + eventTime). */
export const USAGE_TIME_INDEX = 'byEventTime';

/**
 * Reference metering provider on DynamoDB: meters (unique meterApiName), usage events stored once per
 * event id (idempotent ingestion), cancellation rules, and exact decimal aggregation by tenant and period
 * at read time; each tenant's current tier (from onboarding and `tenantUpdated`) is stamped on its usage
 * records, so a tier change splits usage by plan (seed 003). Sized for a small SaaS (a usage query reads the window's events); for millions of events
 * a day, use a vendor adapter. Pass it to the control plane as `metering`.
 */
export class DynamoDBMetering extends Construct implements IMetering {
  readonly metersTable: DynamodbTable;
  readonly usageTable: DynamodbTable;

  readonly createMeterFunction: ISyncFunction;
  readonly fetchMeterFunction: ISyncFunction;
  readonly fetchAllMetersFunction: ISyncFunction;
  readonly updateMeterFunction: ISyncFunction;
  readonly deleteMeterFunction: ISyncFunction;
  readonly ingestUsageEventFunction: IASyncFunction;
  readonly fetchUsageFunction: ISyncFunction;
  readonly cancelUsageEventsFunction: ISyncFunction;
  /** Records the tier a tenant starts on (`onboardingRequest`); the same function as `updateCustomerFunction`. */
  readonly createCustomerFunction: IASyncFunction;
  /** Follows tier changes (`tenantUpdated`, seed 003): usage ingested afterwards is recorded under the new tier. */
  readonly updateCustomerFunction: IASyncFunction;

  constructor(scope: Construct, id: string, props: DynamoDBMeteringProps) {
    super(scope, id);
    const p = props.namePrefix;
    const common = durableTable({ deletionProtection: props.deletionProtection, kmsKeyArn: props.kmsKeyArn });
    this.metersTable = new DynamodbTable(this, 'meters', {
      ...common,
      name: `${p}-metering-meters`,
      hashKey: 'pk',
      rangeKey: 'sk',
      attribute: [
        { name: 'pk', type: 'S' },
        { name: 'sk', type: 'S' },
      ],
    });
    this.usageTable = new DynamodbTable(this, 'usage', {
      ...common,
      name: `${p}-metering-usage`,
      hashKey: 'meterApiName',
      rangeKey: 'eventId',
      attribute: [
        { name: 'meterApiName', type: 'S' },
        { name: 'eventId', type: 'S' },
        { name: 'eventTime', type: 'N' },
      ],
      globalSecondaryIndex: [
        { name: USAGE_TIME_INDEX, hashKey: 'meterApiName', rangeKey: 'eventTime', projectionType: 'ALL' },
      ],
    });

    const meters = this.metersTable.arn;
    const usage = this.usageTable.arn;
    const fn = (
      name: string,
      description: string,
      statements: PolicyStatement[],
      memorySize?: number,
      timeout?: number,
    ) =>
      new LambdaFunction(this, name, {
        archive: `metering-${name}`,
        functionName: `${p}-metering-${name}`,
        description,
        memorySize,
        timeout,
        environment: {
          METERS_TABLE_NAME: this.metersTable.name,
          USAGE_TABLE_NAME: this.usageTable.name,
          POWERTOOLS_SERVICE_NAME: 'metering',
        },
        statements: [
          ...statements,
          ...(props.kmsKeyArn
            ? [{ actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [props.kmsKeyArn] }]
            : []),
        ],
      });
    const on = (arn: string, ...actions: string[]): PolicyStatement => ({
      actions: actions.map((a) => `dynamodb:${a}`),
      resources: [arn],
    });

    this.createMeterFunction = { handler: fn('create-meter', 'Metering: create a meter', [on(meters, 'PutItem')]) };
    this.fetchMeterFunction = { handler: fn('get-meter', 'Metering: read a meter', [on(meters, 'GetItem')]) };
    this.fetchAllMetersFunction = { handler: fn('list-meters', 'Metering: list meters', [on(meters, 'Query')]) };
    this.updateMeterFunction = {
      handler: fn('update-meter', 'Metering: update a meter', [on(meters, 'GetItem', 'PutItem', 'DeleteItem')]),
    };
    this.deleteMeterFunction = {
      handler: fn('delete-meter', 'Metering: delete a meter', [on(meters, 'GetItem', 'DeleteItem')]),
    };
    this.ingestUsageEventFunction = {
      handler: fn('ingest-usage', 'Metering: record an ingestUsage event once', [
        on(meters, 'GetItem'),
        on(usage, 'PutItem'),
      ]),
    };
    this.fetchUsageFunction = {
      handler: fn(
        'get-usage',
        'Metering: exact usage totals by tenant and period',
        [
          on(meters, 'GetItem', 'Query'),
          { actions: ['dynamodb:Query'], resources: [`${usage}/index/${USAGE_TIME_INDEX}`] },
        ],
        props.fetchUsageMemorySize ?? 512,
        28, // reads the window's events; just under API Gateway's 29 s integration limit
      ),
    };
    const tenantPlan = fn(
      'tenant-plan',
      "Metering: keep each tenant's current tier (onboardingRequest, tenantUpdated)",
      [on(meters, 'UpdateItem')],
    );
    this.createCustomerFunction = { handler: tenantPlan };
    this.updateCustomerFunction = { handler: tenantPlan };
    this.cancelUsageEventsFunction = {
      handler: fn('cancel-usage', 'Metering: cancel usage ingested in a time range', [
        on(meters, 'GetItem', 'PutItem'),
      ]),
    };
  }
}
