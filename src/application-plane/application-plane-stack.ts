import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { Fn, Op, Token, type Construct } from '../core/cdktf';
import { EventManager, type EventManagerProps } from '../core/event-manager';
import { inputValidation, SbtStack, type SbtStackProps } from '../core/sbt-stack';
import { awsContext } from './aws-context';
import { CoreApplicationPlane } from './core-application-plane';
import { DeprovisioningScriptJob } from './deprovisioning-script-job';
import { ProvisioningScriptJob } from './provisioning-script-job';
import type { EnvironmentVariablesToOutgoingEventProps, ScriptJob } from './script-job';
import { DEPROVISIONING_SCRIPT, PROVISIONING_SCRIPT } from './tenant-scripts';
import { propsErrors } from '../core/props-validation';

export interface ApplicationPlaneStackProps extends SbtStackProps {
  /**
   * ARN of the control plane's event bus. Root mode: required; a literal ARN becomes the default of the
   * input `event_bus_arn`, a reference to another stack's bus (e.g. `controlPlane.eventManager.busArn`)
   * is used as is (cdktf wires the cross-stack reference; Terraform variables cannot default to one).
   * Module mode: ignored, the input `event_bus_arn` is required.
   */
  readonly eventBusArn?: string;
  /** Event sources, when the control plane overrides SBT's. @default SBT's (`sbt.control.plane`, `sbt.application.plane`) */
  readonly eventSources?: Pick<
    EventManagerProps,
    'controlPlaneEventSource' | 'applicationPlaneEventSource' | 'sourceOverrides'
  >;
  /**
   * Which SBT era's event names the jobs answer with (variable `event_era`): 'sbt-0.9' or 'pre-0.9'. The
   * jobs' rules match requests of both eras either way. @default 'sbt-0.9'
   */
  readonly eventEra?: 'sbt-0.9' | 'pre-0.9';
  /**
   * Minutes a provisioning or deprovisioning build may run before the job fails with `States.Timeout`
   * (CodeBuild's range, 5–2160; the state machine's task timeout is the same, its execution timeout 5
   * minutes longer). Root mode: fixed at synth; module mode: the default of the input `job_timeout_minutes`.
   * @default 60 (SBT's one hour)
   */
  readonly jobTimeoutMinutes?: number;
  /** @deprecated use `jobTimeoutMinutes` (a whole number of minutes, 300–129600 seconds). */
  readonly jobTimeoutSeconds?: number;
  /**
   * Which variables the provisioning job passes in from the onboarding event and returns in its success
   * event. Root mode: fixed at synth; module mode: the defaults of the inputs `provisioning_event_variables`,
   * `provisioning_event_json_variables`, `provisioning_tenant_data_variables`,
   * `provisioning_registration_data_variables`.
   * @default in: tenantId, tier; out: tenantS3Bucket, tenantConfig, tenantStatus (tenant data), registrationStatus (registration data)
   */
  readonly provisioningVariables?: JobVariables;
  /**
   * The same for the deprovisioning job (inputs `deprovisioning_*_variables`).
   * @default in: tenantId; out: tenantStatus (tenant data), registrationStatus (registration data)
   */
  readonly deprovisioningVariables?: JobVariables;
  /** CodeBuild image of both jobs. @default ScriptJob's (amazonlinux2-x86_64-standard:5.0) */
  readonly buildImage?: string;
  /** CodeBuild compute type of both jobs. @default ScriptJob's (BUILD_GENERAL1_SMALL) */
  readonly computeType?: string;
  /**
   * The control plane lives in another AWS account (an application plane per account or per cell).
   * EventBridge rules cannot be created on another account's bus, so this stack then owns a bus
   * (`<prefix>-app-plane-events`, output `application_plane_event_bus_arn`) that lets the control plane's
   * account put events; the control plane forwards its request events to it (ControlPlaneStack
   * `applicationPlaneEventBusArns`), and the job results are forwarded back to the control plane's bus.
   * @default false (same account: rules directly on the control plane's bus)
   */
  readonly crossAccount?: boolean;
}

