import { CloudwatchEventBus } from '@cdktf/provider-aws/lib/cloudwatch-event-bus';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { LambdaEventSourceMapping } from '@cdktf/provider-aws/lib/lambda-event-source-mapping';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { SqsQueuePolicy } from '@cdktf/provider-aws/lib/sqs-queue-policy';
import { Construct, Fn, type TerraformProvider } from '../core/cdktf';
import { sqsAllowEventBridgeStatement } from '../core/event-targets';
import { ServiceRole } from '../core/iam';
import type { LambdaFunction } from '../core/lambda-function';

/** The Concurrent-Agreement events of a SaaS listing (reference §3.8), matched by prefix. */
export const AGREEMENT_EVENT_PATTERN = {
  source: ['aws.agreement-marketplace'],
  'detail-type': [
    { prefix: 'Purchase Agreement ' },
    { prefix: 'License Updated' },
    { prefix: 'License Deprovisioned' },
  ],
};

/**
 * The rules' pattern for one product: agreement events carry no product code (reference §3.8), so they
 * all pass; licence events only with `detail.product.code` = ours. The seller's default bus carries the
 * events of every listing it owns: without the filter another product's License Updated reaches our queue
 * and only the handler's check stands between it and a granted subscription.
 */
export function agreementEventPattern(productCode: string): Record<string, unknown> {
  return {
    source: AGREEMENT_EVENT_PATTERN.source,
    $or: [
      { 'detail-type': [{ prefix: 'Purchase Agreement ' }] },
      {
        'detail-type': [{ prefix: 'License Updated' }, { prefix: 'License Deprovisioned' }],
        detail: { product: { code: [productCode] } },
      },
    ],
  };
}

export interface NotificationIngestProps {
  /** Prefix for names. */
  readonly namePrefix: string;
  /** The listing's product code: the EventBridge rules pass licence events of this product only. */
  readonly productCode: string;
  /** The consumer (lambda/marketplace/notifications.ts). */
  readonly consumer: LambdaFunction;
  /** Provider aliased to us-east-1: Marketplace publishes events and SNS topics only there. */
  readonly usEast1Provider: TerraformProvider;
  /** EventBridge Concurrent-Agreement events (default bus, us-east-1). @default true */
  readonly eventBridge?: boolean;
  /** Legacy SNS topic ARNs to subscribe (subscription and/or entitlement topic). @default none */
  readonly snsTopicArns?: string[];
  /** Receives before a message goes to the DLQ. @default 5 */
  readonly maxReceiveCount?: number;
}

/**
 * Notifications → SQS (+DLQ) → consumer with partial batch responses.
 * EventBridge path: a rule on the us-east-1 **default** bus (source `aws.agreement-marketplace`) forwards to a bus
 * of ours in the deployment region, whose rule targets the queue. The hop exists because a rule can only target
 * an SQS queue in its own region, and a Lambda can only consume a queue in its own region: with it the stack works
 * in any region (in us-east-1 too: our bus is not the default bus, so there is no loop). Undeliverable forwards go to
 * a us-east-1 DLQ; undeliverable queue deliveries and poison messages to the notification DLQ.
 * SNS path (legacy): SQS subscriptions to the Marketplace topics, created through the us-east-1 provider (the
 * topic's region); the SNS envelope is kept (no raw delivery) because its Timestamp orders the messages.
 */
export class NotificationIngest extends Construct {
  readonly queue: SqsQueue;
  readonly dlq: SqsQueue;
  readonly bus?: CloudwatchEventBus;
  readonly forwardDlq?: SqsQueue;

