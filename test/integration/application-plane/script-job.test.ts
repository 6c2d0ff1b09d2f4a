/**
 * Runs the synthesized ScriptJob state machine (aws-local-stepfunctions) with CodeBuild replaced by the
 * buildspec's commands in a local bash, and reads what reached EventBridge (EventBridgeCapture, real SDK).
 */
import { CoreApplicationPlane } from '../../../src/application-plane/core-application-plane';
import { ScriptJob, type ScriptJobProps } from '../../../src/application-plane/script-job';
import { EventManager } from '../../../src/core/event-manager';
import { SbtStack } from '../../../src/core/sbt-stack';
import { EventBridgeCapture } from '../../../local/eventbridge-capture';
import { LocalStepFunctions } from '../../../local/step-functions';
import { synthStack, testApp } from '../../support/synth';

const BUS_ARN = 'arn:aws:events:us-east-1:123456789012:event-bus/sbt-test-events';
const FAILURE_STATUS = { tenantStatus: 'Failed to provision tenant.' };

const onboardingRequest = (detail: Record<string, unknown> = {}) => ({
  version: '0',
  id: 'd9d1b1c3-0000-4000-8000-000000000001',
  'detail-type': 'sbt_aws_onboardingRequest',
  source: 'sbt.control.plane',
  account: '123456789012',
  time: '2026-11-24T22:00:00Z',
  region: 'us-east-1',
  resources: [],
  detail: {
    tenantId: 't-1',
    tenantRegistrationId: 'r-1',
    tenantName: 'acme',
    tier: 'basic',
    prices: [{ id: 'price-1', metricName: 'seats' }],
    ...detail,
  },
});

/** A stack with one ScriptJob answering onboardingRequest, synthesized and loaded into the local runtime. */
function localJob(props: Partial<ScriptJobProps> & Pick<ScriptJobProps, 'script'>) {
  const stack = new SbtStack(testApp(), 'script-job-test', { mode: 'module' });
  const eventManager = new EventManager(stack, 'events', { eventBusArn: BUS_ARN });
  const job = new ScriptJob(stack, 'job', {
    jobName: 'sbt-test-job',
    jobIdentifierKey: 'tenantRegistrationId',
    jobFailureStatus: FAILURE_STATUS,
    incomingEvent: eventManager.events.onboardingRequest,
    outgoingEvent: { success: eventManager.events.provisionSuccess, failure: eventManager.events.provisionFailure },
    eventManager,
    ...props,
  });
  new CoreApplicationPlane(stack, 'plane', { eventManager, scriptJobs: [job] });
  return new LocalStepFunctions(synthStack(stack)).stateMachine('sbt-test-job');
}

