// The pure parts of seed 003's metering half: which events set a tier, and usage split by tier.
import { aggregateUsage, type UsageEvent } from '../../../lambda/metering/domain/aggregation';
import { tierChangeOf } from '../../../lambda/metering/domain/tenant-plan';

test('a tier is set by onboarding, by a tenantUpdated that changed it, and never by a lifecycle transition', () => {
  expect(tierChangeOf({ tenantId: 't', tier: 'basic' })).toEqual({ tier: 'basic' }); // onboardingRequest / SBT-style sender
  expect(tierChangeOf({ tenantId: 't', plan: 'gold' })).toEqual({ tier: 'gold' });
  expect(tierChangeOf({ tenantId: 't', tenantData: { tier: 'pro' } })).toEqual({ tier: 'pro' });
  expect(tierChangeOf({ tenantId: 't', tier: 'premium', changedFields: ['tier'] })).toEqual({ tier: 'premium' });
  expect(
    tierChangeOf({ tenantId: 't', tier: 'basic', lifecycleState: 'ACTIVE', changedFields: ['lifecycleState'] }),
  ).toBeUndefined();
  expect(tierChangeOf({ tenantId: 't', email: 'x@example.com' })).toBeUndefined();
  expect(tierChangeOf({ tenantId: 't', tier: 42 })).toBeUndefined();
  expect(tierChangeOf({ tenantId: 't', tier: '' })).toBeUndefined();
});

test('usage is totalled per tier, and a tenant reports the tier of its latest counted event', () => {
  const ev = (eventId: string, tenantId: string, meterValue: string, eventTime: number, tier?: string): UsageEvent => ({
    eventId,
    tenantId,
    meterApiName: 'm',
    meterValue,
    eventTime,
    ingestedAt: eventTime,
    ...(tier ? { tier } : {}),
  });
  const q = {
    meterApiName: 'm',
    meterType: 'sum_of_all_usage' as const,
    startTimeInSeconds: 0,
    endTimeInSeconds: 1000,
    period: 'total' as const,
  };
  const out = aggregateUsage(
    [ev('1', 'a', '5', 10, 'basic'), ev('2', 'a', '7', 20, 'premium'), ev('3', 'b', '1', 30)],
    [],
    q,
  );
  expect(out.tiers).toEqual([
    { tier: 'basic', total: '5', events: 1 },
    { tier: 'premium', total: '7', events: 1 },
  ]);
  expect(out.tenants).toEqual([
    { tenantId: 'a', total: '12', events: 2, tier: 'premium' },
    { tenantId: 'b', total: '1', events: 1 },
  ]);
  // Without tiers the answer keeps its former shape.
  expect(aggregateUsage([ev('3', 'b', '1', 30)], [], q)).not.toHaveProperty('tiers');
});
