import type { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { SqsQueuePolicy } from '@cdktf/provider-aws/lib/sqs-queue-policy';
import { Construct, Fn, Lazy, TerraformStack } from './cdktf';
import { tolerateSwitchedReferences } from './feature-switch';
import { ServiceRole } from './iam';
import type { LambdaFunction } from './lambda-function';

/** Something an EventBridge rule can deliver to. `bind` creates the target (and permissions) in `scope`. */
export interface IEventTarget {
  bind(scope: Construct, id: string, rule: CloudwatchEventRule): void;
}

/** Delivery options shared by all targets. */
export interface EventTargetOptions {
  /** JSONPath of the part of the event to deliver (e.g. `$.detail`). @default the whole event */
  readonly inputPath?: string;
  /** Retries EventBridge makes before giving up (0-185). @default 185 (EventBridge's default, now explicit) */
  readonly maximumRetryAttempts?: number;
  /** How long EventBridge keeps retrying, in seconds (60-86400). @default 86400 (24 h, EventBridge's default) */
  readonly maximumEventAgeInSeconds?: number;
  /**
   * SQS queue ARN for events EventBridge could not deliver after its retries. @default the stack's shared
   * encrypted dead-letter queue (`EventTargetDeadLetterQueue`), with an alarm — never dropped silently
   */
  readonly deadLetterQueueArn?: string;
}

/**
 * The stack-wide dead-letter queue of event targets: every target without its own DLQ delivers here
 * what it could not deliver after its retries, so no event is dropped silently (EventBridge otherwise
 * only counts it in FailedInvocations). SSE-SQS encrypted, 14 days retention, a queue policy that lets
 * exactly the stack's rules send, and an alarm as soon as one message is waiting.
 */
export class EventTargetDeadLetterQueue extends Construct {
  private static readonly perStack = new WeakMap<TerraformStack, EventTargetDeadLetterQueue>();

  /** The DLQ of `scope`'s stack (created on first use). */
  static of(scope: Construct): EventTargetDeadLetterQueue {
    const stack = TerraformStack.of(scope);
    let dlq = EventTargetDeadLetterQueue.perStack.get(stack);
    if (!dlq) {
      dlq = new EventTargetDeadLetterQueue(stack, 'event-target-dlq');
      EventTargetDeadLetterQueue.perStack.set(stack, dlq);
    }
    return dlq;
  }

  readonly queue: SqsQueue;
  /** Alarm: at least one undelivered event is waiting (ApproximateNumberOfMessagesVisible ≥ 1). */
  readonly alarm: CloudwatchMetricAlarm;
  private readonly ruleArns: string[] = [];

  private constructor(scope: Construct, id: string) {
    super(scope, id);
    const prefix = (scope as { namePrefix?: string }).namePrefix;
    const stackId = scope.node.id.replace(/[^A-Za-z0-9-]/g, '-').slice(0, 30);
    this.queue = new SqsQueue(this, 'queue', {
      // name_prefix: two stacks (or installs) in one account never collide
      namePrefix: `${prefix ? `${prefix}-` : ''}${stackId}-events-dlq-`,
      messageRetentionSeconds: 1209600,
      sqsManagedSseEnabled: true,
    });
    const policy = new SqsQueuePolicy(this, 'policy', {
      queueUrl: this.queue.url,
      // Produced at synth time, when every rule of the stack has been bound.
      policy: Lazy.stringValue({
        produce: () =>
          Fn.jsonencode({
            Version: '2012-10-17',
            Statement: [
              {
                Sid: 'AllowEventBridgeRulesOfThisStack',
                Effect: 'Allow',
                Principal: { Service: 'events.amazonaws.com' },
                Action: 'sqs:SendMessage',
                Resource: this.queue.arn,
                // compact: a rule behind a feature switch that is off reads as null here (see feature-switch.ts).
                Condition: { ArnEquals: { 'aws:SourceArn': Fn.compact([...this.ruleArns]) } },
              },
            ],
          }),
      }),
    });
    // It lists every rule of the stack: a switched-off rule leaves the list, it does not take the policy along.
    tolerateSwitchedReferences(policy);
    this.alarm = new CloudwatchMetricAlarm(this, 'alarm', {
      alarmName: `${prefix ? `${prefix}-` : ''}${stackId}-undelivered-events`,
      alarmDescription:
        'EventBridge could not deliver an event to its target after all retries; it waits in this dead-letter queue (the message attributes ERROR_CODE / ERROR_MESSAGE / RULE_ARN / TARGET_ARN say why). Fix the target, then redrive.',
      namespace: 'AWS/SQS',
      metricName: 'ApproximateNumberOfMessagesVisible',
      dimensions: { QueueName: this.queue.name },
      statistic: 'Maximum',
      period: 300,
      evaluationPeriods: 1,
      threshold: 1,
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      treatMissingData: 'notBreaching',
    });
  }

  /** Lets `rule` send to the queue. */
  allow(rule: CloudwatchEventRule): void {
    this.ruleArns.push(rule.arn);
  }
}

function common(scope: Construct, rule: CloudwatchEventRule, o: EventTargetOptions, retry = true) {
  let dlq = o.deadLetterQueueArn;
  if (!dlq) {
    const shared = EventTargetDeadLetterQueue.of(scope);
    shared.allow(rule);
    dlq = shared.queue.arn;
  }
  return {
    rule: rule.name,
    eventBusName: rule.eventBusName,
    inputPath: o.inputPath,
    retryPolicy: retry
      ? {
          maximumRetryAttempts: o.maximumRetryAttempts ?? 185,
          maximumEventAgeInSeconds: o.maximumEventAgeInSeconds ?? 86400,
        }
      : undefined,
    deadLetterConfig: { arn: dlq },
  };
}

/** Permissions LambdaTarget created: function → permission id → rule. */
const invokeGrants = new WeakMap<object, Map<string, CloudwatchEventRule>>();

/** Invokes a Lambda function; adds the lambda:InvokeFunction permission scoped to the rule. */
export class LambdaTarget implements IEventTarget {
  constructor(
    readonly fn: LambdaFunction,
    readonly options: EventTargetOptions = {},
  ) {}
  bind(scope: Construct, id: string, rule: CloudwatchEventRule): void {
    new CloudwatchEventTarget(scope, id, { ...common(scope, rule, this.options), arn: this.fn.functionArn });
    // The permission lives beside the function, named after the rule: one per (function, rule), even when
    // SBT-style code adds the same function to one rule twice; a same-named rule elsewhere gets its scope in the id.
    const granted = invokeGrants.get(this.fn) ?? new Map<string, CloudwatchEventRule>();
    invokeGrants.set(this.fn, granted);
    let permissionId = `invoke-from-${rule.node.id}`;
    if (granted.get(permissionId) === rule) return;
    if (granted.has(permissionId)) permissionId = `invoke-from-${rule.node.scope?.node.id}-${rule.node.id}`;
    if (granted.get(permissionId) === rule) return;
    granted.set(permissionId, rule);
    this.fn.allowInvokeFrom(permissionId, 'events.amazonaws.com', rule.arn);
  }
}

/**
 * Sends to an SQS queue. The queue's policy must allow events.amazonaws.com to SendMessage (a queue has
 * one policy, so its owner writes it — see `sqsAllowEventBridgeStatement`).
 */
export class SqsTarget implements IEventTarget {
  constructor(
    readonly queueArn: string,
    readonly options: EventTargetOptions & { messageGroupId?: string } = {},
  ) {}
  bind(scope: Construct, id: string, rule: CloudwatchEventRule): void {
    new CloudwatchEventTarget(scope, id, {
      ...common(scope, rule, this.options),
      arn: this.queueArn,
      sqsTarget: this.options.messageGroupId ? { messageGroupId: this.options.messageGroupId } : undefined,
    });
  }
}

/** Queue-policy statement (JSON object) letting the given rule(s) send to a queue (rule targets, rule dead letters). */
export function sqsAllowEventBridgeStatement(
  queueArn: string,
  ruleArns: string | string[],
  sid = 'AllowEventBridgeRules',
) {
  return {
    Sid: sid,
    Effect: 'Allow',
    Principal: { Service: 'events.amazonaws.com' },
    Action: 'sqs:SendMessage',
    Resource: queueArn,
    Condition: { ArnEquals: { 'aws:SourceArn': ruleArns } },
  };
}

/** Starts a Step Functions execution; creates a role EventBridge assumes, allowed only StartExecution. */
export class StepFunctionsTarget implements IEventTarget {
  constructor(
    readonly stateMachineArn: string,
    readonly options: EventTargetOptions & { roleName: string },
  ) {}
  bind(scope: Construct, id: string, rule: CloudwatchEventRule): void {
    const role = new ServiceRole(scope, `${id}-role`, {
      name: this.options.roleName,
      servicePrincipal: 'events.amazonaws.com',
      statements: [{ actions: ['states:StartExecution'], resources: [this.stateMachineArn] }],
      // Only this rule may use the role (no confused deputy through another rule in the account).
      trustConditions: [{ test: 'ArnEquals', variable: 'aws:SourceArn', values: [rule.arn] }],
    });
    new CloudwatchEventTarget(scope, id, {
      ...common(scope, rule, this.options),
      arn: this.stateMachineArn,
      roleArn: role.roleArn,
    });
  }
}

/**
 * Forwards to another event bus — typically in another AWS account (an application plane per account,
 * SBT #45/#46). The receiving bus's policy must let this account put events (EventManager
 * `allowPutEventsFromAccounts` on that side). Give one `role` to share it among several rules.
 */
export class EventBusTarget implements IEventTarget {
  constructor(
    readonly busArn: string,
    readonly options: EventTargetOptions & { role?: ServiceRole; roleName?: string },
  ) {
    if (!options.role && !options.roleName) throw new Error('EventBusTarget needs a role or a roleName');
  }
  bind(scope: Construct, id: string, rule: CloudwatchEventRule): void {
    const role =
      this.options.role ??
      new ServiceRole(scope, `${id}-role`, {
        name: this.options.roleName!,
        servicePrincipal: 'events.amazonaws.com',
        statements: [{ actions: ['events:PutEvents'], resources: [this.busArn] }],
        trustConditions: [{ test: 'ArnEquals', variable: 'aws:SourceArn', values: [rule.arn] }],
      });
    // EventBridge takes no retry policy for event-bus targets (it retries them itself); a DLQ it does take.
    new CloudwatchEventTarget(scope, id, {
      ...common(scope, rule, this.options, false),
      arn: this.busArn,
      roleArn: role.roleArn,
    });
  }
}
