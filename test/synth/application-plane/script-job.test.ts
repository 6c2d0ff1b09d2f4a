import { CoreApplicationPlane } from '../../../src/application-plane/core-application-plane';
import { DeprovisioningScriptJob } from '../../../src/application-plane/deprovisioning-script-job';
import { ProvisioningScriptJob } from '../../../src/application-plane/provisioning-script-job';
import { ScriptJob, type ScriptJobProps } from '../../../src/application-plane/script-job';
import { TerraformStack } from '../../../src/core/cdktf';
import { EventManager } from '../../../src/core/event-manager';
import { SbtStack } from '../../../src/core/sbt-stack';
import { TerraformReferences } from '../../../local/step-functions';
import { resourcesOf, synthStack, testApp, type StackJson } from '../../support/synth';

const BUS_ARN = 'arn:aws:events:us-east-1:123456789012:event-bus/cp-bus';

function setup() {
  const stack = new SbtStack(testApp(), 'jobs', { mode: 'module' });
  const eventManager = new EventManager(stack, 'events', { eventBusArn: BUS_ARN });
  return { stack, eventManager };
}
const definitionOf = (json: StackJson, refs: Record<string, string> = {}) => {
  const sm = Object.values(resourcesOf(json, 'aws_sfn_state_machine'))[0];
  const refsWithProject = new TerraformReferences(json, refs);
  return JSON.parse(refsWithProject.render(String(sm.definition))) as {
    States: Record<string, Record<string, unknown>>;
    TimeoutSeconds: number;
  };
};

