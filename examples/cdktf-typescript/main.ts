/**
 * A SaaS team's own cdktf app built from the toolkit: the control plane with Cognito and the reference
 * billing/metering providers, and an application plane in its own stack whose provisioning job is the
 * seed tutorial's ScriptJob — ported from SBT by changing imports (and the IAM document to statements).
 *
 * This folder is a complete app (package.json, cdktf.json, tsconfig.json): copy it, `npm install`, then
 * `npx cdktf synth` or `npm run synth`. test/e2e/package/consumer-app.test.ts does exactly that with the
 * packed tarball, and test/synth/examples.test.ts synthesizes it against the sources.
 */
import { App } from 'cdktf';
import {
  ControlPlaneStack,
  CoreApplicationPlane,
  EventManager,
  ProvisioningScriptJob,
  SbtStack,
} from 'terraform-saas-builder-toolkit';

// Output folder: CDKTF_OUTDIR (set by the cdktf CLI) or cdktf.out.
const app = new App();

// The control plane: API, Cognito, tenants, registrations, users, config, billing and metering.
const controlPlane = new ControlPlaneStack(app, 'acme-control-plane', {
  namePrefix: 'acme',
  region: 'eu-west-1',
  systemAdminEmail: 'platform@acme.example',
  corsAllowOrigins: ['https://admin.acme.example'],
});

// The application plane, in its own stack: it adopts the control plane's bus by ARN (cdktf turns the
// cross-stack reference into a remote-state lookup), so either stack can be deployed on its own.
const appStack = new SbtStack(app, 'acme-application-plane', { namePrefix: 'acme', region: 'eu-west-1' });
const eventManager = new EventManager(appStack, 'events', { eventBusArn: controlPlane.eventManager.busArn });

const provisioning = new ProvisioningScriptJob(appStack, 'provisioning', {
  eventManager,
  // SBT's PolicyDocument becomes a list of statements.
  permissions: [
    {
      actions: ['cloudformation:CreateStack', 'cloudformation:DescribeStacks'],
      resources: ['arn:aws:cloudformation:*:*:stack/tenantTemplateStack-*/*'],
    },
    { actions: ['s3:CreateBucket'], resources: ['arn:aws:s3:::*'] },
  ],
  script: `
echo "starting..."
cat > template.json << EOM
{"AWSTemplateFormatVersion":"2010-09-09","Resources":{"MyBucket":{"Type":"AWS::S3::Bucket"}},"Outputs":{"S3Bucket":{"Value":{"Ref":"MyBucket"}}}}
EOM
aws cloudformation create-stack --stack-name "tenantTemplateStack-\${tenantId}" --template-body "file://template.json"
aws cloudformation wait stack-create-complete --stack-name "tenantTemplateStack-\${tenantId}"
export tenantS3Bucket=$(aws cloudformation describe-stacks --stack-name "tenantTemplateStack-\${tenantId}" | jq -r '.Stacks[0].Outputs[0].OutputValue')
export tenantConfig=$(jq -n --arg b "$tenantS3Bucket" '{bucket: $b}')
export tenantStatus="created"
`,
  environmentStringVariablesFromIncomingEvent: ['tenantId', 'tier'],
  environmentVariablesToOutgoingEvent: { tenantData: ['tenantS3Bucket', 'tenantConfig', 'tenantStatus'] },
  scriptEnvironmentVariables: { TEST: 'test' },
});

new CoreApplicationPlane(appStack, 'application-plane', { eventManager, scriptJobs: [provisioning] });

app.synth();
