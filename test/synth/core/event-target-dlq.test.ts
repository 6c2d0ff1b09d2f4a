// No event is dropped silently: every aws_cloudwatch_event_target of every stack of the reference app
// (and of the cross-account variants) has a dead-letter queue and an explicit retry policy (event-bus
// targets excepted: EventBridge takes no retry policy for them, only a DLQ). The shared DLQ is
// encrypted, admits exactly the stack's rules, and has an alarm.
import { ApplicationPlaneStack } from '../../../src/application-plane/application-plane-stack';
import { ControlPlaneStack } from '../../../src/control-plane/control-plane-stack';
import type { App } from '../../../src/core/cdktf';
import { buildReferenceApp } from '../../../src/reference-app';
import { resourcesOf, synthStack, testApp, type StackJson } from '../../support/synth';
import { validateConfiguration } from '../../../tools/validate';

const AP_BUS = 'arn:aws:events:us-east-1:222222222222:event-bus/acme-app-plane-events';
const CP_BUS = 'arn:aws:events:us-east-1:111111111111:event-bus/acme-sbt-events';

function stacks(): [string, StackJson][] {
  const app = testApp() as App;
  const ref = buildReferenceApp(app, 'root');
  return [
    ['control-plane', synthStack(ref.controlPlane)],
    ['application-plane', synthStack(ref.applicationPlane)],
    ['marketplace', synthStack(ref.marketplace)],
    [
      'control-plane (cross-account)',
      synthStack(new ControlPlaneStack(testApp(), 'cp', { applicationPlaneEventBusArns: [AP_BUS] })),
    ],
    [
      'application-plane (cross-account)',
      synthStack(new ApplicationPlaneStack(testApp(), 'ap', { eventBusArn: CP_BUS, crossAccount: true })),
    ],
  ];
}

const all = stacks();

test.each(all)('%s: every event target has a DLQ and a retry policy', (_name, json) => {
  const targets = Object.entries(resourcesOf(json, 'aws_cloudwatch_event_target'));
  expect(targets.length).toBeGreaterThan(0);
  const missing: string[] = [];
  for (const [logical, t] of targets) {
    const dlq = (t.dead_letter_config as { arn?: string } | undefined)?.arn;
    if (!dlq) missing.push(`${logical}: no dead_letter_config`);
    const isBus = /:event-bus\/|aws_cloudwatch_event_bus\.|var\.event_bus_arn/.test(String(t.arn));
    const retry = t.retry_policy as
      | { maximum_retry_attempts?: number; maximum_event_age_in_seconds?: number }
      | undefined;
    if (!isBus && (retry?.maximum_retry_attempts === undefined || retry?.maximum_event_age_in_seconds === undefined)) {
      missing.push(`${logical}: no retry_policy`);
    }
  }
  expect(missing).toEqual([]);
});

test.each(all)(
  '%s: the shared DLQ is encrypted, admits exactly the stack rules that use it, and alarms',
  (_name, json) => {
    const queues = resourcesOf(json, 'aws_sqs_queue');
    // the shared queue, found by its name (addresses are role-named and may change)
    const shared = Object.entries(queues).filter(([, q]) => String(q.name_prefix).includes('-events-dlq-'));
    expect(shared).toHaveLength(1);
    const [logical, q] = shared[0];
    const targets = Object.values(resourcesOf(json, 'aws_cloudwatch_event_target'));
    const usingShared = targets.filter(
      (t) => String((t.dead_letter_config as { arn: string }).arn) === `\${aws_sqs_queue.${logical}.arn}`,
    );
    expect(usingShared.length).toBeGreaterThan(0);
    expect(q.sqs_managed_sse_enabled).toBe(true);
    expect(q.message_retention_seconds).toBe(1209600);
    const [policy] = Object.values(resourcesOf(json, 'aws_sqs_queue_policy')).filter(
      (p) => p.queue_url === `\${aws_sqs_queue.${logical}.url}`,
    );
    const text = String(policy.policy);
    // every rule whose target uses it is named in the policy's aws:SourceArn condition
    for (const t of usingShared) {
      const rule = /\$\{aws_cloudwatch_event_rule\.([^.]+)\.name\}/.exec(String(t.rule))![1];
      expect(text).toContain(`aws_cloudwatch_event_rule.${rule}.arn`);
    }
    const alarms = Object.values(resourcesOf(json, 'aws_cloudwatch_metric_alarm')).filter((a) =>
      JSON.stringify(a.dimensions ?? {}).includes(`aws_sqs_queue.${logical}.name`),
    );
    expect(alarms).toHaveLength(1);
    expect(alarms[0]).toMatchObject({
      namespace: 'AWS/SQS',
      metric_name: 'ApproximateNumberOfMessagesVisible',
      threshold: 1,
    });
  },
);

test('the stacks with DLQs still pass the configuration checks (self-contained stacks: no cross-stack references)', async () => {
  for (const [name, json] of [all[0], all[3], all[4]]) {
    expect([name, await validateConfiguration([{ file: name, doc: json }], { kind: 'stack' })]).toEqual([name, []]);
  }
});
