import { Fn, Token, type Construct } from '../core/cdktf';
import { EventManager, type EventManagerProps } from '../core/event-manager';
import { SbtStack, type SbtStackProps } from '../core/sbt-stack';
import { awsContext } from './aws-context';
import { CoreApplicationPlane } from './core-application-plane';
import { DeprovisioningScriptJob } from './deprovisioning-script-job';
import { ProvisioningScriptJob } from './provisioning-script-job';
import { DEPROVISIONING_SCRIPT, PROVISIONING_SCRIPT } from './tenant-scripts';

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
    const common = {
      eventManager: this.eventManager,
      scriptEnvironmentVariables: { TENANT_STACK_PREFIX: tenantStackPrefix },
      timeoutSeconds: props.jobTimeoutSeconds,
      buildImage: props.buildImage,
      computeType: props.computeType,
    };
    const stacks = `arn:${ctx.partition}:cloudformation:${ctx.region}:${ctx.accountId}:stack/${tenantStackPrefix}-*/*`;
    // CloudFormation names the bucket after the (lower-case) stack: <prefix>-tenant-<tenantId>-mybucket-<suffix>.
    const buckets = `arn:${ctx.partition}:s3:::${tenantStackPrefix}-*`;

    this.provisioning = new ProvisioningScriptJob(this, 'provisioning', {
      ...common,
      jobName: this.name('provisioning'),
      script: PROVISIONING_SCRIPT,
      permissions: [
        { actions: ['cloudformation:CreateStack', 'cloudformation:DescribeStacks'], resources: [stacks] },
        { actions: ['s3:CreateBucket'], resources: [buckets] },
      ],
      environmentStringVariablesFromIncomingEvent: ['tenantId', 'tier'],
      environmentVariablesToOutgoingEvent: {
        tenantData: ['tenantS3Bucket', 'tenantConfig', 'tenantStatus'],
        tenantRegistrationData: ['registrationStatus'],
      },
    });
    this.deprovisioning = new DeprovisioningScriptJob(this, 'deprovisioning', {
      ...common,
      jobName: this.name('deprovisioning'),
      script: DEPROVISIONING_SCRIPT,
      permissions: [
        { actions: ['cloudformation:DeleteStack', 'cloudformation:DescribeStacks'], resources: [stacks] },
        { actions: ['s3:DeleteBucket'], resources: [buckets] },
      ],
      environmentStringVariablesFromIncomingEvent: ['tenantId'],
      environmentVariablesToOutgoingEvent: { tenantData: ['tenantStatus'], tenantRegistrationData: ['registrationStatus'] },
    });
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

    this.output('provisioning_state_machine_arn', this.provisioning.stateMachine.arn, 'State machine that provisions a tenant on onboardingRequest.');
    this.output('deprovisioning_state_machine_arn', this.deprovisioning.stateMachine.arn, 'State machine that deprovisions a tenant on offboardingRequest.');
    this.output('provisioning_project_name', this.provisioning.codebuildProject.name, 'CodeBuild project running the provisioning script.');
    this.output('deprovisioning_project_name', this.deprovisioning.codebuildProject.name, 'CodeBuild project running the deprovisioning script.');
  }

  private busArnInput(props: ApplicationPlaneStackProps): string {
    const description =
      "ARN of the control plane's SBT event bus (control-plane output event_bus_arn). Rules for onboarding/offboarding requests are created on it and results are put on it.";
    const validation = {
      condition: '${can(regex("^arn:aws[a-z-]*:events:[a-z0-9-]+:[0-9]{12}:event-bus/[A-Za-z0-9._/-]+$", var.event_bus_arn))}',
      errorMessage: 'event_bus_arn must be an EventBridge event-bus ARN (arn:<partition>:events:<region>:<account>:event-bus/<name>).',
    };
    if (this.mode === 'module') return this.stringInput('event_bus_arn', { description, validation });
    if (!props.eventBusArn) throw new Error(`${this.node.path}: root mode needs eventBusArn (the control plane's bus ARN)`);
    if (Token.isUnresolved(props.eventBusArn)) return props.eventBusArn;
    return this.stringInput('event_bus_arn', { description, validation, default: props.eventBusArn });
  }
}
