// The anchor of `npm run bench -- --anchor`: SBT-AWS's own scope — ControlPlane (Cognito, tenant management,
// registrations, users, tenant config; no billing or metering) in one stack and CoreApplicationPlane with
// SBT's integration-test provisioning and deprovisioning ScriptJobs in another — synthesized by AWS CDK.
// Runs from bench/.anchor (installed there from bench/anchor/package.json, outside the project's lockfile).
//
// Two things are switched off, both making SBT's synth faster than a user's, so every ratio printed against
// it is conservative:
// - asset bundling (`aws:cdk:bundling-stacks: []`): SBT's PythonFunctions bundle in Docker, which this
//   machine lacks;
// - aws-cdk-lib's built-in CloudFormation template validation (`builtinCloudFormationValidation: false`):
//   a WASM rule engine that recent aws-cdk-lib runs on every synth (profiled here: ~80 % of SBT's synth);
//   cdktf validates nothing at synth either, so synth is compared with synth.
const cdk = require('aws-cdk-lib');
const { PolicyDocument, PolicyStatement, Effect } = require('aws-cdk-lib/aws-iam');
const { EventBus } = require('aws-cdk-lib/aws-events');
const sbt = require('@cdklabs/sbt-aws');

const app = new cdk.App({ builtinCloudFormationValidation: false });
// After construction, so it also wins over the `['**']` that the cdk CLI passes in CDK_CONTEXT_JSON.
app.node.setContext('aws:cdk:bundling-stacks', []);

const controlPlaneStack = new cdk.Stack(app, 'ControlPlaneStack');
const controlPlane = new sbt.ControlPlane(controlPlaneStack, 'ControlPlane', { systemAdminEmail: 'admin@example.com' });

const appPlaneStack = new cdk.Stack(app, 'AppPlaneStack');
const eventManager = new sbt.EventManager(appPlaneStack, 'EventManager', {
  eventBus: EventBus.fromEventBusArn(appPlaneStack, 'EventBus', controlPlane.eventManager.busArn),
});
const policy = (actions) =>
  new PolicyDocument({ statements: [new PolicyStatement({ actions, resources: ['*'], effect: Effect.ALLOW })] });
const provisioning = new sbt.ProvisioningScriptJob(appPlaneStack, 'provisioningJobScript', {
  permissions: policy(['cloudformation:CreateStack', 'cloudformation:DescribeStacks', 's3:CreateBucket']),
  script: 'echo "provisioning $tenantId"\nexport tenantStatus="created"\n',
  environmentStringVariablesFromIncomingEvent: ['tenantId', 'tier', 'tenantName', 'email'],
  environmentJSONVariablesFromIncomingEvent: ['prices'],
  environmentVariablesToOutgoingEvent: { tenantData: ['tenantStatus'], tenantRegistrationData: ['tenantStatus'] },
  scriptEnvironmentVariables: { TEST: 'test' },
  eventManager,
});
const deprovisioning = new sbt.DeprovisioningScriptJob(appPlaneStack, 'deprovisioningJobScript', {
  permissions: policy(['cloudformation:DeleteStack', 'cloudformation:DescribeStacks', 's3:DeleteBucket']),
  script: 'echo "deprovisioning $tenantId"\nexport registrationStatus="deleted"\n',
  environmentStringVariablesFromIncomingEvent: ['tenantId'],
  environmentVariablesToOutgoingEvent: { tenantRegistrationData: ['registrationStatus'] },
  eventManager,
});
new sbt.CoreApplicationPlane(appPlaneStack, 'CoreApplicationPlane', {
  eventManager,
  scriptJobs: [provisioning, deprovisioning],
});

app.synth();
