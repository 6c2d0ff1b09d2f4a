import {
  concatNames,
  hasNames,
  HclExpression,
  hclExpr,
  mapNames,
  mergeWhen,
  objectOfNames,
  plus,
  renderHcl,
  str,
  type Name,
  type NameList,
} from './hcl-expression';

/**
 * The Amazon States Language definition of a ScriptJob (pure: no constructs), SBT-AWS's machine
 * (reference/sbt-aws.md §5) with four changes:
 *
 * - **Failures carry their reason.** SBT's failure event holds only `jobFailureStatus`; ours adds `error`
 *   and `cause` (for a failed build: `States.TaskFailed` and the build description, which names the
 *   failing command and its exit status; for a timeout: `States.Timeout`).
 * - **The timeout is catchable.** SBT only sets a 1 h timeout on the whole execution; when it fires the
 *   execution is cut off and no event is sent at all. Here the CodeBuild task has `TimeoutSeconds`
 *   (Step Functions then stops the build), so a timeout goes through the same Catch and sends the failure
 *   event. The execution-level timeout stays as a backstop, 5 minutes later.
 * - **Failed jobs fail the execution** (a Fail state after the failure event), so console, metrics and
 *   alarms show them; SBT's executions "succeed" after a failed build.
 * - Putting the outgoing event is retried (EventBridge throttling / partial failure must not lose a
 *   tenant's result).
 * - **A missing input variable is a failure event, not a stuck tenant.** Referencing an absent
 *   `$.detail.<name>` in the task's parameters is a `States.Runtime` error, which no Catch can handle —
 *   in SBT the execution just dies and the control plane never hears back. A Choice state checks every
 *   event variable first and sends the failure event (`SBT.MissingEventVariable`, naming the variable).
 *
 * Exported variables are picked out of `Build.ExportedEnvironmentVariables` ([{Name, Value}]) with a
 * JSONPath filter in the task's ResultSelector (a plain path, where quoted filter literals are standard),
 * then `States.ArrayGetItem(…, 0)` turns each one-element list into the string.
 */
export const SCRIPT_JOB_STATES = {
  checkInput: 'checkIncomingEvent',
  startBuild: 'startCodeBuild',
  notifySuccess: 'notifySuccessEventBridgeTask',
  notifyFailure: 'notifyFailureEventBridgeTask',
  failed: 'jobFailed',
} as const;

export const CODEBUILD_START_BUILD_SYNC = 'arn:aws:states:::codebuild:startBuild.sync';
export const EVENTBRIDGE_PUT_EVENTS = 'arn:aws:states:::events:putEvents';

/** Seconds between the task timeout and the execution-level backstop timeout. */
export const EXECUTION_TIMEOUT_MARGIN_SECONDS = 300;

export interface EventRef {
  readonly source: string;
  readonly detailType: string;
}

export interface ScriptJobDefinitionProps {
  /** Name of the CodeBuild project to start. */
  readonly projectName: string;
  /** Name or ARN of the bus the outgoing events go to. */
  readonly eventBusName: string;
  /** Key of the incoming event's detail that identifies the job, echoed in both outgoing events. */
  readonly jobIdentifierKey: string;
  /** `jobOutput` of the failure event. */
  readonly jobFailureStatus: Record<string, string>;
  readonly successEvent: EventRef;
  readonly failureEvent: EventRef;
  /**
   * Variables passed to the build from `$.detail.<name>` (strings). This and the three lists below may be
   * Terraform expressions (a module input): the definition is then an expression too (see hcl-expression.ts).
   */
  readonly stringVariables: NameList;
  /** Variables passed to the build from `$.detail.<name>`, JSON-stringified. */
  readonly jsonVariables: NameList;
  /** Exported variables returned as `jobOutput.tenantData`. */
  readonly tenantData: NameList;
  /** Exported variables returned as `jobOutput.tenantRegistrationData`. */
  readonly tenantRegistrationData: NameList;
  /** Seconds the build may run before the job fails with States.Timeout (a number or a Terraform expression). */
  readonly timeoutSeconds: number | HclExpression;
  /** Shown in the console. */
  readonly comment?: string;
}

const exportedPath = (name: Name) => str(`$.Build.ExportedEnvironmentVariables[?(@.Name == '`, name, `')].Value`);

/**
 * The ASL document: a plain object (JSON.stringify it) while every input is literal; with an expression
 * among the inputs it holds {@link HclExpression}s (render it with `renderHcl` inside `jsonencode`).
 */
