import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import {
  CloudwatchMetricAlarm,
  type CloudwatchMetricAlarmConfig,
} from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import type { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { keyedTable } from '../core/durable-table';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { Construct } from '../core/cdktf';
import { LambdaTarget } from '../core/event-targets';
import type { PolicyStatement } from '../core/iam';
import { LambdaFunction } from '../core/lambda-function';

export interface MarketplaceMeteringProps {
  readonly namePrefix: string;
  /** Product code (legacy CustomerIdentifier records are sent with it). */
  readonly productCode: string;
  /** When the job runs. @default 'cron(15 * * * ? *)' — hourly, a quarter past, after the previous hour closed */
  readonly scheduleExpression?: string;
  /** Minutes after an hour ends before its usage is final and sent. @default 10 */
  readonly closeDelayMinutes?: number | string;
  /** BatchMeterUsage requests per second (quota 10). @default 9.8 */
  readonly maxRequestsPerSecond?: number | string;
  /** Alarm when unsent usage is this close to its cutoff (24 h / month-end 06:00 UTC). @default 43200 (12 h) */
  readonly alarmSecondsBeforeCutoff?: number;
  /** Alarm actions (SNS topic ARNs…). @default none */
  readonly alarmActions?: string[];
  readonly deletionProtection?: boolean | string;
  /** Days processed usage records and finished ledger items are kept (DynamoDB TTL). @default 400 */
  readonly retentionDays?: number;
  /**
   * The subscribers table: usage is billed to the subscriber's canonical identity (no second record across the
   * ProductCode → LicenseArn migration) and never timestamped before the licence start. @default no lookup
   */
  readonly subscribersTable?: { readonly name: string; readonly arn: string };
}

/**
 * Usage records table (written by the seller's application), the billing ledger (one item per billed record:
 * claim/lease and outcome), the hourly job, its DLQ and the alarms that fire *before* usage can no longer be billed.
 * Usage record (one per event; `recordId` unique per customer so a retried write is idempotent):
 * `{ customerKey, recordId, dimension, quantity, timestamp, pending: "true", licenseArn + customerAWSAccountId | customerIdentifier }`.
 */
export class MarketplaceMetering extends Construct {
  static readonly PENDING_INDEX = 'pendingIndex';
  static readonly OPEN_INDEX = 'openIndex';
  readonly usageTable: DynamodbTable;
  readonly ledgerTable: DynamodbTable;
  readonly dlq: SqsQueue;
  readonly job: LambdaFunction;
  readonly schedule: CloudwatchEventRule;
  readonly alarms: CloudwatchMetricAlarm[] = [];
  /** What a function running the metering code needs (the notification consumer's final-usage flush uses it too). */
  readonly environment: Record<string, string>;
  readonly statements: PolicyStatement[];

  constructor(scope: Construct, id: string, props: MarketplaceMeteringProps) {
    super(scope, id);
    const p = props.namePrefix;
    // Both tables: items expire (TTL), and a sparse index holds what is still to be done.
    const durable = { deletionProtection: props.deletionProtection };
    const expiring = { ttl: { attributeName: 'expiresAt', enabled: true } };
    this.usageTable = keyedTable(
      this,
      'usage',
      { ...durable, name: `${p}-marketplace-usage` },
      {
        ...expiring,
        hashKey: 'customerKey',
        rangeKey: 'recordId',
        // Sparse: only records still to be aggregated carry `pending`.
        globalSecondaryIndex: [{ name: MarketplaceMetering.PENDING_INDEX, hashKey: 'pending', projectionType: 'ALL' }],
      },
    );
    this.ledgerTable = keyedTable(
      this,
      'ledger',
      { ...durable, name: `${p}-marketplace-metering-ledger` },
      {
        ...expiring,
        hashKey: 'bucketId',
        numberKeys: ['hourMs'],
        // Sparse: buckets not yet terminal (OPEN or SENDING), ordered by usage hour.
        globalSecondaryIndex: [
          { name: MarketplaceMetering.OPEN_INDEX, hashKey: 'open', rangeKey: 'hourMs', projectionType: 'ALL' },
        ],
      },
    );
    this.dlq = new SqsQueue(this, 'dlq', {
      name: `${p}-marketplace-metering-dlq`,
      messageRetentionSeconds: 1209600,
      sqsManagedSseEnabled: true,
    });

    const statements: PolicyStatement[] = [
      {
        actions: ['dynamodb:Query'],
        resources: [
          `${this.usageTable.arn}/index/${MarketplaceMetering.PENDING_INDEX}`,
          `${this.ledgerTable.arn}/index/${MarketplaceMetering.OPEN_INDEX}`,
        ],
      },
      // TransactWriteItems is authorised per item action (UpdateItem on both tables).
      { actions: ['dynamodb:UpdateItem'], resources: [this.usageTable.arn, this.ledgerTable.arn] },
      { actions: ['dynamodb:GetItem'], resources: [this.ledgerTable.arn] },
      ...(props.subscribersTable
        ? [
            {
              actions: ['dynamodb:GetItem', 'dynamodb:Query'],
              resources: [props.subscribersTable.arn, `${props.subscribersTable.arn}/index/customerIdentifierIndex`],
            },
          ]
        : []),
      { actions: ['aws-marketplace:BatchMeterUsage'], resources: ['*'] },
      { actions: ['sqs:SendMessage'], resources: [this.dlq.arn] },
    ];
    this.statements = statements;
    this.environment = {
      USAGE_TABLE_NAME: this.usageTable.name,
      LEDGER_TABLE_NAME: this.ledgerTable.name,
      METERING_DLQ_URL: this.dlq.url,
      METERING_MAX_TPS: String(props.maxRequestsPerSecond ?? 9.8),
      CLOSE_DELAY_MINUTES: String(props.closeDelayMinutes ?? 10),
      RETENTION_DAYS: String(props.retentionDays ?? 400),
      ...(props.subscribersTable ? { SUBSCRIBERS_TABLE_NAME: props.subscribersTable.name } : {}),
    };
    this.job = new LambdaFunction(this, 'job', {
      archive: 'marketplace-metering-job',
      functionName: `${p}-marketplace-metering`,
      description: 'Hourly AWS Marketplace metering (BatchMeterUsage)',
      timeout: 900,
      memorySize: 512,
      // One run at a time; the ledger's claims make overlapping runs safe anyway.
      reservedConcurrentExecutions: 1,
      maximumRetryAttempts: 0,
      environment: {
        PRODUCT_CODE: props.productCode,
        ...this.environment,
        MARKETPLACE_REGION: 'us-east-1',
        POWERTOOLS_SERVICE_NAME: 'marketplace-metering',
      },
      statements,
    });
    this.schedule = new CloudwatchEventRule(this, 'schedule', {
      name: `${p}-marketplace-metering`,
      description: 'Hourly AWS Marketplace metering run',
      scheduleExpression: props.scheduleExpression ?? 'cron(15 * * * ? *)',
    });
    new LambdaTarget(this.job, { maximumRetryAttempts: 0 }).bind(this.schedule, 'schedule-target', this.schedule);

    const actions = props.alarmActions ?? [];
    /**
     * Alarm `<id>-alarm` named `<prefix>-marketplace-metering-<name>` on `metric`; by default it fires on any
     * occurrence within an hour (a Sum above 0), `rule` says otherwise.
     */
    const alarm = (
      id: string,
      name: string,
      alarmDescription: string,
      metric: Pick<CloudwatchMetricAlarmConfig, 'namespace' | 'metricName' | 'dimensions'>,
      rule: Partial<CloudwatchMetricAlarmConfig> = {},
    ) =>
      new CloudwatchMetricAlarm(this, `${id}-alarm`, {
        alarmName: `${p}-marketplace-metering-${name}`,
        alarmDescription,
        ...metric,
        statistic: 'Sum',
        period: 3600,
        evaluationPeriods: 1,
        threshold: 0,
        comparisonOperator: 'GreaterThanThreshold',
        treatMissingData: 'notBreaching',
        alarmActions: actions,
        ...rule,
      });
    const product = { dimensions: { ProductCode: props.productCode } };
    this.alarms.push(
      alarm(
        'cutoff',
        'cutoff',
        'Usage not yet accepted by AWS Marketplace is close to its cutoff (24 h after the usage hour, or 06:00 UTC on the 1st for the previous month). Missing data means the metering job is not running.',
        { namespace: 'SBT/Marketplace', metricName: 'MeteringSecondsToCutoff', ...product },
        {
          statistic: 'Minimum',
          evaluationPeriods: 2,
          datapointsToAlarm: 1,
          threshold: props.alarmSecondsBeforeCutoff ?? 43200,
          comparisonOperator: 'LessThanThreshold',
          treatMissingData: 'breaching',
          okActions: actions,
        },
      ),
      alarm(
        'dlq',
        'dlq',
        'Usage that was not billed is in the metering DLQ: refused by AWS (CustomerNotSubscribed, DuplicateRecord, validation), past the cutoff, late (its hour was already sent), invalid, or over the hourly Quantity bound.',
        {
          namespace: 'AWS/SQS',
          metricName: 'ApproximateNumberOfMessagesVisible',
          dimensions: { QueueName: this.dlq.name },
        },
        { statistic: 'Maximum', period: 300 },
      ),
      // One alarm per kind of refused usage, so the alarm name says what happened (the DLQ alarm above says that
      // something did). Emitted by the hourly job and by the final-usage flush at cancellation.
      ...(
        [
          [
            'not-subscribed',
            'MeteringNotSubscribedRecords',
            'AWS answered CustomerNotSubscribed: usage of a buyer without an active subscription (or sent after the final window) was not billed.',
          ],
          [
            'late',
            'MeteringLateRecords',
            'Usage arrived after its hour had been sent to AWS Marketplace (late-usage policy: not billed, put on the metering DLQ).',
          ],
          [
            'duplicate',
            'MeteringDuplicateRecords',
            'AWS answered DuplicateRecord: another quantity had already been billed for that customer, dimension and hour.',
          ],
          [
            'invalid',
            'MeteringInvalidRecords',
            'Usage records that can never be billed (invalid fields, before the licence start, or over the hourly Quantity bound).',
          ],
        ] as const
      ).map(([id, metric, description]) =>
        alarm(id, id, description, { namespace: 'SBT/Marketplace', metricName: metric, ...product }),
      ),
      alarm('job-errors', 'errors', 'The metering job failed.', {
        namespace: 'AWS/Lambda',
        metricName: 'Errors',
        dimensions: { FunctionName: this.job.functionName },
      }),
    );
  }
}
