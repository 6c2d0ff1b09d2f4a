import type { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import type { Construct } from '../../core/cdktf';
import { keyedTable } from '../../core/durable-table';
import { dynamodbStatement as on, tableServiceFamily } from '../../core/function-family';
import type { PolicyStatement } from '../../core/iam';
import { CompleteMetering } from './complete-metering';

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
export class DynamoDBMetering extends CompleteMetering {
  readonly metersTable: DynamodbTable;
  readonly usageTable: DynamodbTable;

  constructor(scope: Construct, id: string, props: DynamoDBMeteringProps) {
    let tables!: { meters: DynamodbTable; usage: DynamodbTable };
    super(scope, id, (self) => {
      const p = props.namePrefix;
      const durable = { deletionProtection: props.deletionProtection, kmsKeyArn: props.kmsKeyArn };
      tables = {
        meters: keyedTable(
          self,
          'meters',
          { ...durable, name: `${p}-metering-meters` },
          { hashKey: 'pk', rangeKey: 'sk' },
        ),
        usage: keyedTable(
          self,
          'usage',
          { ...durable, name: `${p}-metering-usage` },
          {
            hashKey: 'meterApiName',
            rangeKey: 'eventId',
            numberKeys: ['eventTime'],
            globalSecondaryIndex: [
              { name: USAGE_TIME_INDEX, hashKey: 'meterApiName', rangeKey: 'eventTime', projectionType: 'ALL' },
            ],
          },
        ),
      };

      const meters = tables.meters.arn;
      const usage = tables.usage.arn;
      const fn = tableServiceFamily(self, 'metering', p, props.kmsKeyArn, {
        METERS_TABLE_NAME: tables.meters.name,
        USAGE_TABLE_NAME: tables.usage.name,
      });
      const member = (name: string, description: string, ...statements: PolicyStatement[]) => ({
        handler: fn(name, description, { statements }),
      });

      const createMeterFunction = member('create-meter', 'Metering: create a meter', on(meters, 'PutItem'));
      const fetchMeterFunction = member('get-meter', 'Metering: read a meter', on(meters, 'GetItem'));
      const fetchAllMetersFunction = member('list-meters', 'Metering: list meters', on(meters, 'Query'));
      const updateMeterFunction = member(
        'update-meter',
        'Metering: update a meter',
        on(meters, 'GetItem', 'PutItem', 'DeleteItem'),
      );
      const deleteMeterFunction = member(
        'delete-meter',
        'Metering: delete a meter',
        on(meters, 'GetItem', 'DeleteItem'),
      );
      const ingestUsageEventFunction = member(
        'ingest-usage',
        'Metering: record an ingestUsage event once',
        on(meters, 'GetItem'),
        on(usage, 'PutItem'),
      );
      const fetchUsageFunction = {
        handler: fn('get-usage', 'Metering: exact usage totals by tenant and period', {
          statements: [on(meters, 'GetItem', 'Query'), on(`${usage}/index/${USAGE_TIME_INDEX}`, 'Query')],
          memorySize: props.fetchUsageMemorySize ?? 512,
          timeout: 28, // reads the window's events; just under API Gateway's 29 s integration limit
        }),
      };
      // One function keeps the tier: onboarding records the first, tenantUpdated the next ones.
      const tenantPlan = member(
        'tenant-plan',
        "Metering: keep each tenant's current tier (onboardingRequest, tenantUpdated)",
        on(meters, 'UpdateItem'),
      );
      const cancelUsageEventsFunction = member(
        'cancel-usage',
        'Metering: cancel usage ingested in a time range',
        on(meters, 'GetItem', 'PutItem'),
      );
      return {
        createMeterFunction,
        fetchMeterFunction,
        fetchAllMetersFunction,
        updateMeterFunction,
        deleteMeterFunction,
        ingestUsageEventFunction,
        fetchUsageFunction,
        createCustomerFunction: tenantPlan,
        updateCustomerFunction: tenantPlan,
        cancelUsageEventsFunction,
      };
    });
    this.metersTable = tables.meters;
    this.usageTable = tables.usage;
  }
}