export function scriptJobDefinition(p: ScriptJobDefinitionProps): Record<string, unknown> {
  const S = SCRIPT_JOB_STATES;
  const overrides = concatNamesOf(
    mapNames(p.stringVariables, (n) => ({ Name: n, Type: 'PLAINTEXT', 'Value.$': str('$.detail.', n) })),
    mapNames(p.jsonVariables, (n) => ({
      Name: n,
      Type: 'PLAINTEXT',
      'Value.$': str('States.JsonToString($.detail.', n, ')'),
    })),
  );
  const selected = (names: NameList) => objectOfNames(names, (n) => str(n, '.$'), exportedPath);
  const fromSelected = (group: string, names: NameList) =>
    objectOfNames(
      names,
      (n) => str(n, '.$'),
      (n) => str(`States.ArrayGetItem($.${S.startBuild}.exported.${group}.`, n, ', 0)'),
    );
  const idField = { [`${p.jobIdentifierKey}.$`]: `$.detail.${p.jobIdentifierKey}` };
  const retry = [
    { ErrorEquals: ['States.ALL'], IntervalSeconds: 1, MaxAttempts: 4, BackoffRate: 2, JitterStrategy: 'FULL' },
  ];
  const putEvent = (e: EventRef, detail: Record<string, unknown>) => ({
    Entries: [{ EventBusName: p.eventBusName, Source: e.source, DetailType: e.detailType, Detail: detail }],
  });

  const eventVariables = concatNames(p.stringVariables, p.jsonVariables);
  const checked = hasNames(eventVariables);
  const missingState = (n: Name) => str('missingEventVariable_', n);
  const inputChecks = mergeWhen(
    [
      checked,
      {
        [S.checkInput]: {
          Type: 'Choice',
          Choices: mapNames(eventVariables, (n) => ({
            Not: { Variable: str('$.detail.', n), IsPresent: true },
            Next: missingState(n),
          })),
          Default: S.startBuild,
        },
      },
    ],
    [
      true,
      objectOfNames(eventVariables, missingState, (n) => ({
        Type: 'Pass',
        Result: {
          Error: 'SBT.MissingEventVariable',
          Cause: str(`the incoming event's detail has no '`, n, `' (a variable of this job)`),
        },
        ResultPath: `$.${S.startBuild}.Catch`,
        Next: S.notifyFailure,
      })),
    ],
  );

  return {
    ...(p.comment ? { Comment: p.comment } : {}),
    StartAt:
      typeof checked === 'boolean'
        ? checked
          ? S.checkInput
          : S.startBuild
        : hclExpr(`${checked.text} ? "${S.checkInput}" : "${S.startBuild}"`),
    TimeoutSeconds: plus(p.timeoutSeconds, EXECUTION_TIMEOUT_MARGIN_SECONDS),
    States: mergeWhen(
      [true, inputChecks],
      [
        true,
        {
          [S.startBuild]: {
            Type: 'Task',
            Resource: CODEBUILD_START_BUILD_SYNC,
            TimeoutSeconds: p.timeoutSeconds,
            Parameters: mergeWhen(
              [true, { ProjectName: p.projectName }],
              [hasNames(eventVariables), { EnvironmentVariablesOverride: overrides }],
            ),
            ResultSelector: {
              'buildId.$': '$.Build.Id',
              'buildStatus.$': '$.Build.BuildStatus',
              exported: {
                tenantData: selected(p.tenantData),
                tenantRegistrationData: selected(p.tenantRegistrationData),
              },
            },
            ResultPath: `$.${S.startBuild}`,
            Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: `$.${S.startBuild}.Catch`, Next: S.notifyFailure }],
            Next: S.notifySuccess,
          },
          [S.notifySuccess]: {
            Type: 'Task',
            Resource: EVENTBRIDGE_PUT_EVENTS,
            Parameters: putEvent(p.successEvent, {
              ...idField,
              jobOutput: {
                tenantData: fromSelected('tenantData', p.tenantData),
                tenantRegistrationData: fromSelected('tenantRegistrationData', p.tenantRegistrationData),
              },
            }),
            ResultPath: `$.${S.notifySuccess}`,
            Retry: retry,
            End: true,
          },
          [S.notifyFailure]: {
            Type: 'Task',
            Resource: EVENTBRIDGE_PUT_EVENTS,
            Parameters: putEvent(p.failureEvent, {
              ...idField,
              jobOutput: p.jobFailureStatus,
              'error.$': `$.${S.startBuild}.Catch.Error`,
              'cause.$': `$.${S.startBuild}.Catch.Cause`,
            }),
            ResultPath: `$.${S.notifyFailure}`,
            Retry: retry,
            Next: S.failed,
          },
          [S.failed]: {
            Type: 'Fail',
            ErrorPath: `$.${S.startBuild}.Catch.Error`,
            CausePath: `$.${S.startBuild}.Catch.Cause`,
          },
        },
      ],
    ),
  };
}

/** Two mapped lists in order (plain arrays, or `concat`). */
function concatNamesOf(a: unknown[] | HclExpression, b: unknown[] | HclExpression): unknown[] | HclExpression {
  if (!(a instanceof HclExpression) && !(b instanceof HclExpression)) return [...a, ...b];
  return hclExpr(`concat(${renderHcl(a)}, ${renderHcl(b)})`);
}