/** The variables a tenant-lifecycle job passes in and exports (ScriptJob's props of the same names). */
export interface JobVariables {
  /** Top-level keys of the incoming event's `detail` given to the script as string variables. */
  readonly environmentStringVariablesFromIncomingEvent?: string[];
  /** Top-level keys of the incoming `detail` given to the script as JSON strings. @default none */
  readonly environmentJSONVariablesFromIncomingEvent?: string[];
  /** Variables the script exports, returned in the success event's `jobOutput`. */
  readonly environmentVariablesToOutgoingEvent?: EnvironmentVariablesToOutgoingEventProps;
}

/** Today's (and SBT's tutorial's) variables of the two jobs. */
const DEFAULT_JOB_VARIABLES: Record<
  'provisioning' | 'deprovisioning',
  Required<JobVariables> & { environmentVariablesToOutgoingEvent: Required<EnvironmentVariablesToOutgoingEventProps> }
> = {
  provisioning: {
    environmentStringVariablesFromIncomingEvent: ['tenantId', 'tier'],
    environmentJSONVariablesFromIncomingEvent: [],
    environmentVariablesToOutgoingEvent: {
      tenantData: ['tenantS3Bucket', 'tenantConfig', 'tenantStatus'],
      tenantRegistrationData: ['registrationStatus'],
    },
  },
  deprovisioning: {
    environmentStringVariablesFromIncomingEvent: ['tenantId'],
    environmentJSONVariablesFromIncomingEvent: [],
    environmentVariablesToOutgoingEvent: {
      tenantData: ['tenantStatus'],
      tenantRegistrationData: ['registrationStatus'],
    },
  },
};

/** Terraform condition: every name a shell variable name, not CodeBuild's, listed once. */
const namesCondition = (input: string) =>
  `\${alltrue([for n in var.${input} : can(regex("^[A-Za-z_][A-Za-z0-9_]*$", n)) && !startswith(n, "CODEBUILD_")]) && length(distinct(var.${input})) == length(var.${input})}`;

/**
 * The `application-plane` stack / module: adopts the control plane's bus and provisions / deprovisions
 * tenants with SBT's tutorial scripts (one CloudFormation stack with an S3 bucket per tenant).
 */
export class ApplicationPlaneStack extends SbtStack {
  readonly eventManager: EventManager;
  readonly provisioning: ProvisioningScriptJob;
  readonly deprovisioning: DeprovisioningScriptJob;
  readonly applicationPlane: CoreApplicationPlane;