describe('ScriptJob, synthesized definition run locally', () => {
  const capture = new EventBridgeCapture();
  beforeAll(() => capture.start());
  afterAll(() => capture.stop());
  beforeEach(() => capture.clear());
  /** The job sent exactly one event: provisionFailure for r-1 with the failure status, `error` and `cause`. */
  const expectOnlyFailure = (error: string, cause: string) =>
    expect(capture.events.map((e) => [e.DetailType, e.detail])).toEqual([
      ['sbt_aws_provisionFailure', { tenantRegistrationId: 'r-1', jobOutput: FAILURE_STATUS, error, cause }],
    ]);

  test('success: incoming variables in, exported variables out as jobOutput, exact event', async () => {
    const machine = localJob({
      script: `echo "tenantId: $tenantId tier: $tier"
export seenTenantId="$tenantId"
export seenTier="$tier"
export seenPrices="$prices"
export seenStatic="$TEST"
export tenantStatus="created"
export tenantConfig=$(jq -n --arg id "$tenantId" '{tenantId: $id, plan: "basic"}')
export registrationStatus="created"
export FROM_BUILD=yes
mkdir -p work && cd work`,
      postScript: 'export seenInPostBuild="$FROM_BUILD:$(basename "$PWD"):$CODEBUILD_BUILD_SUCCEEDING"',
      environmentStringVariablesFromIncomingEvent: ['tenantId', 'tier'],
      environmentJSONVariablesFromIncomingEvent: ['prices'],
      environmentVariablesToOutgoingEvent: {
        tenantData: [
          'tenantStatus',
          'tenantConfig',
          'seenTenantId',
          'seenTier',
          'seenPrices',
          'seenStatic',
          'seenInPostBuild',
          'forgotten',
        ],
        tenantRegistrationData: ['registrationStatus'],
      },
      scriptEnvironmentVariables: { TEST: 'test' },
    });

    const run = await machine.run(onboardingRequest());

    expect(run.status).toBe('SUCCEEDED');
    expect(run.builds).toHaveLength(1);
    expect(run.builds[0].log).toContain('tenantId: t-1 tier: basic');
    const tenantConfig = '{\n  "tenantId": "t-1",\n  "plan": "basic"\n}';
    expect(capture.events).toEqual([
      {
        EventBusName: BUS_ARN,
        Source: 'sbt.application.plane',
        DetailType: 'sbt_aws_provisionSuccess',
        Detail: expect.any(String),
        detail: {
          tenantRegistrationId: 'r-1',
          jobOutput: {
            tenantData: {
              tenantStatus: 'created',
              tenantConfig,
              seenTenantId: 't-1',
              seenTier: 'basic',
              seenPrices: '[{"id":"price-1","metricName":"seats"}]',
              seenStatic: 'test',
              seenInPostBuild: 'yes:work:1',
              forgotten: '', // listed but never exported: arrives empty instead of killing the execution
            },
            tenantRegistrationData: { registrationStatus: 'created' },
          },
        },
      },
    ]);
    expect(
      JSON.parse(
        (capture.events[0].detail as { jobOutput: { tenantData: { tenantConfig: string } } }).jobOutput.tenantData
          .tenantConfig,
      ),
    ).toEqual({
      tenantId: 't-1',
      plan: 'basic',
    });
  });

  test('script failure: non-zero exit → failure event with jobFailureStatus, error and cause; post_build still runs', async () => {
    const machine = localJob({
      script: 'echo "about to fail"\nexit 3',
      postScript: 'echo "post_build sees CODEBUILD_BUILD_SUCCEEDING=$CODEBUILD_BUILD_SUCCEEDING"',
      environmentVariablesToOutgoingEvent: ['tenantStatus'],
    });

    const run = await machine.run(onboardingRequest());

    expect(run.status).toBe('FAILED');
    expect(run.error).toBe('States.TaskFailed');
    expect(run.builds[0].log).toContain('post_build sees CODEBUILD_BUILD_SUCCEEDING=0');
    expect(capture.events).toEqual([
      {
        EventBusName: BUS_ARN,
        Source: 'sbt.application.plane',
        DetailType: 'sbt_aws_provisionFailure',
        Detail: expect.any(String),
        detail: {
          tenantRegistrationId: 'r-1',
          jobOutput: FAILURE_STATUS,
          error: 'States.TaskFailed',
          cause: expect.any(String),
        },
      },
    ]);
    const cause = JSON.parse((capture.events[0].detail as { cause: string }).cause);
    expect(cause.BuildStatus).toBe('FAILED');
    expect(cause.ProjectName).toBe('sbt-test-job');
    expect(cause.Phases.map((p: { PhaseType: string; PhaseStatus: string }) => [p.PhaseType, p.PhaseStatus])).toEqual([
      ['BUILD', 'FAILED'],
      ['POST_BUILD', 'SUCCEEDED'],
    ]);
    expect(cause.Phases[0].Contexts[0].Message).toBe(
      'Error while executing command: echo "about to fail"\nexit 3. Reason: exit status 3',
    );
  });

  test('timeout: a build running past timeoutSeconds is stopped and reported as States.Timeout', async () => {
    const machine = localJob({ script: 'echo "working"\nsleep 30\nexport tenantStatus=created', timeoutSeconds: 1 });
    expect(machine.definition.States.startCodeBuild).toMatchObject({ TimeoutSeconds: 1 });

    const run = await machine.run(onboardingRequest());

    expect(run.status).toBe('FAILED');
    expect(run.error).toBe('States.Timeout');
    expect(run.builds[0].status).toBe('STOPPED');
    expectOnlyFailure('States.Timeout', 'States.Timeout');
  });

  test('a string variable that is not a string is rejected by CodeBuild and reported as a failure', async () => {
    const machine = localJob({ script: 'echo never', environmentStringVariablesFromIncomingEvent: ['tier'] });

    const run = await machine.run(onboardingRequest({ tier: 3 }));

    expect(run.builds).toEqual([]); // StartBuild refused: no build
    expectOnlyFailure('CodeBuild.InvalidInputException', 'Environment variable tier must be a string, got 3');
  });

  test('an event without a job variable gets a failure event naming it (SBT: the execution dies silently)', async () => {
    const machine = localJob({
      script: 'echo never',
      environmentStringVariablesFromIncomingEvent: ['tenantId', 'tier'],
      environmentJSONVariablesFromIncomingEvent: ['prices'],
    });
    const { tier: _omit, ...detail } = onboardingRequest().detail;

    const run = await machine.run({ ...onboardingRequest(), detail });

    expect(run.status).toBe('FAILED');
    expect(run.builds).toEqual([]);
    expectOnlyFailure('SBT.MissingEventVariable', "the incoming event's detail has no 'tier' (a variable of this job)");
  });

  test('a failed PutEvents entry is retried, so the result is not lost', async () => {
    const machine = localJob({
      script: 'export tenantStatus=created',
      environmentVariablesToOutgoingEvent: ['tenantStatus'],
    });
    capture.failNext(1);

    const run = await machine.run(onboardingRequest());

    expect(run.status).toBe('SUCCEEDED');
    expect(capture.events.map((e) => [e.DetailType, e.detail])).toEqual([
      [
        'sbt_aws_provisionSuccess',
        {
          tenantRegistrationId: 'r-1',
          jobOutput: { tenantData: { tenantStatus: 'created' }, tenantRegistrationData: {} },
        },
      ],
    ]);
  });
});
