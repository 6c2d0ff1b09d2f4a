/**
 * Seed 003 end to end (issue 12): a tenant's tier changes with `PUT /tenants/{id}`; the control plane's
 * `tenantUpdated` carries the changed fields and the tenant's new state (flat, as SBT-era consumers read
 * `detail.tier`); the synthesized rule delivers it to the billing provider's real updateCustomer handler;
 * the billing customer's plan follows. Lifecycle-only changes leave the plan alone.
 */
import { SCOPES } from '../../../src/contracts/scopes';
import { matchesPattern } from '../../../local/event-pattern';
import { expectStatus } from '../../support/scoped-api';
import { changeTier, onboardActiveTenant, seed003System } from './seed-003-system';

const ADMIN = [SCOPES.tenantRead, SCOPES.tenantWrite, SCOPES.billingRead];
const s = seed003System('seed003', ADMIN);
const { bus } = s;

test('a tier change reaches the billing customer through tenantUpdated', async () => {
  // onboardingRequest → billing createCustomer; the lifecycle tenantUpdated → billing updateCustomer:
  // nothing billing-relevant changed
  const { tenantId, tenantRegistrationId } = await onboardActiveTenant(s, {
    tenantName: 'seed3',
    email: 'owner@seed3.example',
    tier: 'basic',
  });
  const before = expectStatus(await s.api.get(`/tenants/${tenantId}/billing`), 200);
  expect(before.body.data.plan).toBe('basic');

  bus.clear();
  await changeTier(s, tenantId, 'premium');

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
  const updateCustomer = s.cp.functionNamed('-billing-update-customer');
  expect(s.system.deliveries).toContainEqual(
    expect.objectContaining({ detailType: 'sbt_aws_tenantUpdated', target: updateCustomer, outcome: 'ok' }),
  );
  // … and a consumer written for SBT (a rule on the event, reading detail.tier) sees the new tier.
  expect(
    matchesPattern(
      { 'detail-type': ['tenantUpdated', 'sbt_aws_tenantUpdated'], detail: { tier: ['premium'] } },
      { 'detail-type': updated!.DetailType, source: updated!.Source, detail: updated!.detail },
    ),
  ).toBe(true);

  const after = await s.api.get(`/tenants/${tenantId}/billing`);
  expect(after.body.data).toMatchObject({ tenantId, plan: 'premium' });
});
