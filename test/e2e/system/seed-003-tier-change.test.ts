/**
 * Seed 003 end to end (issue 12): a tenant's tier changes with `PUT /tenants/{id}`; the control plane's
 * `tenantUpdated` carries the changed fields and the tenant's new state (flat, as SBT-era consumers read
 * `detail.tier`); the synthesized rule delivers it to the billing provider's real updateCustomer handler;
 * the billing customer's plan follows. Lifecycle-only changes leave the plan alone.
 */
import { ControlPlaneStack } from '../../../src/control-plane/control-plane-stack';
import { SCOPES } from '../../../src/contracts/scopes';
import { EventBridgeCapture } from '../../../local/eventbridge-capture';
import { matchesPattern } from '../../../local/event-pattern';
import { LocalSystem } from '../../../local/system';
import type { SynthHarness } from '../../../local/synth-harness';
import { controlPlaneHarness } from '../../support/control-plane-harness';
import { resourcesOf, synthStack, testApp } from '../../support/synth';

const ADMIN = [SCOPES.tenantRead, SCOPES.tenantWrite, SCOPES.billingRead];
const bus = new EventBridgeCapture();
let cp: SynthHarness;
let system: LocalSystem;
let json: ReturnType<typeof synthStack>;

beforeAll(async () => {
  await bus.start();
  json = synthStack(new ControlPlaneStack(testApp(), 'control-plane', { systemAdminEmail: 'admin@example.com' }));
  cp = await controlPlaneHarness(json, 'seed003');
  system = new LocalSystem(bus, [{ harness: cp }]);
});
afterAll(() => bus.stop());

test('a tier change reaches the billing customer through tenantUpdated', async () => {
  const created = await cp.request({
    method: 'POST',
    path: '/tenants',
    scopes: ADMIN,
    body: { tenantName: 'seed3', email: 'owner@seed3.example', tier: 'basic' },
  });
  expect(created.status).toBe(201);
  const { tenantId, tenantRegistrationId } = created.body.data as { tenantId: string; tenantRegistrationId: string };
  await system.drain(); // onboardingRequest → billing createCustomer
  await cp.publish('sbt.application.plane', 'sbt_aws_provisionSuccess', {
    tenantRegistrationId,
    jobOutput: { tenantData: { tenantStatus: 'created' } },
  });
  await system.drain(); // tenantUpdated (lifecycle) → billing updateCustomer: nothing billing-relevant changed
  const before = await cp.request({ method: 'GET', path: `/tenants/${tenantId}/billing`, scopes: ADMIN });
  expect(before.status).toBe(200);
  expect(before.body.data.plan).toBe('basic');

  bus.clear();
  const put = await cp.request({
    method: 'PUT',
    path: `/tenants/${tenantId}`,
    scopes: ADMIN,
    body: { tier: 'premium' },
  });
  expect(put.status).toBe(200);
  await system.drain();
  expect(system.deliveries.filter((d) => d.outcome !== 'ok')).toEqual([]);

  // The documented shape: the new state flat, then what changed.
  const [updated] = bus.events.filter((e) => e.DetailType === 'sbt_aws_tenantUpdated');
  expect(updated!.detail).toMatchObject({
    tenantId,
    tenantRegistrationId,
    tenantName: 'seed3',
    email: 'owner@seed3.example',
    tier: 'premium',
    lifecycleState: 'ACTIVE',
    tenantStatus: 'created',
    changedFields: ['tier'],
    changes: { tier: 'premium' },
    previous: { tier: 'basic' },
  });
  expect(updated!.detail).not.toHaveProperty('lifecycleHistory');

  // It went along the synthesized rule to the billing provider's update-customer function …
  const updateCustomer = Object.entries(resourcesOf(json, 'aws_lambda_function')).find(([, f]) =>
    String(f.function_name).endsWith('-billing-update-customer'),
  )![0];
  expect(system.deliveries).toContainEqual(
    expect.objectContaining({ detailType: 'sbt_aws_tenantUpdated', target: updateCustomer, outcome: 'ok' }),
  );
  // … and a consumer written for SBT (a rule on the event, reading detail.tier) sees the new tier.
  expect(
    matchesPattern(
      { 'detail-type': ['tenantUpdated', 'sbt_aws_tenantUpdated'], detail: { tier: ['premium'] } },
      { 'detail-type': updated!.DetailType, source: updated!.Source, detail: updated!.detail },
    ),
  ).toBe(true);

  const after = await cp.request({ method: 'GET', path: `/tenants/${tenantId}/billing`, scopes: ADMIN });
  expect(after.body.data).toMatchObject({ tenantId, plan: 'premium' });
});
