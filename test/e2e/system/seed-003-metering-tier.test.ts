/**
 * Seed 003, the metering half (issue 12 item 4): a tier change reaches metering too. The synthesized
 * rules deliver `onboardingRequest` and the control plane's `tenantUpdated` to the reference metering
 * provider's real tenant-plan handler; usage ingested afterwards is recorded under the new tier, and
 * GET /usage reports the split. A lifecycle-only `tenantUpdated` and a late redelivery of the old tier
 * change nothing.
 */
import { SCOPES } from '../../../src/contracts/scopes';
import { createMeter, expectStatus } from '../../support/scoped-api';
import { changeTier, onboardActiveTenant, seed003System } from './seed-003-system';

const ADMIN = [SCOPES.tenantRead, SCOPES.tenantWrite, SCOPES.meteringRead, SCOPES.meteringWrite];
const s = seed003System('seed003m', ADMIN);

const usage = (tenantId: string, eventId: string, meterValue: number) =>
  s.cp.publish('sbt.application.plane', 'sbt_aws_ingestUsage', {
    tenantId,
    meterApiName: 'api-calls',
    meterValue,
    eventId,
  });

test('usage after a tier change is recorded under the new tier, through the synthesized rules', async () => {
  const meter = await createMeter(s.api, {
    label: 'API calls',
    meterApiName: 'api-calls',
    meterType: 'sum_of_all_usage',
  });
  // onboardingRequest → metering tenant-plan: basic; the lifecycle-only tenantUpdated keeps the tier
  const { tenantId } = await onboardActiveTenant(s, {
    tenantName: 'seed3m',
    email: 'owner@seed3m.example',
    tier: 'basic',
  });
  await usage(tenantId, 'u1', 5);
  await s.system.drain();

  await changeTier(s, tenantId, 'premium');
  const tenantPlan = s.cp.functionNamed('-metering-tenant-plan');
  expect(s.system.deliveries).toContainEqual(
    expect.objectContaining({ detailType: 'sbt_aws_tenantUpdated', target: tenantPlan, outcome: 'ok' }),
  );

  await usage(tenantId, 'u2', 7);
  await s.system.drain();

  // A late redelivery of an older tier change (event time before the premium one) does not move it back.
  // Sent to the metering target of the synthesized rule only (billing would follow the stale tier too).
  expect(s.cp.targetsOf('sbt.control.plane', 'sbt_aws_tenantUpdated')).toContain(tenantPlan);
  await s.cp.invoke(tenantPlan, {
    version: '0',
    id: 'late-redelivery',
    'detail-type': 'sbt_aws_tenantUpdated',
    source: 'sbt.control.plane',
    time: new Date(Date.now() - 3600_000).toISOString(),
    detail: { tenantId, tier: 'basic', changedFields: ['tier'] },
  });
  await usage(tenantId, 'u3', 1);
  await s.system.drain();

  const res = expectStatus(await s.api.get(`/usage/${meter.meterId}`, { tenantId, period: 'total' }), 200);
  expect(res.body.data).toMatchObject({
    total: '13',
    tenants: [{ tenantId, total: '13', events: 3, tier: 'premium' }],
    tiers: [
      { tier: 'basic', total: '5', events: 1 },
      { tier: 'premium', total: '8', events: 2 },
    ],
  });
});
