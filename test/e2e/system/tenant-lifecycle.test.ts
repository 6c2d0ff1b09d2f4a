/**
 * End to end, as the synthesized system runs: the control-plane and application-plane stacks'
 * Terraform JSON drives everything — API routes and scopes, the JWT authorizer's issuer and audience,
 * EventBridge rules and patterns, Lambda environments, the Step Functions definition and the CodeBuild
 * buildspec. Every handler runs from its BUILT zip (what Terraform uploads), each function in its own
 * process with its declared environment (test/support/zip-lambda.ts), against DynamoDB Local; every request
 * carries a signed token verified against the synthesized authorizer configuration (issuer, audience), then
 * the route's scopes. The provisioning job is the application plane's own script run in bash with a
 * stand-in `aws` CLI (CloudFormation is the only thing not real here).
 *
 *   POST /tenants → onboardingRequest → [app plane] provisioning job → provisionSuccess
 *   → [control plane] results → tenant ACTIVE with the job's exports; billing customer created
 *   DELETE /tenants/{id} → offboardingRequest → deprovisioning job → deprovisionSuccess → OFFBOARDED
 *   and the failure path: job fails → provisionFailure → PROVISION_FAILED → POST …/retry → ACTIVE
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SCOPES } from '../../../src/contracts/scopes';
import { installAwsStandIn } from '../../../local/aws-stand-in';
import { EventBridgeCapture } from '../../../local/eventbridge-capture';
import type { LocalSystem } from '../../../local/system';
import type { SynthHarness } from '../../../local/synth-harness';
import { LocalJwtAuthorizer, synthesizedAuthorizer } from '../../support/http-api-authorizer';
import { startLocalPlanes } from '../../support/local-planes';
import { ZipLambdas } from '../../support/zip-lambda';

const BUS_NAME = 'e2e-sbt-events';
const POOL_ID = 'us-east-1_E2ELocal';
const ADMIN = [SCOPES.tenantRead, SCOPES.tenantWrite, SCOPES.billingRead];

/**
 * The job's `aws`: the recording stand-in (CloudFormation has no local engine) behind a wrapper that can make
 * one create-stack fail, as CloudFormation would (exit 255 + message on stderr), in a new temp folder.
 */
function failableAwsStandIn() {
  const work = mkdtempSync(join(tmpdir(), 'e2e-aws-'));
  const standIn = installAwsStandIn(work);
  /** While this file exists, the job's next `aws cloudformation create-stack` fails (and removes it). */
  const failNextCreate = join(work, 'fail-next-create-stack');
  const bin = join(work, 'failing-bin');
  mkdirSync(bin);
  writeFileSync(
    join(bin, 'aws'),
    `#!/usr/bin/env bash
if [ "$1 $2" = "cloudformation create-stack" ] && [ -f '${failNextCreate}' ]; then rm -f '${failNextCreate}'; echo "An error occurred (LimitExceededException) when calling the CreateStack operation: injected by the e2e test" >&2; exit 255; fi
exec '${join(standIn.bin, 'aws')}' "$@"
`,
  );
  chmodSync(join(bin, 'aws'), 0o755);
  return { work, bin, callLog: standIn.callLog, failNextCreate };
}

const bus = new EventBridgeCapture();
const zips = new ZipLambdas();
const aws = failableAwsStandIn();
let system: LocalSystem;
let cp: SynthHarness;
let authorizer: LocalJwtAuthorizer;

beforeAll(async () => {
  await bus.start();
  // Root mode: the sample tenant scripts (the module takes the caller's scripts as inputs).
  const planes = await startLocalPlanes(bus, {
    busName: BUS_NAME,
    label: 'e2e',
    poolId: POOL_ID,
    jobPath: [aws.bin],
    loadHandler: zips.load,
  });
  ({ cp, system } = planes);

  authorizer = await LocalJwtAuthorizer.create(
    synthesizedAuthorizer(planes.cpJson, (expr) => {
      if (/^data\.aws_region\.[^.]+\.(region|id|name)$/.test(expr)) return 'us-east-1';
      if (/^aws_cognito_user_pool\.[^.]+\.id$/.test(expr)) return POOL_ID;
      const client = /^aws_cognito_user_pool_client\.([^.]+)\.id$/.exec(expr);
      if (client) return `client-${client[1]}`;
      throw new Error(`unresolved ${expr}`);
    }),
  );
});

