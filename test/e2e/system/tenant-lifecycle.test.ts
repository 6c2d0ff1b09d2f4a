/**
 * End to end, as the synthesized system runs: the control-plane and application-plane stacks'
 * Terraform JSON drives everything — API routes and scopes, EventBridge rules and patterns, Lambda
 * environments, the Step Functions definition and the CodeBuild buildspec. Real handlers against
 * DynamoDB Local; the provisioning job is the application plane's own script run in bash with a
 * stand-in `aws` CLI (CloudFormation is the only thing not real here).
 *
 *   POST /tenants → onboardingRequest → [app plane] provisioning job → provisionSuccess
 *   → [control plane] results → tenant ACTIVE with the job's exports; billing customer created
 *   DELETE /tenants/{id} → offboardingRequest → deprovisioning job → deprovisionSuccess → OFFBOARDED
 */
import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { ApplicationPlaneStack } from '../../../src/application-plane/application-plane-stack';
import { ControlPlaneStack } from '../../../src/control-plane/control-plane-stack';
import { SCOPES } from '../../../src/core/scopes';
import { installAwsStandIn } from '../../../local/aws-stand-in';
import { EventBridgeCapture } from '../../../local/eventbridge-capture';
import { LocalStepFunctions } from '../../../local/step-functions';
import { LocalSystem } from '../../../local/system';
import { synthStack, testApp } from '../../support/synth';
import { SynthHarness } from '../../../local/synth-harness';
import { createTablesFromSynth, uniquePrefix } from '../../../local/tables';

const BUS_NAME = 'e2e-sbt-events';
const BUS_ARN = `arn:aws:events:us-east-1:123456789012:event-bus/${BUS_NAME}`;
const ADMIN = [SCOPES.tenantRead, SCOPES.tenantWrite, SCOPES.billingRead];

const bus = new EventBridgeCapture();
let system: LocalSystem;
let cp: SynthHarness;
let bin: string;
let cfnCalls: string;

beforeAll(async () => {
  await bus.start();
  const cpJson = synthStack(new ControlPlaneStack(testApp(), 'control-plane', { systemAdminEmail: 'admin@example.com' }));
  // Root mode: the sample tenant scripts (the module takes the caller's scripts as inputs).
  const apJson = synthStack(new ApplicationPlaneStack(testApp(), 'application-plane', { eventBusArn: BUS_ARN }));
  const tables = await createTablesFromSynth(cpJson as never, uniquePrefix('e2e'));
  cp = new SynthHarness(cpJson, {
    tables,
    busName: BUS_NAME,
    matches: LocalSystem.matches,
    references: { 'aws_cognito_user_pool.*.id': 'us-east-1_E2ELocal' },
  });
  const ap = new SynthHarness(apJson, { tables: {}, busName: BUS_NAME, matches: LocalSystem.matches });

  // The recording stand-in for the job's `aws` calls (CloudFormation has no local engine).
  bin = mkdtempSync(join(tmpdir(), 'e2e-aws-'));
  const standIn = installAwsStandIn(bin);
  cfnCalls = standIn.callLog;
  const stepFunctions = new LocalStepFunctions(apJson, {
    references: { 'var.event_bus_arn': BUS_ARN },
    path: [standIn.bin],
    accountId: '123456789012',
  });
  system = new LocalSystem(bus, [{ harness: cp }, { harness: ap, stepFunctions }], '123456789012');
});

afterAll(async () => {
  await bus.stop();
  rmSync(bin, { recursive: true, force: true });
});

test('onboarding and offboarding flow through both planes', async () => {
  // 1. The tutorial's request, through the synthesized route and its scope check.
  expect((await cp.request({ method: 'POST', path: '/tenants', body: { tenantName: 'acme' } })).status).toBe(401);
  const created = await cp.request({
    method: 'POST',
    path: '/tenants',
    scopes: ADMIN,
    body: { tenantName: 'acme', email: 'owner@acme.example', tier: 'premium', tenantStatus: 'In progress' },
  });
  expect(created.status).toBe(201);
  const { tenantId, tenantRegistrationId } = created.body.data as { tenantId: string; tenantRegistrationId: string };

  // 2. Let the system run: app plane provisions, control plane records the result, billing onboards.
  await system.drain();
  expect(system.deliveries.filter((d) => d.outcome !== 'ok')).toEqual([]);
  expect(bus.events.map((e) => `${e.Source} ${e.DetailType}`)).toEqual([
    'sbt.control.plane sbt_aws_onboardingRequest',
    'sbt.application.plane sbt_aws_provisionSuccess',
    'sbt.control.plane sbt_aws_tenantUpdated',
  ]);
  expect(system.deliveries.map((d) => `${d.detailType} → ${d.kind}`)).toEqual(
    expect.arrayContaining([
      'sbt_aws_onboardingRequest → states',
      'sbt_aws_onboardingRequest → lambda', // billing createCustomer
      'sbt_aws_provisionSuccess → lambda', // control-plane results
      'sbt_aws_tenantUpdated → lambda', // billing updateCustomer
    ]),
  );
  expect(readFileSync(cfnCalls, 'utf8')).toContain(`create-stack --stack-name sbt-tenant-${tenantId}`);

  const tenant = (await cp.request({ method: 'GET', path: `/tenants/${tenantId}`, scopes: ADMIN })).body.data;
  expect(tenant).toMatchObject({ lifecycleState: 'ACTIVE', tenantStatus: 'created', tenantS3Bucket: `sbt-tenant-${tenantId}-bucket` });
  const config = await cp.request({ method: 'GET', path: '/tenant-config', query: { tenantName: 'acme' } });
  expect(config).toEqual({ status: 200, body: { tenantId, tier: 'premium', s3Bucket: `sbt-tenant-${tenantId}-bucket` } });
  const registration = await cp.request({ method: 'GET', path: `/tenant-registrations/${tenantRegistrationId}`, scopes: ADMIN });
  expect(registration.body.data).toMatchObject({ registrationStatus: 'created', lifecycleState: 'ACTIVE' });
  const billing = await cp.request({ method: 'GET', path: `/tenants/${tenantId}/billing`, scopes: [SCOPES.billingRead] });
  expect(billing.status).toBe(200);

  // 3. Offboarding.
  bus.clear();
  const deleted = await cp.request({ method: 'DELETE', path: `/tenants/${tenantId}`, scopes: ADMIN });
  expect(deleted.status).toBe(200);
  await system.drain();
  expect(bus.events.map((e) => e.DetailType)).toEqual([
    'sbt_aws_offboardingRequest',
    'sbt_aws_tenantUpdated', // ACTIVE → OFFBOARDING
    'sbt_aws_deprovisionSuccess',
    'sbt_aws_tenantUpdated', // OFFBOARDING → OFFBOARDED
  ]);
  expect(readFileSync(cfnCalls, 'utf8')).toContain(`delete-stack --stack-name sbt-tenant-${tenantId}`);
  const gone = (await cp.request({ method: 'GET', path: `/tenants/${tenantId}`, scopes: ADMIN })).body.data;
  expect(gone).toMatchObject({ lifecycleState: 'OFFBOARDED', sbtaws_active: false });
  expect(system.deliveries.filter((d) => d.outcome !== 'ok')).toEqual([]);
});