  constructor(scope: Construct, id: string, props: ApplicationPlaneStackProps = {}) {
    super(scope, id, props);
    this.useStableAddresses('application-plane', ['application-plane']);
    const busArn = this.busArnInput(props);
    const eventEra = this.eventEraInput(props.eventEra);
    this.eventManager = props.crossAccount
      ? new EventManager(this, 'events', {
          busName: this.name('app-plane-events'),
          // arn:<partition>:events:<region>:<account>:event-bus/<name> → the control plane's account
          allowPutEventsFromAccounts: [Fn.element(Fn.split(':', busArn), 4)],
          eventEra,
          ...(props.eventSources ?? {}),
        })
      : new EventManager(this, 'events', { eventBusArn: busArn, eventEra, ...(props.eventSources ?? {}) });

    const ctx = awsContext(this);
    const tenantStackPrefix = this.name('tenant');
    const module = this.mode === 'module';
    const common = {
      eventManager: this.eventManager,
      scriptEnvironmentVariables: { TENANT_STACK_PREFIX: tenantStackPrefix },
      timeoutSeconds: this.timeoutInput(props),
      buildImage: this.stringInput('build_image', {
        description: 'CodeBuild image both scripts run in (bash, the AWS CLI and jq are expected).',
        default: props.buildImage ?? 'aws/codebuild/amazonlinux2-x86_64-standard:5.0',
      }),
      computeType: this.stringInput('compute_type', {
        description: 'CodeBuild compute size of both scripts (BUILD_GENERAL1_SMALL … BUILD_GENERAL1_2XLARGE).',
        default: props.computeType ?? 'BUILD_GENERAL1_SMALL',
        validation: {
          condition:
            '${contains(["BUILD_GENERAL1_SMALL", "BUILD_GENERAL1_MEDIUM", "BUILD_GENERAL1_LARGE", "BUILD_GENERAL1_XLARGE", "BUILD_GENERAL1_2XLARGE"], var.compute_type)}',
          errorMessage: 'compute_type must be one of BUILD_GENERAL1_SMALL, _MEDIUM, _LARGE, _XLARGE, _2XLARGE.',
        },
      }),
    };
    // Module: the caller's scripts (required inputs; the sample scripts are only the HCL example's).
    // Root (cdktf deploy): the sample scripts, or the props' ones.
    const script = (job: 'provisioning' | 'deprovisioning', sample: string) =>
      module
        ? this.stringInput(`${job}_script`, {
            description: `Bash run by the ${job} job (CodeBuild build phase). The event detail keys listed in ${job}_event_variables / ${job}_event_json_variables arrive as variables; export the ones listed in ${job}_tenant_data_variables / ${job}_registration_data_variables to send them back; TENANT_STACK_PREFIX is set.`,
            validation: {
              condition: `\${length(trimspace(var.${job}_script)) > 0}`,
              errorMessage: `${job}_script must not be empty.`,
            },
          })
        : sample;
    // The sample scripts' permissions; a caller's scripts get theirs from the *_iam_statements inputs.
    const samplePermissions = (job: 'provisioning' | 'deprovisioning') =>
      module
        ? []
        : job === 'provisioning'
          ? [
              { actions: ['cloudformation:CreateStack', 'cloudformation:DescribeStacks'], resources: [stacks] },
              { actions: ['s3:CreateBucket'], resources: [buckets] },
            ]
          : [
              { actions: ['cloudformation:DeleteStack', 'cloudformation:DescribeStacks'], resources: [stacks] },
              { actions: ['s3:DeleteBucket'], resources: [buckets] },
            ];
    const stacks = `arn:${ctx.partition}:cloudformation:${ctx.region}:${ctx.accountId}:stack/${tenantStackPrefix}-*/*`;
    // CloudFormation names the bucket after the (lower-case) stack: <prefix>-tenant-<tenantId>-mybucket-<suffix>.
    const buckets = `arn:${ctx.partition}:s3:::${tenantStackPrefix}-*`;

    // Both jobs: the common settings, their name, script (an input in module mode), sample permissions and
    // event variables (inputs created in this order, provisioning's first).
    const jobProps = (
      job: 'provisioning' | 'deprovisioning',
      sample: string,
      variables: ApplicationPlaneStackProps['provisioningVariables'],
    ) => ({
      ...common,
      jobName: this.name(job),
      script: script(job, sample),
      permissions: samplePermissions(job),
      ...this.jobVariables(job, variables),
    });
    this.provisioning = new ProvisioningScriptJob(
      this,
      'provisioning',
      jobProps('provisioning', PROVISIONING_SCRIPT, props.provisioningVariables),
    );
    this.deprovisioning = new DeprovisioningScriptJob(
      this,
      'deprovisioning',
      jobProps('deprovisioning', DEPROVISIONING_SCRIPT, props.deprovisioningVariables),
    );
    for (const job of [this.provisioning, this.deprovisioning])
      this.extraStatements(job, job === this.provisioning ? 'provisioning' : 'deprovisioning');
    if (module) {
      // A name both a string and a JSON variable would be overridden twice (CodeBuild keeps one): refused at plan.
      for (const job of ['provisioning', 'deprovisioning'] as const) {
        (job === 'provisioning' ? this.provisioning : this.deprovisioning).stateMachine.addOverride(
          'lifecycle.precondition',
          [
            {
              condition: `\${length(setintersection(var.${job}_event_variables, var.${job}_event_json_variables)) == 0}`,
              error_message: `${job}_event_variables and ${job}_event_json_variables must not share a name.`,
            },
          ],
        );
      }
    }
    this.applicationPlane = new CoreApplicationPlane(this, 'application-plane', {
      eventManager: this.eventManager,
      scriptJobs: [this.provisioning, this.deprovisioning],
    });

    if (props.crossAccount) {
      const e = this.eventManager.events;
      this.eventManager.forwardEvents(this, {
        targetBusArn: busArn,
        events: [e.provisionSuccess, e.provisionFailure, e.deprovisionSuccess, e.deprovisionFailure],
        roleName: this.name('app-plane-results-forwarder'),
      });
      this.output(
        'application_plane_event_bus_arn',
        this.eventManager.busArn,
        "This plane's bus: give it to the control plane (applicationPlaneEventBusArns) so request events reach it.",
      );
    }

    this.output(
      'event_bus_arn',
      busArn,
      "The control plane's bus this plane is wired to (rules on it, or results forwarded to it).",
    );
    // The same four outputs per job, provisioning's then deprovisioning's of each (their order in the module).
    const jobs = [
      ['provisioning', this.provisioning, 'provisions', 'onboardingRequest'],
      ['deprovisioning', this.deprovisioning, 'deprovisions', 'offboardingRequest'],
    ] as const;
    const perJob: [string, (job: ScriptJob) => string, (kind: string, verb: string, event: string) => string][] = [
      [
        'role_arn',
        (job) => job.buildRole.role.arn,
        (kind) => `Role the ${kind} script runs as${kind === 'provisioning' ? ' (attach more policies to it)' : ''}.`,
      ],
      ['log_group_name', (job) => job.buildLogGroup.name, (kind) => `CloudWatch log group of the ${kind} builds.`],
      [
        'state_machine_arn',
        (job) => job.stateMachine.arn,
        (_, verb, event) => `State machine that ${verb} a tenant on ${event}.`,
      ],
      ['project_name', (job) => job.codebuildProject.name, (kind) => `CodeBuild project running the ${kind} script.`],
    ];
    for (const [suffix, value, describe] of perJob) {
      for (const [kind, job, verb, event] of jobs)
        this.output(`${kind}_${suffix}`, value(job), describe(kind, verb, event));
    }
  }