afterAll(async () => {
  await bus.stop();
  await zips.stop();
  rmSync(aws.work, { recursive: true, force: true });
});

/** A request as a client sends it: `scopes` → a signed access token; verified as API Gateway would, then routed. */
async function api(i: {
  method: string;
  path: string;
  body?: unknown;
  query?: Record<string, string>;
  scopes?: string[];
  token?: string;
}) {
  const token = i.token ?? (i.scopes ? await authorizer.token({ scopes: i.scopes }) : undefined);
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const claims = await authorizer.verify(headers);
  return cp.request({ method: i.method, path: i.path, body: i.body, query: i.query, headers, claims });
}

test('tokens are checked against the synthesized authorizer before any zip runs: issuer, audience, scope', async () => {
  const before = zips.loaded.length;
  const forged = await authorizer.token({
    scopes: ADMIN,
    issuer: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other',
  });
  expect((await api({ method: 'GET', path: '/tenants', token: forged })).status).toBe(401);
  expect(
    (
      await api({
        method: 'GET',
        path: '/tenants',
        token: await authorizer.token({ scopes: ADMIN, clientId: 'not-ours' }),
      })
    ).status,
  ).toBe(401);
  expect((await api({ method: 'GET', path: '/tenants', scopes: [SCOPES.userRead] })).status).toBe(403);
  expect(zips.loaded.length).toBe(before);
  expect((await api({ method: 'GET', path: '/tenants', scopes: [SCOPES.tenantRead] })).status).toBe(200);
  expect(zips.loaded).toContain('tenant-management-api');
});

