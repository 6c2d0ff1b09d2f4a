import { LambdaFunction } from '../../../src/core/lambda-function';
import { EventManager } from '../../../src/core/event-manager';
import { LambdaTarget, SqsTarget, StepFunctionsTarget } from '../../../src/core/event-targets';
import { SBT_EVENT_KEYS, type SbtEventKey } from '../../../src/contracts/event-catalog';
import { SbtStack } from '../../../src/core/sbt-stack';
import { resourcesOf, synthStack, testApp } from '../../support/synth';

/** How `em` emits each of `keys`: `<source> <detail-type>`. */
const emitted = (em: EventManager, ...keys: SbtEventKey[]) =>
  keys.map((k) => `${em.events[k].source} ${em.events[k].detailType}`);

const fn = (stack: SbtStack, id = 'fn') =>
  new LambdaFunction(stack, id, { archive: 'tenant-config-get', functionName: stack.name(id) });

test('the 21 SBT events plus tenantUpdated, with SBT detail-types and sources', () => {
  const stack = new SbtStack(testApp(), 's');
  const em = new EventManager(stack, 'em', { busName: 'bus' });
  expect(SBT_EVENT_KEYS).toHaveLength(22);
  expect(emitted(em, 'onboardingRequest', 'provisionSuccess', 'ingestUsage', 'tenantUpdated')).toEqual([
    'sbt.control.plane sbt_aws_onboardingRequest',
    'sbt.application.plane sbt_aws_provisionSuccess',
    'sbt.application.plane sbt_aws_ingestUsage',
    'sbt.control.plane sbt_aws_tenantUpdated',
  ]);
});

test('source overrides and custom events; duplicates throw as in SBT', () => {
  const stack = new SbtStack(testApp(), 's');
  const em = new EventManager(stack, 'em', {
    busName: 'bus',
    controlPlaneEventSource: 'my.cp',
    sourceOverrides: { onboardingRequest: 'x.y' },
  });
  expect(em.events.onboardingRequest.source).toBe('x.y');
  expect(em.events.offboardingRequest.source).toBe('my.cp');
  const custom = em.createCustomEvent('somethingHappened', 'my.app');
  expect(em.customEvents.get('somethingHappened')).toBe(custom);
  expect(() => em.createCustomEvent('somethingHappened', 'my.app')).toThrow(
    "Event with detail type 'somethingHappened' and source 'my.app' already exists",
  );
  expect(em.handlerEnvironment()).toMatchObject({
    CONTROL_PLANE_EVENT_SOURCE: 'my.cp',
    EVENT_SOURCE_onboardingRequest: 'x.y',
  });
});

test('addTargetToEvent: one rule per event per caller scope, in the caller scope, for Lambda/SQS/Step Functions', () => {
  const app = testApp();
  const cp = new SbtStack(app, 'cp');
  const em = new EventManager(cp, 'em', { busName: 'bus' });
  const other = new SbtStack(app, 'app-plane');
  const f = fn(other);
  em.addTargetToEvent(other, { eventDefinition: em.events.onboardingRequest, target: new LambdaTarget(f) });
  em.addTargetToEvent(other, {
    eventDefinition: em.events.onboardingRequest,
    target: new SqsTarget('arn:aws:sqs:us-east-1:1:q'),
    targetId: 'queue',
  });
  // An explicit targetId is part of the resource address: a duplicate is refused, not renamed.
  expect(() =>
    em.addTargetToEvent(other, {
      eventDefinition: em.events.onboardingRequest,
      target: new SqsTarget('arn:aws:sqs:us-east-1:1:q2'),
      targetId: 'queue',
    }),
  ).toThrow(/already has a target 'queue': pass a distinct targetId/);
  em.addTargetToEvent(other, {
    eventDefinition: em.events.offboardingRequest,
    target: new StepFunctionsTarget('arn:aws:states:us-east-1:1:stateMachine:sm', { roleName: 'r' }),
  });
  const json = synthStack(other);
  const rules = Object.values(resourcesOf(json, 'aws_cloudwatch_event_rule'));
  expect(rules).toHaveLength(2);
  // Both SBT eras: ≥ 0.9 names and the pre-0.9 ones the seed's application planes use.
  expect(rules.map((r) => JSON.parse(String(r.event_pattern)))).toContainEqual({
    source: ['sbt.control.plane', 'controlPlaneEventSource'],
    'detail-type': ['sbt_aws_onboardingRequest', 'onboardingRequest'],
  });
  const targets = Object.values(resourcesOf(json, 'aws_cloudwatch_event_target'));
  expect(targets).toHaveLength(3);
  const perms = Object.values(resourcesOf(json, 'aws_lambda_permission'));
  expect(perms).toHaveLength(1);
  expect(perms[0].principal).toBe('events.amazonaws.com');
  expect(String(perms[0].source_arn)).toMatch(/aws_cloudwatch_event_rule\..+\.arn/);
  expect(resourcesOf(synthStack(cp), 'aws_cloudwatch_event_rule')).toEqual({});
  // the role EventBridge assumes to start the state machine trusts only that rule
  const trusts = Object.values(json.data?.aws_iam_policy_document ?? {}).flatMap(
    (d) => (d.statement as { actions: string[]; condition?: { variable: string; values: string[] }[] }[]) ?? [],
  );
  const eventsTrust = trusts.find((t) => t.actions.includes('sts:AssumeRole') && t.condition?.length);
  expect(eventsTrust?.condition).toEqual([
    expect.objectContaining({
      variable: 'aws:SourceArn',
      values: [expect.stringMatching(/aws_cloudwatch_event_rule\..+\.arn/)],
    }),
  ]);
});

test('grantPutEventsTo and cross-account put permission (SBT #166)', () => {
  const stack = new SbtStack(testApp(), 's');
  const em = new EventManager(stack, 'em', { busName: 'bus', allowPutEventsFromAccounts: ['111111111111'] });
  em.grantPutEventsTo(fn(stack));
  const json = synthStack(stack);
  const policy = Object.values(resourcesOf(json, 'aws_cloudwatch_event_bus_policy'))[0];
  expect(String(policy.policy)).toContain('arn:aws:iam::111111111111:root');
  const statements = Object.values(json.data?.aws_iam_policy_document ?? {}).flatMap(
    (d) => (d.statement as { actions: string[]; resources: string[] }[]) ?? [],
  );
  expect(statements).toContainEqual(
    expect.objectContaining({ actions: ['events:PutEvents'], resources: ['${aws_cloudwatch_event_bus.em.arn}'] }),
  );
});

test('adopting a bus by ARN creates no bus and targets rules at the ARN', () => {
  const stack = new SbtStack(testApp(), 's');
  const arn = 'arn:aws:events:us-east-1:123456789012:event-bus/cp-bus';
  const em = new EventManager(stack, 'em', { eventBusArn: arn });
  em.addTargetToEvent(stack, { eventDefinition: em.events.onboardingRequest, target: new LambdaTarget(fn(stack)) });
  const json = synthStack(stack);
  expect(resourcesOf(json, 'aws_cloudwatch_event_bus')).toEqual({});
  expect(Object.values(resourcesOf(json, 'aws_cloudwatch_event_rule'))[0].event_bus_name).toBe(arn);
  new EventManager(stack, 'em2', { eventBusArn: arn, allowPutEventsFromAccounts: ['1'] });
  expect(() => synthStack(stack)).toThrow(/adopted/);
});