  /**
   * The job's timeout in seconds. Module: input `job_timeout_minutes` (× 60, a Terraform number); root: the
   * props' value, fixed at synth.
   */
  private timeoutInput(props: ApplicationPlaneStackProps): number {
    const where = `${this.node.path}: jobTimeoutMinutes`;
    let minutes = props.jobTimeoutMinutes;
    if (minutes === undefined && props.jobTimeoutSeconds !== undefined) {
      if (this.mode === 'root') return props.jobTimeoutSeconds; // as before (ScriptJob checks it)
      minutes = props.jobTimeoutSeconds / 60;
    }
    minutes ??= 60;
    if (!Number.isInteger(minutes) || minutes < 5 || minutes > 2160)
      throw new Error(`${where} must be a whole number of minutes from 5 to 2160 (CodeBuild's range), got ${minutes}`);
    if (this.mode === 'root') return minutes * 60;
    const input = this.numberInput('job_timeout_minutes', {
      description:
        "Minutes a provisioning or deprovisioning build may run; past it the build is stopped and the job's failure event (States.Timeout) is sent. CodeBuild's range: 5-2160.",
      default: minutes,
      validation: {
        condition:
          '${var.job_timeout_minutes >= 5 && var.job_timeout_minutes <= 2160 && floor(var.job_timeout_minutes) == var.job_timeout_minutes}',
        errorMessage:
          'job_timeout_minutes must be a whole number of minutes from 5 to 2160 (CodeBuild build timeout range).',
      },
    });
    return Op.mul(input, 60) as unknown as number;
  }

