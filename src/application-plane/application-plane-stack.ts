import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { Fn, Token, type Construct } from '../core/cdktf';
import { EventManager, type EventManagerProps } from '../core/event-manager';
import { inputValidation, SbtStack, type SbtStackProps } from '../core/sbt-stack';
import { awsContext } from './aws-context';
import { CoreApplicationPlane } from './core-application-plane';
import { DeprovisioningScriptJob } from './deprovisioning-script-job';
import { ProvisioningScriptJob } from './provisioning-script-job';
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
  readonly eventSources?: Pick<EventManagerProps, 'controlPlaneEventSource' | 'applicationPlaneEventSource' | 'sourceOverrides'>;
  /**
   * Which SBT era's event names the jobs answer with (variable `event_era`): 'sbt-0.9' or 'pre-0.9'. The
   * jobs' rules match requests of both eras either way. @default 'sbt-0.9'
   */
  readonly eventEra?: 'sbt-0.9' | 'pre-0.9';
  /** Seconds a provisioning or deprovisioning build may run before it fails. @default 3600 */
  readonly jobTimeoutSeconds?: number;
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
      timeoutSeconds: props.jobTimeoutSeconds,
      buildImage: this.stringInput('build_image', {
        description: 'CodeBuild image both scripts run in (bash, the AWS CLI and jq are expected).',
        default: props.buildImage ?? 'aws/codebuild/amazonlinux2-x86_64-standard:5.0',
      }),
      computeType: this.stringInput('compute_type', {
        description: 'CodeBuild compute size of both scripts (BUILD_GENERAL1_SMALL … BUILD_GENERAL1_2XLARGE).',
        default: props.computeType ?? 'BUILD_GENERAL1_SMALL',
        validation: {
          condition: '${contains(["BUILD_GENERAL1_SMALL", "BUILD_GENERAL1_MEDIUM", "BUILD_GENERAL1_LARGE", "BUILD_GENERAL1_XLARGE", "BUILD_GENERAL1_2XLARGE"], var.compute_type)}',
          errorMessage: 'compute_type must be one of BUILD_GENERAL1_SMALL, _MEDIUM, _LARGE, _XLARGE, _2XLARGE.',
        },
      }),
    };
    // Module: the caller's scripts (required inputs; the sample scripts are only the HCL example's).
    // Root (cdktf deploy): the sample scripts, or the props' ones.
    const script = (job: 'provisioning' | 'deprovisioning', sample: string) =>
      module
        ? this.stringInput(`${job}_script`, {
            description: `Bash run by the ${job} job (CodeBuild build phase). Event detail keys arrive as variables (tenantId${job === 'provisioning' ? ', tier' : ''}); export tenantStatus (and ${job === 'provisioning' ? 'tenantS3Bucket, tenantConfig' : 'nothing else'}) to send them back; TENANT_STACK_PREFIX is set.`,
            validation: { condition: `\${length(trimspace(var.${job}_script)) > 0}`, errorMessage: `${job}_script must not be empty.` },
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

    this.provisioning = new ProvisioningScriptJob(this, 'provisioning', {
      ...common,
      jobName: this.name('provisioning'),
      script: script('provisioning', PROVISIONING_SCRIPT),
      permissions: samplePermissions('provisioning'),
      environmentStringVariablesFromIncomingEvent: ['tenantId', 'tier'],
      environmentVariablesToOutgoingEvent: {
        tenantData: ['tenantS3Bucket', 'tenantConfig', 'tenantStatus'],
        tenantRegistrationData: ['registrationStatus'],
      },
    });
    this.deprovisioning = new DeprovisioningScriptJob(this, 'deprovisioning', {
      ...common,
      jobName: this.name('deprovisioning'),
      script: script('deprovisioning', DEPROVISIONING_SCRIPT),
      permissions: samplePermissions('deprovisioning'),
      environmentStringVariablesFromIncomingEvent: ['tenantId'],
      environmentVariablesToOutgoingEvent: { tenantData: ['tenantStatus'], tenantRegistrationData: ['registrationStatus'] },
    });
    for (const job of [this.provisioning, this.deprovisioning]) this.extraStatements(job, job === this.provisioning ? 'provisioning' : 'deprovisioning');
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

    this.output('event_bus_arn', busArn, "The control plane's bus this plane is wired to (rules on it, or results forwarded to it).");
    this.output('provisioning_role_arn', this.provisioning.buildRole.role.arn, 'Role the provisioning script runs as (attach more policies to it).');
    this.output('deprovisioning_role_arn', this.deprovisioning.buildRole.role.arn, 'Role the deprovisioning script runs as.');
    this.output('provisioning_log_group_name', this.provisioning.buildLogGroup.name, 'CloudWatch log group of the provisioning builds.');
    this.output('deprovisioning_log_group_name', this.deprovisioning.buildLogGroup.name, 'CloudWatch log group of the deprovisioning builds.');
    this.output('provisioning_state_machine_arn', this.provisioning.stateMachine.arn, 'State machine that provisions a tenant on onboardingRequest.');
    this.output('deprovisioning_state_machine_arn', this.deprovisioning.stateMachine.arn, 'State machine that deprovisions a tenant on offboardingRequest.');
    this.output('provisioning_project_name', this.provisioning.codebuildProject.name, 'CodeBuild project running the provisioning script.');
    this.output('deprovisioning_project_name', this.deprovisioning.codebuildProject.name, 'CodeBuild project running the deprovisioning script.');
  }

  /**
   * Input `<job>_iam_statements`: what the caller's script may do in AWS, as a second policy on the
   * job's build role (only when the list is not empty: IAM rejects a policy without statements).
   */
  private extraStatements(job: ProvisioningScriptJob | DeprovisioningScriptJob, name: 'provisioning' | 'deprovisioning') {
    const input = `${name}_iam_statements`;
    const v = this.typedInput(input, 'list(object({ actions = list(string), resources = list(string), effect = optional(string, "Allow") }))', {
      description: `IAM statements the ${name} script needs (e.g. cloudformation:CreateStack on your tenant stacks), added to its build role.`,
      default: [],
      validation: {
        condition: `\${alltrue([for s in var.${input} : length(s.actions) > 0 && length(s.resources) > 0 && contains(["Allow", "Deny"], s.effect)])}`,
        errorMessage: `every statement of ${input} needs actions, resources and effect Allow or Deny.`,
      },
    });
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
