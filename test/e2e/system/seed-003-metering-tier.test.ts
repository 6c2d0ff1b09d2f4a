/**
 * Seed 003, the metering half (issue 12 item 4): a tier change reaches metering too. The synthesized
 * rules deliver `onboardingRequest` and the control plane's `tenantUpdated` to the reference metering
 * provider's real tenant-plan handler; usage ingested afterwards is recorded under the new tier, and
 * GET /usage reports the split. A lifecycle-only `tenantUpdated` and a late redelivery of the old tier
 * change nothing.
 */
import { ControlPlaneStack } from '../../../src/control-plane/control-plane-stack';
import { SCOPES } from '../../../src/contracts/scopes';
import { EventBridgeCapture } from '../../../local/eventbridge-capture';
import { LocalSystem } from '../../../local/system';
import type { SynthHarness } from '../../../local/synth-harness';
import { controlPlaneHarness } from '../../support/control-plane-harness';
import { resourcesOf, synthStack, testApp } from '../../support/synth';

const ADMIN = [SCOPES.tenantRead, SCOPES.tenantWrite, SCOPES.meteringRead, SCOPES.meteringWrite];
const bus = new EventBridgeCapture();
let cp: SynthHarness;
let system: LocalSystem;
let json: ReturnType<typeof synthStack>;

beforeAll(async () => {
  await bus.start();
  json = synthStack(new ControlPlaneStack(testApp(), 'control-plane', { systemAdminEmail: 'admin@example.com' }));
  cp = await controlPlaneHarness(json, 'seed003m');
  system = new LocalSystem(bus, [{ harness: cp }]);
});
afterAll(() => bus.stop());

const usage = (tenantId: string, eventId: string, meterValue: number) =>
  cp.publish('sbt.application.plane', 'sbt_aws_ingestUsage', {
    tenantId,
    meterApiName: 'api-calls',
    meterValue,
    eventId,
  });

test('usage after a tier change is recorded under the new tier, through the synthesized rules', async () => {
  const meter = await cp.request({
    method: 'POST',
    path: '/meters',
    scopes: ADMIN,
    body: { label: 'API calls', meterApiName: 'api-calls', meterType: 'sum_of_all_usage' },
  });
  expect(meter.status).toBe(201);
  const created = await cp.request({
    method: 'POST',
    path: '/tenants',
    scopes: ADMIN,
    body: { tenantName: 'seed3m', email: 'owner@seed3m.example', tier: 'basic' },
  });
  expect(created.status).toBe(201);
  const { tenantId, tenantRegistrationId } = created.body.data as { tenantId: string; tenantRegistrationId: string };
  await system.drain(); // onboardingRequest → metering tenant-plan: basic
  await cp.publish('sbt.application.plane', 'sbt_aws_provisionSuccess', {
    tenantRegistrationId,
    jobOutput: { tenantData: { tenantStatus: 'created' } },
  });
  await system.drain(); // lifecycle-only tenantUpdated: the tier stays
  await usage(tenantId, 'u1', 5);
  await system.drain();

  const put = await cp.request({
    method: 'PUT',
    path: `/tenants/${tenantId}`,
    scopes: ADMIN,
    body: { tier: 'premium' },
  });
  expect(put.status).toBe(200);
  await system.drain();
  expect(system.deliveries.filter((d) => d.outcome !== 'ok')).toEqual([]);
  const tenantPlan = Object.entries(resourcesOf(json, 'aws_lambda_function')).find(([, f]) =>
    String(f.function_name).endsWith('-metering-tenant-plan'),
  )![0];
  expect(system.deliveries).toContainEqual(
    expect.objectContaining({ detailType: 'sbt_aws_tenantUpdated', target: tenantPlan, outcome: 'ok' }),
  );

  await usage(tenantId, 'u2', 7);
  await system.drain();

  // A late redelivery of an older tier change (event time before the premium one) does not move it back.
  // Sent to the metering target of the synthesized rule only (billing would follow the stale tier too).
  expect(cp.targetsOf('sbt.control.plane', 'sbt_aws_tenantUpdated')).toContain(tenantPlan);
  await cp.invoke(tenantPlan, {
    version: '0',
    id: 'late-redelivery',
    'detail-type': 'sbt_aws_tenantUpdated',
    source: 'sbt.control.plane',
    time: new Date(Date.now() - 3600_000).toISOString(),
    detail: { tenantId, tier: 'basic', changedFields: ['tier'] },
  });
  await usage(tenantId, 'u3', 1);
  await system.drain();

  const res = await cp.request({
    method: 'GET',
    path: `/usage/${meter.body.data.meterId}`,
    scopes: ADMIN,
    query: { tenantId, period: 'total' },
  });
  expect(res.status).toBe(200);
  expect(res.body.data).toMatchObject({
    total: '13',
    tenants: [{ tenantId, total: '13', events: 3, tier: 'premium' }],
    tiers: [
      { tier: 'basic', total: '5', events: 1 },
      { tier: 'premium', total: '8', events: 2 },
    ],
  });
});