test('onboarding and offboarding flow through both planes', async () => {
  // 1. The tutorial's request, through the synthesized route and its scope check.
  expect((await api({ method: 'POST', path: '/tenants', body: { tenantName: 'acme' } })).status).toBe(401);
  const created = await api({
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
  expect(readFileSync(aws.callLog, 'utf8')).toContain(`create-stack --stack-name sbt-tenant-${tenantId}`);

  const tenant = (await api({ method: 'GET', path: `/tenants/${tenantId}`, scopes: ADMIN })).body.data;
  expect(tenant).toMatchObject({
    lifecycleState: 'ACTIVE',
    tenantStatus: 'created',
    tenantS3Bucket: `sbt-tenant-${tenantId}-bucket`,
  });
  const config = await api({ method: 'GET', path: '/tenant-config', query: { tenantName: 'acme' } });
  expect(config).toEqual({
    status: 200,
    body: { tenantId, tier: 'premium', s3Bucket: `sbt-tenant-${tenantId}-bucket` },
  });
  const registration = await api({
    method: 'GET',
    path: `/tenant-registrations/${tenantRegistrationId}`,
    scopes: ADMIN,
  });
  expect(registration.body.data).toMatchObject({ registrationStatus: 'created', lifecycleState: 'ACTIVE' });
  const billing = await api({ method: 'GET', path: `/tenants/${tenantId}/billing`, scopes: [SCOPES.billingRead] });
  expect(billing.status).toBe(200);

  // 3. Offboarding.
  bus.clear();
  const deleted = await api({ method: 'DELETE', path: `/tenants/${tenantId}`, scopes: ADMIN });
  expect(deleted.status).toBe(200);
  await system.drain();
  expect(bus.events.map((e) => e.DetailType)).toEqual([
    'sbt_aws_offboardingRequest',
    'sbt_aws_tenantUpdated', // ACTIVE → OFFBOARDING
    'sbt_aws_deprovisionSuccess',
    'sbt_aws_tenantUpdated', // OFFBOARDING → OFFBOARDED
  ]);
  expect(readFileSync(aws.callLog, 'utf8')).toContain(`delete-stack --stack-name sbt-tenant-${tenantId}`);
  const gone = (await api({ method: 'GET', path: `/tenants/${tenantId}`, scopes: ADMIN })).body.data;
  expect(gone).toMatchObject({ lifecycleState: 'OFFBOARDED', sbtaws_active: false });
  expect(system.deliveries.filter((d) => d.outcome !== 'ok')).toEqual([]);
});

test('failure path end to end: the provisioning job fails → PROVISION_FAILED with the job error → POST …/retry → ACTIVE', async () => {
  bus.clear();
  system.deliveries.length = 0;
  writeFileSync(aws.failNextCreate, '');
  const created = await api({
    method: 'POST',
    path: '/tenants',
    scopes: ADMIN,
    body: { tenantName: 'fails-once', tier: 'basic', tenantStatus: 'In progress' },
  });
  expect(created.status).toBe(201);
  const { tenantId } = created.body.data as { tenantId: string };
  await system.drain();
  expect(bus.events.map((e) => `${e.Source} ${e.DetailType}`)).toEqual([
    'sbt.control.plane sbt_aws_onboardingRequest',
    'sbt.application.plane sbt_aws_provisionFailure',
    'sbt.control.plane sbt_aws_tenantUpdated',
  ]);
  const failed = (await api({ method: 'GET', path: `/tenants/${tenantId}`, scopes: ADMIN })).body.data;
  expect(failed.lifecycleState).toBe('PROVISION_FAILED');
  // What the job reported, as Step Functions' CodeBuild integration reports it: the failed build and the SBT
  // jobFailureStatus the job declares.
  expect(failed.lastError).toMatchObject({
    event: 'provisionFailed',
    error: 'States.TaskFailed',
    jobOutput: { tenantStatus: 'Failed to provision tenant.' },
  });
  // The cause is the CodeBuild build as Step Functions reports it; stored bounded (events stay under 256 KB), so it
  // is read as text, not re-parsed.
  const cause = String(failed.lastError.cause);
  expect(cause).toContain('"BuildStatus":"FAILED"');
  expect(cause).toMatch(/injected by the e2e test/); // the job's last log lines (Logs.Tail) name the failing call
  expect(failed.tenantStatus).toBe('Failed to provision tenant.');
  // The tenant-config lookup does not hand out a tenant that was never provisioned.
  expect(
    (await api({ method: 'GET', path: '/tenant-config', query: { tenantName: 'fails-once' } })).body,
  ).not.toHaveProperty('s3Bucket');

  // Retrying needs tenant_write; then the job runs again and succeeds.
  expect((await api({ method: 'POST', path: `/tenants/${tenantId}/retry`, scopes: [SCOPES.tenantRead] })).status).toBe(
    403,
  );
  bus.clear();
  const retried = await api({ method: 'POST', path: `/tenants/${tenantId}/retry`, scopes: ADMIN });
  expect([retried.status, retried.body.data.lifecycleState]).toEqual([202, 'PROVISIONING']);
  await system.drain();
  expect(bus.events.map((e) => e.DetailType)).toEqual([
    'sbt_aws_onboardingRequest',
    'sbt_aws_tenantUpdated',
    'sbt_aws_provisionSuccess',
    'sbt_aws_tenantUpdated',
  ]);
  const active = (await api({ method: 'GET', path: `/tenants/${tenantId}`, scopes: ADMIN })).body.data;
  expect(active).toMatchObject({
    lifecycleState: 'ACTIVE',
    tenantStatus: 'created',
    tenantS3Bucket: `sbt-tenant-${tenantId}-bucket`,
  });
  expect(active.lastError).toBeUndefined();
  expect((active.lifecycleHistory as { event: string }[]).map((r) => r.event)).toEqual([
    'register',
    'provision',
    'provisionFailed',
    'retryProvisioning',
    'provisionSucceeded',
  ]);
  expect(
    readFileSync(aws.callLog, 'utf8')
      .split('\n')
      .filter((l) => l.includes(`create-stack --stack-name sbt-tenant-${tenantId}`)),
  ).toHaveLength(1); // the failed call never reached the stand-in
});
