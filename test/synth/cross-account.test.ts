// An application plane in another AWS account: EventBridge cannot put rules on a foreign bus, so each side
// forwards to the other's bus (SBT #45/#46, #166).
import { ApplicationPlaneStack } from '../../src/application-plane/application-plane-stack';
import { ControlPlaneStack } from '../../src/control-plane/control-plane-stack';
import { validateConfiguration } from '../../tools/validate';
import { resourcesOf, synthStack, testApp, type StackJson } from './../support/synth';

const CP_BUS = 'arn:aws:events:us-east-1:111111111111:event-bus/acme-sbt-events';
const AP_BUS = 'arn:aws:events:us-east-1:222222222222:event-bus/acme-app-plane-events';

const patterns = (json: StackJson) =>
  Object.entries(resourcesOf(json, 'aws_cloudwatch_event_rule')).map(([name, r]) => ({
    name,
    pattern: JSON.parse(String(r.event_pattern ?? '{}')),
  }));
const targetsTo = (json: StackJson, arn: string) =>
  Object.values(resourcesOf(json, 'aws_cloudwatch_event_target')).filter((t) => t.arn === arn);

test('control plane: request events forwarded to the remote plane bus; the remote account may put results', () => {
  const json = synthStack(
    new ControlPlaneStack(testApp(), 'control-plane', {
      billing: false,
      metering: false,
      applicationPlaneEventBusArns: [AP_BUS],
    }),
  );
  const forwards = targetsTo(json, AP_BUS);
  expect(forwards).toHaveLength(4);
  for (const t of forwards) expect(String(t.role_arn)).toMatch(/^\$\{aws_iam_role\..+\.arn\}$/);
  const forwarded = patterns(json)
    .filter((p) => forwards.some((t) => t.rule === `\${aws_cloudwatch_event_rule.${p.name}.name}`))
    .map((p) => p.pattern['detail-type'][0])
    .sort();
  expect(forwarded).toEqual([
    'sbt_aws_activateRequest',
    'sbt_aws_deactivateRequest',
    'sbt_aws_offboardingRequest',
    'sbt_aws_onboardingRequest',
  ]);
  const policy = Object.values(resourcesOf(json, 'aws_cloudwatch_event_bus_policy'))[0];
  expect(String(policy.policy)).toContain('arn:aws:iam::222222222222:root');
  const statements = Object.values(json.data?.aws_iam_policy_document ?? {}).flatMap(
    (d) => (d.statement as { actions: string[]; resources: string[] }[]) ?? [],
  );
  expect(statements).toContainEqual(expect.objectContaining({ actions: ['events:PutEvents'], resources: [AP_BUS] }));
  expect(() =>
    synthStack(
      new ControlPlaneStack(testApp(), 'cp', {
        billing: false,
        metering: false,
        applicationPlaneEventBusArns: ['arn:aws:sqs:us-east-1:1:q'],
      }),
    ),
  ).toThrow(/is not an event-bus ARN/);
  return expect(validateConfiguration([{ file: 'control-plane', doc: json }], { kind: 'stack' })).resolves.toEqual([]);
});

test('application plane (crossAccount): own bus open to the control-plane account, jobs on it, results forwarded back', () => {
  const json = synthStack(
    new ApplicationPlaneStack(testApp(), 'application-plane', { eventBusArn: CP_BUS, crossAccount: true }),
  );
  const bus = Object.values(resourcesOf(json, 'aws_cloudwatch_event_bus'));
  expect(bus).toHaveLength(1);
  const policy = String(Object.values(resourcesOf(json, 'aws_cloudwatch_event_bus_policy'))[0].policy);
  expect(policy).toContain('element(split(":", var.event_bus_arn), 4)');
  // the jobs' rules listen on the plane's own bus
  const rules = Object.values(resourcesOf(json, 'aws_cloudwatch_event_rule'));
  expect(rules.every((r) => String(r.event_bus_name).startsWith('${aws_cloudwatch_event_bus.'))).toBe(true);
  const back = targetsTo(json, '${var.event_bus_arn}');
  expect(back).toHaveLength(4);
  expect(json.output?.application_plane_event_bus_arn).toBeDefined();
  return expect(validateConfiguration([{ file: 'application-plane', doc: json }], { kind: 'stack' })).resolves.toEqual(
    [],
  );
});
