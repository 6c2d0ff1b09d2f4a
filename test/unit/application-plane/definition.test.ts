import { defaultExportsCommand, scriptJobBuildspec } from '../../../src/application-plane/buildspec';
import { scriptJobDefinition, SCRIPT_JOB_STATES } from '../../../src/application-plane/state-machine-definition';

const props = {
  projectName: 'proj',
  eventBusName: 'arn:aws:events:us-east-1:123456789012:event-bus/b',
  jobIdentifierKey: 'tenantRegistrationId',
  jobFailureStatus: { tenantStatus: 'Failed to provision tenant.' },
  successEvent: { source: 'sbt.application.plane', detailType: 'sbt_aws_provisionSuccess' },
  failureEvent: { source: 'sbt.application.plane', detailType: 'sbt_aws_provisionFailure' },
  stringVariables: ['tenantId'],
  jsonVariables: ['prices'],
  tenantData: ['tenantStatus'],
  tenantRegistrationData: ['registrationStatus'],
  timeoutSeconds: 600,
};

describe('ScriptJob state machine definition', () => {
  const def = scriptJobDefinition(props) as {
    StartAt: string;
    TimeoutSeconds: number;
    States: Record<string, Record<string, any>>;
  };
  const S = SCRIPT_JOB_STATES;

  test('startBuild.sync with string and JSON overrides, a catchable task timeout and an execution backstop', () => {
    // every event variable is checked first: an absent one is a failure event, not an uncatchable States.Runtime
    expect(def.StartAt).toBe(S.checkInput);
    expect(def.States[S.checkInput]).toMatchObject({ Type: 'Choice', Default: S.startBuild });
    expect(def.States[S.checkInput].Choices[0]).toEqual({
      Not: {
        Variable: `$.detail.${def.States[S.checkInput].Choices[0].Not.Variable.split('.').pop()}`,
        IsPresent: true,
      },
      Next: def.States[S.checkInput].Choices[0].Next,
    });
    expect(def.States[def.States[S.checkInput].Choices[0].Next]).toMatchObject({ Type: 'Pass', Next: S.notifyFailure });
    expect(def.TimeoutSeconds).toBe(900);
    const start = def.States[S.startBuild];
    expect(start).toMatchObject({
      Resource: 'arn:aws:states:::codebuild:startBuild.sync',
      TimeoutSeconds: 600,
      Next: S.notifySuccess,
    });
    expect(start.Parameters).toEqual({
      ProjectName: 'proj',
      EnvironmentVariablesOverride: [
        { Name: 'tenantId', Type: 'PLAINTEXT', 'Value.$': '$.detail.tenantId' },
        { Name: 'prices', Type: 'PLAINTEXT', 'Value.$': 'States.JsonToString($.detail.prices)' },
      ],
    });
    expect(start.Catch).toEqual([
      { ErrorEquals: ['States.ALL'], ResultPath: '$.startCodeBuild.Catch', Next: S.notifyFailure },
    ]);
  });

  test('success detail: SBT shape; failure detail: jobFailureStatus plus error and cause; then the execution fails', () => {
    expect(def.States[S.notifySuccess].Parameters.Entries[0].Detail).toEqual({
      'tenantRegistrationId.$': '$.detail.tenantRegistrationId',
      jobOutput: {
        tenantData: { 'tenantStatus.$': 'States.ArrayGetItem($.startCodeBuild.exported.tenantData.tenantStatus, 0)' },
        tenantRegistrationData: {
          'registrationStatus.$':
            'States.ArrayGetItem($.startCodeBuild.exported.tenantRegistrationData.registrationStatus, 0)',
        },
      },
    });
    expect(def.States[S.notifyFailure].Parameters.Entries[0].Detail).toEqual({
      'tenantRegistrationId.$': '$.detail.tenantRegistrationId',
      jobOutput: { tenantStatus: 'Failed to provision tenant.' },
      'error.$': '$.startCodeBuild.Catch.Error',
      'cause.$': '$.startCodeBuild.Catch.Cause',
    });
    expect(def.States[S.notifyFailure].Next).toBe(S.failed);
    expect(def.States[S.failed]).toEqual({
      Type: 'Fail',
      ErrorPath: '$.startCodeBuild.Catch.Error',
      CausePath: '$.startCodeBuild.Catch.Cause',
    });
    for (const s of [S.notifySuccess, S.notifyFailure])
      expect(def.States[s].Retry[0].ErrorEquals).toEqual(['States.ALL']);
  });

  test('no overrides → no EnvironmentVariablesOverride', () => {
    const d = scriptJobDefinition({ ...props, stringVariables: [], jsonVariables: [] }) as {
      States: Record<string, any>;
    };
    expect(d.States[S.startBuild].Parameters).toEqual({ ProjectName: 'proj' });
  });
});

describe('ScriptJob buildspec', () => {
  test('bash, script as build, post-script then the exported-variable defaults as post_build', () => {
    expect(scriptJobBuildspec({ script: 'echo a', postScript: 'echo b', exportedVariables: ['x', 'y'] })).toEqual({
      version: '0.2',
      env: { shell: 'bash', 'exported-variables': ['x', 'y'] },
      phases: {
        build: { commands: ['echo a'] },
        post_build: { commands: ['echo b', defaultExportsCommand(['x', 'y'])] },
      },
    });
    expect(defaultExportsCommand(['x'])).toMatch(/\nexport x="\$\{x-\}"$/);
  });

  test('nothing exported and no post-script → no post_build, no exported-variables', () => {
    expect(scriptJobBuildspec({ script: 'echo a' })).toEqual({
      version: '0.2',
      env: { shell: 'bash' },
      phases: { build: { commands: ['echo a'] } },
    });
  });
});
