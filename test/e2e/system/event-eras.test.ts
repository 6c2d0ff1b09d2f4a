/**
 * Both SBT event eras end to end (issue 12), through the synthesized rules, state machines and handlers:
 *  - a pre-0.9 `onboardingRequest` (the seed's sample event: source `controlPlaneEventSource`) provisions;
 *  - a pre-0.9 `provisionSuccess` (from `applicationPlaneEventSource`) activates;
 *  - usage of both eras (`sbt_aws_ingestUsage` and the seed's `DetailType.INGEST_USAGE`) is counted;
 *  - a control plane set to emit pre-0.9 names drives an application plane listening for them.
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ApplicationPlaneStackProps } from '../../../src/application-plane/application-plane-stack';
import type { ControlPlaneStackProps } from '../../../src/control-plane/control-plane-stack';
import { DetailType } from '../../../src/contracts/event-catalog';
import { SCOPES } from '../../../src/contracts/scopes';
import { installAwsStandIn } from '../../../local/aws-stand-in';
import { matchesPattern } from '../../../local/event-pattern';
import { EventBridgeCapture } from '../../../local/eventbridge-capture';
import { startLocalPlanes } from '../../support/local-planes';

const BUS_NAME = 'eras-sbt-events';
const ADMIN = [SCOPES.tenantRead, SCOPES.tenantWrite, SCOPES.meteringRead, SCOPES.meteringWrite];

const bus = new EventBridgeCapture();
let bin: string;
let standIn: { bin: string; callLog: string };

beforeAll(async () => {
  await bus.start();
  bin = mkdtempSync(join(tmpdir(), 'eras-aws-'));
  standIn = installAwsStandIn(bin);
});
afterAll(async () => {
  await bus.stop();
  rmSync(bin, { recursive: true, force: true });
});
beforeEach(() => bus.clear());

async function world(
  controlPlane: Partial<ControlPlaneStackProps> = {},
  applicationPlane: Partial<ApplicationPlaneStackProps> = {},
) {
  return startLocalPlanes(bus, {
    busName: BUS_NAME,
    label: 'eras',
    poolId: 'us-east-1_Eras',
    jobPath: [standIn.bin],
    controlPlane,
    applicationPlane,
  });
}

/** Puts one event on the (loopback) bus as a sender of that era would. */
async function put(source: string, detailType: string, detail: Record<string, unknown>) {
  const res = await new EventBridgeClient({}).send(
    new PutEventsCommand({
      Entries: [{ EventBusName: BUS_NAME, Source: source, DetailType: detailType, Detail: JSON.stringify(detail) }],
    }),
  );
  expect(res.FailedEntryCount).toBe(0);
}

test("a pre-0.9 onboardingRequest (the seed's sample event) starts our provisioning job", async () => {
  const { system } = await world();
  const tenantId = 'e6878e03-ae2c-43ed-a863-08314487318b';
  await put('controlPlaneEventSource', 'onboardingRequest', {
    tenantId,
    tier: 'standard',
    tenantRegistrationId: 'reg-legacy-1',
  });
  await system.drain();
  expect(system.deliveries).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ detailType: 'onboardingRequest', kind: 'states', outcome: 'ok' }),
    ]),
  );
  expect(readFileSync(standIn.callLog, 'utf8')).toContain(`create-stack --stack-name sbt-tenant-${tenantId}`);
  // The job answers in its configured era (≥ 0.9 by default) with the registration id echoed.
  expect(bus.events.map((e) => `${e.Source} ${e.DetailType}`)).toContain(
    'sbt.application.plane sbt_aws_provisionSuccess',
  );
});

test('a pre-0.9 provisionSuccess activates the tenant (application plane emitting pre-0.9 names)', async () => {
  const { cp, system } = await world({}, { eventEra: 'pre-0.9' });
  const created = await cp.request({
    method: 'POST',
    path: '/tenant-registrations',
    scopes: ADMIN,
    body: { tenantData: { tenantName: 'legacy-app', tier: 'basic' } },
  });
  expect(created.status).toBe(201);
  const { tenantId } = created.body.data as { tenantId: string };
  await system.drain();
  expect(system.deliveries.filter((d) => d.outcome !== 'ok')).toEqual([]);
  expect(bus.events.map((e) => `${e.Source} ${e.DetailType}`)).toEqual(
    expect.arrayContaining([
      'sbt.control.plane sbt_aws_onboardingRequest',
      'applicationPlaneEventSource provisionSuccess',
    ]),
  );
  const tenant = (await cp.request({ method: 'GET', path: `/tenants/${tenantId}`, scopes: ADMIN })).body.data;
  expect(tenant).toMatchObject({ lifecycleState: 'ACTIVE', tenantStatus: 'created' });
});

test('a control plane emitting pre-0.9 names reaches an SBT pre-0.9 application plane rule, and provisions with ours', async () => {
  const { cp, system } = await world({ eventEra: 'pre-0.9' });
  const created = await cp.request({
    method: 'POST',
    path: '/tenant-registrations',
    scopes: ADMIN,
    body: { tenantData: { tenantName: 'old-era', tier: 'basic' } },
  });
  const { tenantId } = created.body.data as { tenantId: string };
  await system.drain();
  const request = bus.events.find((e) => e.DetailType === 'onboardingRequest')!;
  expect(request.Source).toBe('controlPlaneEventSource');
  // SBT before 0.9 created exactly this rule for a ProvisioningScriptJob.
  const sbtLegacyRule = { source: ['controlPlaneEventSource'], 'detail-type': ['onboardingRequest'] };
  expect(
    matchesPattern(sbtLegacyRule, {
      source: request.Source,
      'detail-type': request.DetailType,
      detail: request.detail,
    }),
  ).toBe(true);
  expect(request.detail).toMatchObject({ tenantId, tier: 'basic' });
  const tenant = (await cp.request({ method: 'GET', path: `/tenants/${tenantId}`, scopes: ADMIN })).body.data;
  expect(tenant.lifecycleState).toBe('ACTIVE');
  expect(bus.events.map((e) => e.DetailType)).toContain('tenantUpdated');
});

test('usage of both eras is counted', async () => {
  const { cp, system } = await world();
  const meter = (
    await cp.request({
      method: 'POST',
      path: '/meters',
      scopes: ADMIN,
      body: { label: 'SBT Meter', meterApiName: 'sbt-meter', meterType: 'sum_of_all_usage' },
    })
  ).body.data;
  await put('sbt.application.plane', 'sbt_aws_ingestUsage', {
    tenantId: 't1',
    meterApiName: 'sbt-meter',
    meterValue: 2,
  });
  // The seed: `detailType: DetailType.INGEST_USAGE, source: eventManager.applicationPlaneEventSource`.
  await put('sbt.application.plane', DetailType.INGEST_USAGE, {
    tenantId: 't1',
    meterApiName: 'sbt-meter',
    meterValue: 3,
  });
  await put('applicationPlaneEventSource', 'ingestUsage', { tenantId: 't2', meterApiName: 'sbt-meter', meterValue: 5 });
  await system.drain();
  expect(system.deliveries.filter((d) => d.outcome !== 'ok')).toEqual([]);
  const usage = await cp.request({ method: 'GET', path: `/usage/${meter.meterId}`, scopes: ADMIN });
  expect(usage.status).toBe(200);
  expect(usage.body.data).toMatchObject({ total: '10', events: 3 });
});
