import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { CodebuildProject } from '@cdktf/provider-aws/lib/codebuild-project';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import type { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { SfnStateMachine } from '@cdktf/provider-aws/lib/sfn-state-machine';
import { Annotations, Construct, Fn, Op, TerraformLocal, TerraformStack, Token } from '../core/cdktf';
import type { EventDefinition, IEventManager } from '../core/event-manager';
import { StepFunctionsTarget, type IEventTarget } from '../core/event-targets';
import { ServiceRole, type IGrantable, type PolicyStatement } from '../core/iam';
import { propsErrors } from '../core/props-validation';
import { roleNameOf, SbtStack } from '../core/sbt-stack';
import { awsContext } from './aws-context';
import { scriptJobBuildspec } from './buildspec';
import { scriptJobDefinition } from './state-machine-definition';
import { containsExpression, concatNames, nameList, renderHcl, tokensToLocal } from './hcl-expression';
import { escapeTerraformDeep, escapeTerraformTemplate } from './terraform-template';

/** Which exported variables go back in the success event, and where (SBT's EnvironmentVariablesToOutgoingEventProps). */
export interface EnvironmentVariablesToOutgoingEventProps {
  /** Returned as `jobOutput.tenantData` (the control plane writes them to the tenant). @default none */
  readonly tenantData?: string[];
  /** Returned as `jobOutput.tenantRegistrationData` (written to the registration, e.g. `registrationStatus`). @default none */
  readonly tenantRegistrationData?: string[];
}

/** The events a job answers with (SBT's OutgoingEventDefinitions). */
export interface OutgoingEventDefinitions {
  readonly success: EventDefinition;
  readonly failure: EventDefinition;
}

/** Props of a ScriptJob. Names follow SBT-AWS's ScriptJobProps, so SBT jobs port by changing imports. */
export interface ScriptJobProps {
  /** Key of the incoming event's `detail` echoed in both outgoing events (e.g. `tenantRegistrationId`). */
  readonly jobIdentifierKey: string;
  /** `jobOutput` of the failure event (e.g. `{ tenantStatus: 'Failed to provision tenant.' }`). */
  readonly jobFailureStatus: Record<string, string>;
  /**
   * What the script may do in AWS: statements of the build project's role — a list of statements, or SBT's
   * shape, a policy document with `statements` (`PolicyDocument` from the sbt-compat entry point, as in
   * the seed's tutorial). Least privilege: name ARNs. @default none (the script can only log)
   */
  readonly permissions?: PolicyStatement[] | { readonly statements: readonly PolicyStatement[] };
  /** Bash run as the CodeBuild build phase. `export` the variables listed in `environmentVariablesToOutgoingEvent`. */
  readonly script: string;
  /** Bash run as the post_build phase (runs even when the script failed; `$CODEBUILD_BUILD_SUCCEEDING` tells). @default none */
  readonly postScript?: string;
  /** The event that starts the job. */
  readonly incomingEvent: EventDefinition;
  /** The events the job answers with. */
  readonly outgoingEvent: OutgoingEventDefinitions;
  /**
   * Top-level keys of the incoming event's `detail` given to the script as string variables of the same name.
   * This and the two lists below may be Terraform lists (e.g. a variable's `listValue`): the state machine
   * definition and the buildspec are then Terraform expressions built from them at plan time. @default none
   */
  readonly environmentStringVariablesFromIncomingEvent?: string[];
  /** Top-level keys of the incoming `detail` given to the script as JSON strings (objects, arrays, numbers). @default none */
  readonly environmentJSONVariablesFromIncomingEvent?: string[];
  /**
   * Exported variables returned in the success event's `jobOutput`. A plain list (as in SBT's tutorial)
   * means `tenantData`. @default none
   */
  readonly environmentVariablesToOutgoingEvent?: EnvironmentVariablesToOutgoingEventProps | string[];
  /** Static variables of the build project (plaintext; use Secrets Manager from the script for secrets). @default none */
  readonly scriptEnvironmentVariables?: Record<string, string>;
  /** Where the events are defined and put. */
  readonly eventManager: IEventManager;
  /**
   * Base name of the job's resources (project, state machine, roles `<jobName>-build|-sfn|-trigger`, log
   * groups, key alias); at most 56 characters. @default `<name_prefix>-<kebab-case id>`
   * inside an SbtStack (required elsewhere)
   */
  readonly jobName?: string;
  /** CodeBuild image. @default 'aws/codebuild/amazonlinux2-x86_64-standard:5.0' (SBT's AMAZON_LINUX_2_5) */
  readonly buildImage?: string;
  /** CodeBuild compute type. @default 'BUILD_GENERAL1_SMALL' (3 GB, 2 vCPU: plenty for CLI calls) */
  readonly computeType?: string;
  /** CodeBuild environment type. @default ARM_CONTAINER for `aarch64` images, else LINUX_CONTAINER */
  readonly environmentType?: string;
  /**
   * Privileged mode (a Docker daemon inside the build, root on the build host: CKV_AWS_316). Opt in only for
   * scripts that build container images. @default false (SBT turns it on for every job; nothing in its
   * provisioning scripts needs it)
   */
  readonly privileged?: boolean;
  /**
   * Seconds the build may take; past it Step Functions stops the build and the job fails with
   * `States.Timeout` (failure event sent). Also sets the project's own timeout (whole minutes, 5–2160).
   * May be a Terraform number (e.g. `Op.mul(minutesVariable.numberValue, 60)`), validated there.
   * @default 3600 (SBT's one hour)
   */
  readonly timeoutSeconds?: number;
  /** Retention of the build and state-machine log groups, in days. @default 30 */
  readonly logRetentionInDays?: number;
  /** X-Ray tracing of the state machine. @default true (as SBT) */
  readonly tracing?: boolean;
  /**
   * SBT's CodeBuild `source` (#108). Not applied — the build has no source; clone in the script (the
   * build role can be granted what it needs). Accepted so SBT code compiles; reported as a synth warning.
   */
  readonly source?: unknown;
  /**
   * SBT's `projectProps` (CDK ProjectProps spread over the project, #183). Not applied — use `buildImage`,
   * `computeType`, `environmentType`, `privileged`, `timeoutSeconds`. Reported as a synth warning.
   */
  readonly projectProps?: unknown;
}

/** Props of the tenant-lifecycle presets: ScriptJobProps minus what the preset fixes (SBT's TenantLifecycleScriptJobProps). */
export type TenantLifecycleScriptJobProps = Omit<
  ScriptJobProps,
  'jobIdentifierKey' | 'jobFailureStatus' | 'incomingEvent' | 'outgoingEvent'
>;

/**
 * The ScriptJobProps of a tenant-lifecycle preset: the job is identified by `tenantRegistrationId`, runs on
 * the request event of its direction and answers with that direction's success or failure event.
 */
export function tenantLifecycleJobProps(
  props: TenantLifecycleScriptJobProps,
  direction: 'provision' | 'deprovision',
  jobFailureStatus: Record<string, string>,
): ScriptJobProps {
  const events = props.eventManager.events;
  return {
    ...props,
    jobIdentifierKey: 'tenantRegistrationId',
    jobFailureStatus: { ...jobFailureStatus },
    incomingEvent: direction === 'provision' ? events.onboardingRequest : events.offboardingRequest,
    outgoingEvent: { success: events[`${direction}Success`], failure: events[`${direction}Failure`] },
  };
}

const VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const DEFAULT_IMAGE = 'aws/codebuild/amazonlinux2-x86_64-standard:5.0';
/** Role names (`<jobName>-trigger`) may have 64 characters. */
const MAX_JOB_NAME = 56;
/** Longest kebab-case id for a default name: 20-character prefix + '-' + 35 = 56. */
const MAX_DEFAULT_BASE = 35;

const kebab = (s: string) =>
  s
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .toLowerCase();

/** Exported-variable groups from either accepted form. */
export function normalizeOutgoing(
  v: ScriptJobProps['environmentVariablesToOutgoingEvent'],
): Required<EnvironmentVariablesToOutgoingEventProps> {
  if (Array.isArray(v)) return { tenantData: [...v], tenantRegistrationData: [] };
  return { tenantData: [...(v?.tenantData ?? [])], tenantRegistrationData: [...(v?.tenantRegistrationData ?? [])] };
}

/**
 * Runs a bash script in CodeBuild when an event arrives, and answers with a success event carrying the
 * variables the script exported, or a failure event carrying the reason (SBT-AWS's ScriptJob).
 *
 * incoming event ─rule (CoreApplicationPlane)─▶ state machine ─startBuild.sync─▶ CodeBuild (bash)
 *                                                     └─ putEvents success {<id>, jobOutput} | failure {<id>, jobOutput, error, cause}
 *
 * Like SBT, a job is triggered only once it is given to a CoreApplicationPlane (which creates the rule in
 * its own scope); `eventTarget` is what the rule targets.
 */
export class ScriptJob extends Construct implements IGrantable {
  readonly jobName: string;
  readonly codebuildProject: CodebuildProject;
  readonly stateMachine: SfnStateMachine;
  readonly buildRole: ServiceRole;
  readonly stateMachineRole: ServiceRole;
  readonly encryptionKey: KmsKey;
  readonly buildLogGroup: CloudwatchLogGroup;
  readonly stateMachineLogGroup: CloudwatchLogGroup;
  readonly incomingEvent: EventDefinition;
  readonly outgoingEvent: OutgoingEventDefinitions;
  readonly environmentVariablesToOutgoingEvent: Required<EnvironmentVariablesToOutgoingEventProps>;
  readonly eventManager: IEventManager;
  readonly timeoutSeconds: number;
  /** Target starting the state machine; bound once, by CoreApplicationPlane. */
  readonly eventTarget: IEventTarget;

  constructor(scope: Construct, id: string, props: ScriptJobProps) {
    super(scope, id);
    const stack = TerraformStack.of(this);
    this.jobName = props.jobName ?? ScriptJob.defaultName(stack, id, this.node.path);
    const errors = propsErrors(this);
    if (!Token.isUnresolved(this.jobName) && !/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(this.jobName)) {
      errors.push(`jobName '${this.jobName}' may contain only letters, digits, '-' and '_'`);
    }
    this.incomingEvent = props.incomingEvent;
    this.outgoingEvent = props.outgoingEvent;
    this.eventManager = props.eventManager;
    this.environmentVariablesToOutgoingEvent = normalizeOutgoing(props.environmentVariablesToOutgoingEvent);
    this.timeoutSeconds = props.timeoutSeconds ?? 3600;
    const stringVars = props.environmentStringVariablesFromIncomingEvent ?? [];
    const jsonVars = props.environmentJSONVariablesFromIncomingEvent ?? [];
    const { tenantData, tenantRegistrationData } = this.environmentVariablesToOutgoingEvent;
    this.validate(errors, props, stringVars, jsonVars);
    for (const sbtOnly of ['source', 'projectProps'] as const) {
      if (props[sbtOnly] !== undefined) {
        Annotations.of(this).addWarning(
          `${sbtOnly} (an SBT CDK prop) is not applied: use buildImage / computeType / environmentType / privileged / timeoutSeconds, and fetch sources in the script`,
        );
      }
    }

    const ctx = awsContext(this);
    const retention = props.logRetentionInDays ?? 30;
    const projectName = this.jobName;
    const buildLogGroupName = `/aws/codebuild/${this.jobName}`;
    const sfnLogGroupName = `/aws/vendedlogs/states/${this.jobName}`;
    const logGroupArn = (name: string) => `arn:${ctx.partition}:logs:${ctx.region}:${ctx.accountId}:log-group:${name}`;
    const projectArn = `arn:${ctx.partition}:codebuild:${ctx.region}:${ctx.accountId}:project/${projectName}`;
    const stateMachineArn = `arn:${ctx.partition}:states:${ctx.region}:${ctx.accountId}:stateMachine:${this.jobName}`;

    // One customer-managed key per job, rotated yearly: build artifacts/cache and both log groups (build
    // logs echo tenant data). The key policy is AWS's default (account root may use IAM) plus CloudWatch
    // Logs, only for this job's two log groups.
    const keyPolicy = new DataAwsIamPolicyDocument(this, 'key-policy', {
      statement: [
        {
          sid: 'EnableIamPolicies',
          actions: ['kms:*'],
          resources: ['*'],
          principals: [{ type: 'AWS', identifiers: [`arn:${ctx.partition}:iam::${ctx.accountId}:root`] }],
        },
        {
          sid: 'AllowCloudWatchLogsForThisJob',
          actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
          resources: ['*'],
          principals: [{ type: 'Service', identifiers: [`logs.${ctx.region}.amazonaws.com`] }],
          condition: [
            {
              test: 'ArnLike',
              variable: 'kms:EncryptionContext:aws:logs:arn',
              values: [logGroupArn(buildLogGroupName), logGroupArn(sfnLogGroupName)],
            },
          ],
        },
      ],
    });
    this.encryptionKey = new KmsKey(this, 'key', {
      description: `ScriptJob ${this.jobName}: CodeBuild and log encryption`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: keyPolicy.json,
    });
    new KmsAlias(this, 'key-alias', { name: `alias/${this.jobName}`, targetKeyId: this.encryptionKey.keyId });

    this.buildLogGroup = new CloudwatchLogGroup(this, 'build-logs', {
      name: buildLogGroupName,
      retentionInDays: retention,
      kmsKeyId: this.encryptionKey.arn,
    });
    this.stateMachineLogGroup = new CloudwatchLogGroup(this, 'state-machine-logs', {
      name: sfnLogGroupName,
      retentionInDays: retention,
      kmsKeyId: this.encryptionKey.arn,
    });

    // --- CodeBuild --------------------------------------------------------------------------------
    this.buildRole = this.jobRole('build-role', 'build', 'codebuild.amazonaws.com', ctx.accountId, projectArn, [
      { actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [`${this.buildLogGroup.arn}:*`] },
      {
        actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
        resources: [this.encryptionKey.arn],
      },
      ...(Array.isArray(props.permissions) ? props.permissions : (props.permissions?.statements ?? [])),
    ]);

    const image = props.buildImage ?? DEFAULT_IMAGE;
    const staticVars = Object.entries(props.scriptEnvironmentVariables ?? {});
    // A script that is itself a Terraform value (a module input) may hold any character: it enters the
    // buildspec's JSON text through Terraform's jsonencode (quotes included) instead of as literal text.
    const SCRIPT = '__SBT_SCRIPT__';
    const POST_SCRIPT = '__SBT_POST_SCRIPT__';
    const scriptIsValue = isWholeToken(props.script);
    const postIsValue = props.postScript !== undefined && isWholeToken(props.postScript);
    const exported = concatNames(nameList(tenantData), nameList(tenantRegistrationData)); // (the buildspec drops repeats)
    // Exported variables given as a Terraform list shape the buildspec: it is then one jsonencode expression
    // (the scripts, literal or values, are HCL strings in it). Else literal JSON text, a script that is a
    // value spliced in through jsonencode.
    // cdktf tokens in such an expression are moved to `locals` entries of this job (see tokensToLocal): one
    // per document, as the definition names the project, whose buildspec would otherwise depend on it.
    const locals: Record<string, Record<string, string>> = {};
    const expression = (doc: unknown, part: string) => {
      const name = `${roleNameOf(this).replace(/[^A-Za-z0-9_]/g, '_')}_${part}_inputs`;
      return `\${jsonencode(${tokensToLocal(renderHcl(doc), name, (locals[name] ??= {}))})}`;
    };
    const buildspecText = containsExpression(exported)
      ? expression(
          scriptJobBuildspec({ script: props.script, postScript: props.postScript, exportedVariables: exported }),
          'buildspec',
        )
      : escapeTerraformTemplate(
          JSON.stringify(
            scriptJobBuildspec({
              script: scriptIsValue ? SCRIPT : props.script,
              postScript: postIsValue ? POST_SCRIPT : props.postScript,
              exportedVariables: exported,
            }),
            null,
            2,
          )
            .replace(`"${SCRIPT}"`, () => (scriptIsValue ? Fn.jsonencode(props.script) : `"${SCRIPT}"`))
            .replace(`"${POST_SCRIPT}"`, () => (postIsValue ? Fn.jsonencode(props.postScript) : `"${POST_SCRIPT}"`)),
        );
    this.codebuildProject = new CodebuildProject(this, 'project', {
      name: projectName,
      description: `ScriptJob ${this.jobName}: runs on ${props.incomingEvent.detailType} from ${props.incomingEvent.source}`,
      serviceRole: this.buildRole.roleArn,
      buildTimeout: Token.isUnresolved(this.timeoutSeconds)
        ? Fn.min([2160, Fn.max([5, Fn.ceil(Op.div(this.timeoutSeconds, 60))])])
        : Math.min(2160, Math.max(5, Math.ceil(this.timeoutSeconds / 60))),
      encryptionKey: this.encryptionKey.arn,
      artifacts: { type: 'NO_ARTIFACTS' },
      source: {
        type: 'NO_SOURCE',
        buildspec: buildspecText,
      },
      environment: {
        type: props.environmentType ?? (image.includes('aarch64') ? 'ARM_CONTAINER' : 'LINUX_CONTAINER'),
        image,
        computeType: props.computeType ?? 'BUILD_GENERAL1_SMALL',
        imagePullCredentialsType: 'CODEBUILD',
        privilegedMode: props.privileged ?? false,
        environmentVariable: staticVars.length
          ? staticVars.map(([name, value]) => ({ name, value: escapeTerraformTemplate(value), type: 'PLAINTEXT' }))
          : undefined,
      },
      logsConfig: {
        cloudwatchLogs: { status: 'ENABLED', groupName: this.buildLogGroup.name },
        s3Logs: { status: 'DISABLED' },
      },
    });

    // --- Step Functions ---------------------------------------------------------------------------
    const tracing = props.tracing ?? true;
    this.stateMachineRole = this.jobRole(
      'state-machine-role',
      'sfn',
      'states.amazonaws.com',
      ctx.accountId,
      stateMachineArn,
      [
        {
          sid: 'RunThisProject',
          actions: ['codebuild:StartBuild', 'codebuild:StopBuild', 'codebuild:BatchGetBuilds'],
          resources: [this.codebuildProject.arn],
        },
        {
          // startBuild.sync waits for the build through this Step Functions-managed rule.
          sid: 'ManagedRuleForSyncBuilds',
          actions: ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'],
          resources: [
            `arn:${ctx.partition}:events:${ctx.region}:${ctx.accountId}:rule/StepFunctionsGetEventForCodeBuildStartBuildRule`,
          ],
        },
        {
          // CloudWatch Logs delivery for Step Functions: these actions support only '*'.
          sid: 'LogDelivery',
          actions: [
            'logs:CreateLogDelivery',
            'logs:GetLogDelivery',
            'logs:UpdateLogDelivery',
            'logs:DeleteLogDelivery',
            'logs:ListLogDeliveries',
            'logs:PutResourcePolicy',
            'logs:DescribeResourcePolicies',
            'logs:DescribeLogGroups',
          ],
          resources: ['*'],
        },
        ...(tracing
          ? [
              {
                sid: 'XRay', // X-Ray actions support only '*'.
                actions: [
                  'xray:PutTraceSegments',
                  'xray:PutTelemetryRecords',
                  'xray:GetSamplingRules',
                  'xray:GetSamplingTargets',
                ],
                resources: ['*'],
              },
            ]
          : []),
      ],
    );
    props.eventManager.grantPutEventsTo(this.stateMachineRole);

    const definition = scriptJobDefinition({
      comment: `ScriptJob ${this.jobName}: ${props.incomingEvent.detailType} -> ${props.outgoingEvent.success.detailType} | ${props.outgoingEvent.failure.detailType}`,
      projectName: this.codebuildProject.name,
      eventBusName: props.eventManager.busArn,
      jobIdentifierKey: props.jobIdentifierKey,
      jobFailureStatus: props.jobFailureStatus,
      successEvent: props.outgoingEvent.success,
      failureEvent: props.outgoingEvent.failure,
      stringVariables: nameList(stringVars),
      jsonVariables: nameList(jsonVars),
      tenantData: nameList(tenantData),
      tenantRegistrationData: nameList(tenantRegistrationData),
      timeoutSeconds: this.timeoutSeconds,
    });
    this.stateMachine = new SfnStateMachine(this, 'state-machine', {
      name: this.jobName,
      type: 'STANDARD', // .sync integrations need a standard workflow
      roleArn: this.stateMachineRole.roleArn,
      // Lists or a timeout given as Terraform values shape the definition: it is then one jsonencode expression.
      definition: containsExpression(definition)
        ? expression(definition, 'definition')
        : JSON.stringify(escapeTerraformDeep(definition)),
      loggingConfiguration: {
        logDestination: `${this.stateMachineLogGroup.arn}:*`,
        includeExecutionData: true,
        level: 'ALL',
      },
      tracingConfiguration: { enabled: tracing },
      // Step Functions checks the role's log permissions when the machine is created.
      dependsOn: [this.stateMachineRole.node.findChild('policy') as IamRolePolicy],
    });

    for (const [name, values] of Object.entries(locals)) new TerraformLocal(this, name, values).overrideLogicalId(name);

    const target = new StepFunctionsTarget(this.stateMachine.arn, { roleName: `${this.jobName}-trigger` });
    let boundTo: string | undefined;
    const path = this.node.path;
    this.eventTarget = {
      bind(scope, targetId, rule) {
        // Thrown, not collected: a second plane would add a second trigger to the same state machine.
        if (boundTo)
          throw new Error(
            `${path}: this ScriptJob is already triggered by ${boundTo}; give it to one CoreApplicationPlane`,
          );
        boundTo = rule.node.path;
        target.bind(scope, targetId, rule);
      },
    };
  }

  /**
   * The role of one service of this job, assumable only by that service acting for `sourceArn` in this
   * account (the confused-deputy guard both the build and the state machine need).
   */
  private jobRole(
    id: string,
    nameSuffix: string,
    servicePrincipal: string,
    accountId: string,
    sourceArn: string,
    statements: PolicyStatement[],
  ): ServiceRole {
    return new ServiceRole(this, id, {
      name: `${this.jobName}-${nameSuffix}`,
      servicePrincipal,
      trustConditions: [
        { test: 'StringEquals', variable: 'aws:SourceAccount', values: [accountId] },
        { test: 'ArnLike', variable: 'aws:SourceArn', values: [sourceArn] },
      ],
      statements,
    });
  }

  /** SBT's name for the state machine. */
  get provisioningStateMachine(): SfnStateMachine {
    return this.stateMachine;
  }

  /** Grants the script (the build project's role) more permissions. */
  addToRolePolicy(statement: PolicyStatement): void {
    this.buildRole.addToRolePolicy(statement);
  }

  /** Thrown, not collected: without a job name there is no name for the job's resources. */
  private static defaultName(stack: TerraformStack, id: string, path: string): string {
    if (!(stack instanceof SbtStack)) throw new Error(`${path}: outside an SbtStack a ScriptJob needs jobName`);
    const base = kebab(id);
    if (!base || base.length > MAX_DEFAULT_BASE) {
      throw new Error(`${path}: id '${id}' does not make a job name of 1-${MAX_DEFAULT_BASE} characters; pass jobName`);
    }
    return stack.name(base);
  }

  /** Props problems, into `errors` (reported together at synth). */
  private validate(errors: string[], props: ScriptJobProps, stringVars: string[], jsonVars: string[]): void {
    const { tenantData, tenantRegistrationData } = this.environmentVariablesToOutgoingEvent;
    if (!Token.isUnresolved(this.jobName) && this.jobName.length > MAX_JOB_NAME) {
      errors.push(`jobName '${this.jobName}' is too long (role names end in '-trigger' and may have 64 characters)`);
    }
    const check = (what: string, names: string[]) => {
      if (Token.isUnresolved(names)) return; // a Terraform list: the caller validates it (the stack's inputs do)
      for (const n of names) {
        if (!VAR_NAME.test(n)) errors.push(`${what} '${n}' is not a valid variable name ([A-Za-z_][A-Za-z0-9_]*)`);
        if (n.startsWith('CODEBUILD_')) errors.push(`${what} '${n}': CodeBuild reserves the CODEBUILD_ prefix`);
      }
      if (new Set(names).size !== names.length) errors.push(`${what} lists a variable twice`);
    };
    check('environmentStringVariablesFromIncomingEvent', stringVars);
    check('environmentJSONVariablesFromIncomingEvent', jsonVars);
    check('environmentVariablesToOutgoingEvent.tenantData', tenantData);
    check('environmentVariablesToOutgoingEvent.tenantRegistrationData', tenantRegistrationData);
    check('scriptEnvironmentVariables', Object.keys(props.scriptEnvironmentVariables ?? {}));
    const both =
      Token.isUnresolved(stringVars) || Token.isUnresolved(jsonVars)
        ? []
        : stringVars.filter((n) => jsonVars.includes(n));
    if (both.length) errors.push(`'${both[0]}' is both a string and a JSON variable`);
    if (!VAR_NAME.test(props.jobIdentifierKey) || ['jobOutput', 'error', 'cause'].includes(props.jobIdentifierKey)) {
      errors.push(`jobIdentifierKey '${props.jobIdentifierKey}' must be a plain key other than jobOutput/error/cause`);
    }
    for (const k of Object.keys(props.jobFailureStatus)) {
      if (k.endsWith('.$'))
        errors.push(`jobFailureStatus key '${k}' must not end in '.$' (it would be read as a path)`);
    }
    if (Token.isUnresolved(this.timeoutSeconds)) {
      // a Terraform number: validated where it is declared
    } else if (!Number.isInteger(this.timeoutSeconds) || this.timeoutSeconds < 1 || this.timeoutSeconds > 2160 * 60) {
      errors.push(`timeoutSeconds must be an integer from 1 to ${2160 * 60}`);
    }
    if (!props.script.trim()) errors.push(`script is empty`);
  }
}

/** A string that is one cdktf token (e.g. a variable's value), not text with tokens embedded. */
function isWholeToken(s: string): boolean {
  return /^\$\{TfToken\[[A-Za-z0-9_.]+\]\}$/.test(s);
}