  constructor(scope: Construct, id: string, props: NotificationIngestProps) {
    super(scope, id);
    const p = props.namePrefix;
    this.dlq = new SqsQueue(this, 'dlq', {
      name: `${p}-marketplace-notifications-dlq`,
      messageRetentionSeconds: 1209600,
      sqsManagedSseEnabled: true,
    });
    this.queue = new SqsQueue(this, 'queue', {
      name: `${p}-marketplace-notifications`,
      // ≥ 6 × the consumer timeout (60 s; AWS guidance for Lambda event sources).
      visibilityTimeoutSeconds: 360,
      messageRetentionSeconds: 1209600,
      sqsManagedSseEnabled: true,
      redrivePolicy: Fn.jsonencode({ deadLetterTargetArn: this.dlq.arn, maxReceiveCount: props.maxReceiveCount ?? 5 }),
    });
    const statements: Record<string, unknown>[] = [];

    if (props.eventBridge ?? true) {
      this.bus = new CloudwatchEventBus(this, 'bus', { name: `${p}-marketplace-agreements` });
      const local = new CloudwatchEventRule(this, 'agreements-rule', {
        eventBusName: this.bus.name,
        name: `${p}-marketplace-agreements`,
        description: 'AWS Marketplace agreement and licence events → notification queue',
        eventPattern: JSON.stringify(agreementEventPattern(props.productCode)),
      });
      new CloudwatchEventTarget(this, 'agreements-to-queue', {
        rule: local.name,
        eventBusName: this.bus.name,
        arn: this.queue.arn,
        deadLetterConfig: { arn: this.dlq.arn },
        retryPolicy: { maximumRetryAttempts: 185, maximumEventAgeInSeconds: 86400 },
      });
      // Rule → DLQ deliveries (events that could not reach the queue) need SendMessage on the DLQ too.
      new SqsQueuePolicy(this, 'dlq-policy', {
        queueUrl: this.dlq.url,
        policy: Fn.jsonencode({
          Version: '2012-10-17',
          Statement: [sqsAllowEventBridgeStatement(this.dlq.arn, local.arn, 'AllowRuleDeadLetters')],
        }),
      });
      statements.push(sqsAllowEventBridgeStatement(this.queue.arn, local.arn, 'AllowAgreementRule'));

      // us-east-1: the default bus, where Marketplace delivers.
      const usEast1 = props.usEast1Provider;
      this.forwardDlq = new SqsQueue(this, 'forward-dlq', {
        provider: usEast1,
        name: `${p}-marketplace-forward-dlq`,
        messageRetentionSeconds: 1209600,
        sqsManagedSseEnabled: true,
      });
      const source = new CloudwatchEventRule(this, 'marketplace-rule', {
        provider: usEast1,
        eventBusName: 'default',
        name: `${p}-marketplace-agreements-forward`,
        description: 'AWS Marketplace Concurrent-Agreement events (us-east-1 default bus) → marketplace bus',
        eventPattern: JSON.stringify(agreementEventPattern(props.productCode)),
      });
      const role = new ServiceRole(this, 'forward-role', {
        name: `${p}-marketplace-forward`,
        servicePrincipal: 'events.amazonaws.com',
        statements: [{ actions: ['events:PutEvents'], resources: [this.bus.arn] }],
      });
      new CloudwatchEventTarget(this, 'forward', {
        provider: usEast1,
        rule: source.name,
        eventBusName: 'default',
        arn: this.bus.arn,
        roleArn: role.roleArn,
        deadLetterConfig: { arn: this.forwardDlq.arn },
      });
      new SqsQueuePolicy(this, 'forward-dlq-policy', {
        provider: usEast1,
        queueUrl: this.forwardDlq.url,
        policy: Fn.jsonencode({
          Version: '2012-10-17',
          Statement: [sqsAllowEventBridgeStatement(this.forwardDlq.arn, source.arn, 'AllowForwardRuleDeadLetters')],
        }),
      });
    }

    const topics = props.snsTopicArns ?? [];
    topics.forEach((topicArn, i) => {
      new SnsTopicSubscription(this, `sns-subscription-${i}`, {
        provider: props.usEast1Provider,
        topicArn,
        protocol: 'sqs',
        endpoint: this.queue.arn,
        rawMessageDelivery: false,
      });
    });
    if (topics.length) {
      statements.push({
        Sid: 'AllowMarketplaceTopics',
        Effect: 'Allow',
        Principal: { Service: 'sns.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: this.queue.arn,
        Condition: { ArnEquals: { 'aws:SourceArn': topics } },
      });
    }
    if (statements.length) {
      new SqsQueuePolicy(this, 'queue-policy', {
        queueUrl: this.queue.url,
        policy: Fn.jsonencode({ Version: '2012-10-17', Statement: statements }),
      });
    }

    props.consumer.addToRolePolicy({
      actions: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ChangeMessageVisibility'],
      resources: [this.queue.arn],
    });
    new LambdaEventSourceMapping(this, 'consumer', {
      eventSourceArn: this.queue.arn,
      functionName: props.consumer.functionName,
      batchSize: 10,
      maximumBatchingWindowInSeconds: 1,
      functionResponseTypes: ['ReportBatchItemFailures'],
    });
  }
}