  /**
   * The variables a job passes in and exports. Module: four list inputs per job (validated names; the
   * definition and buildspec are built from them by Terraform); root: the props' lists, fixed at synth.
   */
  private jobVariables(job: 'provisioning' | 'deprovisioning', given: JobVariables | undefined) {
    const d = DEFAULT_JOB_VARIABLES[job];
    const out = { ...d.environmentVariablesToOutgoingEvent, ...(given?.environmentVariablesToOutgoingEvent ?? {}) };
    const values = {
      environmentStringVariablesFromIncomingEvent:
        given?.environmentStringVariablesFromIncomingEvent ?? d.environmentStringVariablesFromIncomingEvent,
      environmentJSONVariablesFromIncomingEvent:
        given?.environmentJSONVariablesFromIncomingEvent ?? d.environmentJSONVariablesFromIncomingEvent,
      environmentVariablesToOutgoingEvent: {
        tenantData: out.tenantData ?? [],
        tenantRegistrationData: out.tenantRegistrationData ?? [],
      },
    };
    if (this.mode === 'root') return values;
    const event = job === 'provisioning' ? 'onboardingRequest' : 'offboardingRequest';
    const list = (suffix: string, description: string, value: string[]) => {
      const name = `${job}_${suffix}`;
      return this.listInput(name, {
        description,
        default: value,
        validation: {
          condition: namesCondition(name),
          errorMessage: `${name}: every name must match ^[A-Za-z_][A-Za-z0-9_]*$, must not start with CODEBUILD_ (reserved by CodeBuild) and must be listed once.`,
        },
      });
    };
    return {
      environmentStringVariablesFromIncomingEvent: list(
        'event_variables',
        `Top-level keys of the ${event} event's detail the ${job} script gets as string variables of the same name (a missing key fails the job with SBT.MissingEventVariable).`,
        values.environmentStringVariablesFromIncomingEvent,
      ),
      environmentJSONVariablesFromIncomingEvent: list(
        'event_json_variables',
        `Top-level keys of the ${event} event's detail the ${job} script gets as JSON strings (objects, arrays, numbers).`,
        values.environmentJSONVariablesFromIncomingEvent,
      ),
      environmentVariablesToOutgoingEvent: {
        tenantData: list(
          'tenant_data_variables',
          `Variables the ${job} script exports that go back in the success event's jobOutput.tenantData (written to the tenant; unset ones arrive as "").`,
          values.environmentVariablesToOutgoingEvent.tenantData,
        ),
        tenantRegistrationData: list(
          'registration_data_variables',
          `Variables the ${job} script exports that go back in jobOutput.tenantRegistrationData (written to the registration, e.g. registrationStatus).`,
          values.environmentVariablesToOutgoingEvent.tenantRegistrationData,
        ),
      },
    };
  }

  /**
   * Input `<job>_iam_statements`: what the caller's script may do in AWS, as a second policy on the
   * job's build role (only when the list is not empty: IAM rejects a policy without statements).
   */
  private extraStatements(
    job: ProvisioningScriptJob | DeprovisioningScriptJob,
    name: 'provisioning' | 'deprovisioning',
  ) {
    const input = `${name}_iam_statements`;
    const v = this.typedInput(
      input,
      'list(object({ actions = list(string), resources = list(string), effect = optional(string, "Allow") }))',
      {
        description: `IAM statements the ${name} script needs (e.g. cloudformation:CreateStack on your tenant stacks), added to its build role.`,
        default: [],
        validation: {
          condition: `\${alltrue([for s in var.${input} : length(s.actions) > 0 && length(s.resources) > 0 && contains(["Allow", "Deny"], s.effect)])}`,
          errorMessage: `every statement of ${input} needs actions, resources and effect Allow or Deny.`,
        },
      },
    );
    new IamRolePolicy(job, 'extra-policy', {
      count: Token.asNumber(Fn.min([1, Fn.lengthOf(v.value)])),
      name: 'caller-statements',
      role: job.buildRole.role.name,
      policy: `\${jsonencode({ Version = "2012-10-17", Statement = [for s in var.${input} : { Effect = s.effect, Action = s.actions, Resource = s.resources }] })}`,
    });
  }

  private busArnInput(props: ApplicationPlaneStackProps): string {
    const description =
      "ARN of the control plane's SBT event bus (control-plane output event_bus_arn). Rules for onboarding/offboarding requests are created on it and results are put on it.";
    const validation = inputValidation.eventBusArn('event_bus_arn');
    if (this.mode === 'module') return this.stringInput('event_bus_arn', { description, validation });
    if (!props.eventBusArn) {
      propsErrors(this).push("root mode needs eventBusArn (the control plane's bus ARN)");
      return this.stringInput('event_bus_arn', { description, validation });
    }
    if (Token.isUnresolved(props.eventBusArn)) return props.eventBusArn;
    return this.stringInput('event_bus_arn', { description, validation, default: props.eventBusArn });
  }
}
