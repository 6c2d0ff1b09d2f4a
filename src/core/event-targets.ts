import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { Construct } from './cdktf';
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
  /** Retries EventBridge makes before giving up. @default 185 (EventBridge default) */
  readonly maximumRetryAttempts?: number;
  /** SQS queue ARN for events EventBridge could not deliver. @default none (they are dropped after retries) */
  readonly deadLetterQueueArn?: string;
}

function common(rule: CloudwatchEventRule, o: EventTargetOptions) {
  return {
    rule: rule.name,
    eventBusName: rule.eventBusName,
    inputPath: o.inputPath,
    retryPolicy: o.maximumRetryAttempts !== undefined ? { maximumRetryAttempts: o.maximumRetryAttempts } : undefined,
    deadLetterConfig: o.deadLetterQueueArn ? { arn: o.deadLetterQueueArn } : undefined,
  };
}

/** Invokes a Lambda function; adds the lambda:InvokeFunction permission scoped to the rule. */
export class LambdaTarget implements IEventTarget {
  constructor(
    readonly fn: LambdaFunction,
    readonly options: EventTargetOptions = {},
  ) {}
  bind(scope: Construct, id: string, rule: CloudwatchEventRule): void {
    new CloudwatchEventTarget(scope, id, { ...common(rule, this.options), arn: this.fn.functionArn });
    // The permission lives beside the function, named after the rule (a function has one permission per rule).
    this.fn.allowInvokeFrom(`invoke-from-${rule.node.id}`, 'events.amazonaws.com', rule.arn);
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
      ...common(rule, this.options),
      arn: this.queueArn,
      sqsTarget: this.options.messageGroupId ? { messageGroupId: this.options.messageGroupId } : undefined,
    });
  }
}

/** Queue-policy statement (JSON object) letting the given rules send to a queue. */
export function sqsAllowEventBridgeStatement(queueArn: string, ruleArns: string[]) {
  return {
    Sid: 'AllowEventBridgeRules',
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
    new CloudwatchEventTarget(scope, id, { ...common(rule, this.options), arn: this.stateMachineArn, roleArn: role.roleArn });
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
    new CloudwatchEventTarget(scope, id, { ...common(rule, this.options), arn: this.busArn, roleArn: role.roleArn });
  }
}