describe('ScriptJob', () => {
  test('a custom job answers any event pair; its rule matches the incoming event (created by CoreApplicationPlane)', () => {
    const { stack, eventManager } = setup();
    const request = eventManager.createControlPlaneEvent('backupRequest');
    const done = eventManager.createApplicationPlaneEvent('backupDone');
    const failed = eventManager.createApplicationPlaneEvent('backupFailed');
    const job = new ScriptJob(stack, 'backup', {
      script: 'echo backup',
      jobIdentifierKey: 'backupId',
      jobFailureStatus: { backupStatus: 'failed' },
      incomingEvent: request,
      outgoingEvent: { success: done, failure: failed },
      eventManager,
    });
    const before = synthStack(stack);
    expect(Object.values(resourcesOf(before, 'aws_codebuild_project'))[0].name).toBe('${var.name_prefix}-backup');
    expect(resourcesOf(before, 'aws_cloudwatch_event_rule')).toEqual({}); // SBT: untriggered until given to a plane

    new CoreApplicationPlane(stack, 'plane', { eventManager, scriptJobs: [job] });
    const json = synthStack(stack);
    const rules = Object.values(resourcesOf(json, 'aws_cloudwatch_event_rule'));
    expect(rules.map((r) => [r.event_bus_name, JSON.parse(String(r.event_pattern))])).toEqual([
      [BUS_ARN, { source: ['sbt.control.plane'], 'detail-type': ['backupRequest'] }],
    ]);
    const def = definitionOf(json);
    const entries = (s: string) => (def.States[s].Parameters as { Entries: Record<string, unknown>[] }).Entries;
    expect(entries('notifySuccessEventBridgeTask')).toEqual([
      {
        EventBusName: BUS_ARN,
        Source: 'sbt.application.plane',
        DetailType: 'backupDone',
        Detail: { 'backupId.$': '$.detail.backupId', jobOutput: { tenantData: {}, tenantRegistrationData: {} } },
      },
    ]);
    expect(entries('notifyFailureEventBridgeTask')).toEqual([
      {
        EventBusName: BUS_ARN,
        Source: 'sbt.application.plane',
        DetailType: 'backupFailed',
        Detail: {
          'backupId.$': '$.detail.backupId',
          jobOutput: { backupStatus: 'failed' },
          'error.$': '$.startCodeBuild.Catch.Error',
          'cause.$': '$.startCodeBuild.Catch.Cause',
        },
      },
    ]);
  });

  test('presets: provisioning onboardingRequest → provisionSuccess|Failure, deprovisioning offboardingRequest → deprovisionSuccess|Failure', () => {
    const { stack, eventManager } = setup();
    const common = { script: 'true', eventManager };
    const p = new ProvisioningScriptJob(stack, 'provisioning', common);
    const d = new DeprovisioningScriptJob(stack, 'deprovisioning', common);
    expect([
      p.incomingEvent.detailType,
      p.outgoingEvent.success.detailType,
      p.outgoingEvent.failure.detailType,
    ]).toEqual(['sbt_aws_onboardingRequest', 'sbt_aws_provisionSuccess', 'sbt_aws_provisionFailure']);
    expect([
      d.incomingEvent.detailType,
      d.outgoingEvent.success.detailType,
      d.outgoingEvent.failure.detailType,
    ]).toEqual(['sbt_aws_offboardingRequest', 'sbt_aws_deprovisionSuccess', 'sbt_aws_deprovisionFailure']);
    const plane = new CoreApplicationPlane(stack, 'plane', { eventManager, scriptJobs: [p, d] });
    expect(plane.scriptJobs).toEqual([p, d]);
    const json = synthStack(stack);
    const failure = Object.values(resourcesOf(json, 'aws_sfn_state_machine')).map((sm) => {
      const def = JSON.parse(new TerraformReferences(json).render(String(sm.definition)));
      return def.States.notifyFailureEventBridgeTask.Parameters.Entries[0].Detail.jobOutput;
    });
    expect(failure).toEqual(
      expect.arrayContaining([
        { tenantStatus: 'Failed to provision tenant.' },
        { tenantStatus: 'Failed to deprovision tenant.' },
      ]),
    );
  });

  test("the seed's props port unchanged: a string[] of outgoing variables means tenantData", () => {
    const { stack, eventManager } = setup();
    const job = new ProvisioningScriptJob(stack, 'provisioningJobScript', {
      permissions: [
        {
          actions: ['cloudformation:CreateStack', 'cloudformation:DescribeStacks', 's3:CreateBucket'],
          resources: ['*'],
        },
      ],
      script: 'echo "tenantId: $tenantId"\nexport tenantStatus="created"',
      environmentStringVariablesFromIncomingEvent: ['tenantId', 'tier'],
      environmentVariablesToOutgoingEvent: ['tenantS3Bucket', 'someOtherVariable', 'tenantConfig', 'tenantStatus'],
      scriptEnvironmentVariables: { TEST: 'test' },
      eventManager,
    });
    expect(job.environmentVariablesToOutgoingEvent).toEqual({
      tenantData: ['tenantS3Bucket', 'someOtherVariable', 'tenantConfig', 'tenantStatus'],
      tenantRegistrationData: [],
    });
    new CoreApplicationPlane(stack, 'CoreApplicationPlane', { eventManager, scriptJobs: [job] });
    const json = synthStack(stack);
    const def = definitionOf(json);
    expect(
      (def.States.startCodeBuild.Parameters as { EnvironmentVariablesOverride: unknown }).EnvironmentVariablesOverride,
    ).toEqual([
      { Name: 'tenantId', Type: 'PLAINTEXT', 'Value.$': '$.detail.tenantId' },
      { Name: 'tier', Type: 'PLAINTEXT', 'Value.$': '$.detail.tier' },
    ]);
    const project = Object.values(resourcesOf(json, 'aws_codebuild_project'))[0];
    expect(project.name).toBe('${var.name_prefix}-provisioning-job-script');
  });

  test('options: image / compute / timeout / retention / tracing', () => {
    const { stack, eventManager } = setup();
    new ProvisioningScriptJob(stack, 'p', {
      script: 'true',
      eventManager,
      jobName: 'fast-job',
      buildImage: 'aws/codebuild/amazonlinux2-aarch64-standard:3.0',
      computeType: 'BUILD_GENERAL1_LARGE',
      privileged: true, // opt-in: Docker builds
      timeoutSeconds: 90,
      logRetentionInDays: 7,
      tracing: false,
    });
    const json = synthStack(stack);
    const project = Object.values(resourcesOf(json, 'aws_codebuild_project'))[0];
    expect(project.name).toBe('fast-job');
    expect(project.build_timeout).toBe(5); // CodeBuild's minimum; the task timeout (90 s) is what stops the build
    expect(project.environment).toMatchObject({
      type: 'ARM_CONTAINER',
      compute_type: 'BUILD_GENERAL1_LARGE',
      privileged_mode: true,
    });
    expect(Object.values(resourcesOf(json, 'aws_cloudwatch_log_group')).map((g) => g.retention_in_days)).toEqual([
      7, 7,
    ]);
    const sm = Object.values(resourcesOf(json, 'aws_sfn_state_machine'))[0];
    expect(sm.tracing_configuration).toEqual({ enabled: false });
    const def = definitionOf(json);
    expect(def.States.startCodeBuild.TimeoutSeconds).toBe(90);
    expect(def.TimeoutSeconds).toBe(390);
    const sfnPolicy = Object.entries(json.data?.aws_iam_policy_document ?? {}).find(
      ([id]) => id === 'p_state_machine_role',
    )![1];
    expect(JSON.stringify(sfnPolicy)).not.toContain('xray:');
  });

  test('CoreApplicationPlane adopts a bus by ARN', () => {
    const { stack, eventManager } = setup();
    const plane = new CoreApplicationPlane(stack, 'plane', {
      eventBusArn: 'arn:aws:events:eu-west-1:444455556666:event-bus/other',
    });
    expect(plane.eventManager.busArn).toBe('arn:aws:events:eu-west-1:444455556666:event-bus/other');
    plane.addScriptJob(new ProvisioningScriptJob(stack, 'p', { script: 'true', eventManager }));
    const rule = Object.values(resourcesOf(synthStack(stack), 'aws_cloudwatch_event_rule'))[0];
    expect(rule.event_bus_name).toBe('arn:aws:events:eu-west-1:444455556666:event-bus/other');
    expect(() => new CoreApplicationPlane(stack, 'bad', {})).toThrow(/exactly one of eventManager and eventBusArn/);
  });

  test('a job belongs to one plane', () => {
    const { stack, eventManager } = setup();
    const job = new ProvisioningScriptJob(stack, 'p', { script: 'true', eventManager });
    new CoreApplicationPlane(stack, 'plane-a', { eventManager, scriptJobs: [job] });
    expect(() => new CoreApplicationPlane(stack, 'plane-b', { eventManager, scriptJobs: [job] })).toThrow(
      /already triggered/,
    );
  });

  test('grants go to the build role', () => {
    const { stack, eventManager } = setup();
    const job = new ProvisioningScriptJob(stack, 'p', { script: 'true', eventManager });
    job.addToRolePolicy({
      actions: ['dynamodb:PutItem'],
      resources: ['arn:aws:dynamodb:us-east-1:123456789012:table/x'],
    });
    const doc = Object.entries(synthStack(stack).data?.aws_iam_policy_document ?? {}).find(
      ([id]) => id === 'p_build_role',
    )![1];
    expect(doc.statement).toEqual(
      expect.arrayContaining([
        {
          actions: ['dynamodb:PutItem'],
          effect: 'Allow',
          resources: ['arn:aws:dynamodb:us-east-1:123456789012:table/x'],
        },
      ]),
    );
  });

  test.each<[string, Partial<ScriptJobProps>, RegExp]>([
    ['bad variable name', { environmentStringVariablesFromIncomingEvent: ['tenant-id'] }, /not a valid variable name/],
    ['reserved prefix', { environmentVariablesToOutgoingEvent: ['CODEBUILD_X'] }, /reserves the CODEBUILD_ prefix/],
    [
      'string and JSON',
      { environmentStringVariablesFromIncomingEvent: ['a'], environmentJSONVariablesFromIncomingEvent: ['a'] },
      /both a string and a JSON/,
    ],
    ['duplicate', { environmentVariablesToOutgoingEvent: { tenantData: ['a', 'a'] } }, /twice/],
    ['timeout', { timeoutSeconds: 0 }, /timeoutSeconds/],
    ['empty script', { script: '  ' }, /script is empty/],
    ['job name', { jobName: 'x'.repeat(57) }, /too long/],
    ['job key', { jobIdentifierKey: 'jobOutput' }, /jobIdentifierKey/],
  ])('rejects %s', (_what, extra, message) => {
    const { stack, eventManager } = setup();
    new ScriptJob(stack, 'job', {
      script: 'true',
      jobIdentifierKey: 'tenantRegistrationId',
      jobFailureStatus: {},
      incomingEvent: eventManager.events.onboardingRequest,
      outgoingEvent: { success: eventManager.events.provisionSuccess, failure: eventManager.events.provisionFailure },
      eventManager,
      ...extra,
    });
    // Reported when the stack is synthesized, with the job's path.
    expect(() => synthStack(stack)).toThrow(message);
    expect(() => synthStack(stack)).toThrow(/\[[^\]]*\/job\] /);
  });

  test('outside an SbtStack a job needs jobName', () => {
    const stack = new TerraformStack(testApp(), 'plain');
    const eventManager = new EventManager(stack, 'events', { eventBusArn: BUS_ARN });
    expect(() => new ProvisioningScriptJob(stack, 'p', { script: 'true', eventManager })).toThrow(/needs jobName/);
    expect(new ProvisioningScriptJob(stack, 'q', { script: 'true', eventManager, jobName: 'my-job' }).jobName).toBe(
      'my-job',
    );
  });
});
