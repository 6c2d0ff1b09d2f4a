import * as fc from 'fast-check';
import {
  aggregateUsage,
  periodStart,
  type CancellationRule,
  type UsageEvent,
} from '../../../lambda/metering/domain/aggregation';
import { canonicalDecimal, fromUnits, toUnits } from '../../../lambda/metering/domain/decimal';

test('decimals are exact and canonical', () => {
  expect(canonicalDecimal(0.1)).toBe('0.1');
  expect(canonicalDecimal('0010.500')).toBe('10.5');
  expect(canonicalDecimal(1e-7)).toBe('0.0000001');
  expect(canonicalDecimal(-3)).toBe('-3');
  expect(canonicalDecimal('1e3')).toBeUndefined();
  expect(canonicalDecimal(Number.NaN)).toBeUndefined();
  expect(canonicalDecimal(1e16)).toBeUndefined();
  expect(canonicalDecimal('0.0000000000001')).toBeUndefined(); // 13 fraction digits
  expect(fromUnits(toUnits(0.1)! + toUnits(0.2)!)).toBe('0.3');
});

const ev = (
  eventId: string,
  tenantId: string,
  meterValue: string,
  eventTime: number,
  ingestedAt = eventTime,
): UsageEvent => ({
  eventId,
  tenantId,
  meterApiName: 'm',
  meterValue,
  eventTime,
  ingestedAt,
});
const q = {
  meterApiName: 'm',
  meterType: 'sum_of_all_usage' as const,
  startTimeInSeconds: 0,
  endTimeInSeconds: 86400 * 3,
  period: 'day' as const,
};

test('sum, max and count; periods; duplicates once; window end exclusive', () => {
  const events = [
    ev('1', 'a', '1.5', 10),
    ev('1', 'a', '1.5', 10),
    ev('2', 'b', '2', 86400 + 5),
    ev('3', 'a', '4', 86400 * 3),
  ];
  const sum = aggregateUsage(events, [], q);
  expect(sum).toMatchObject({
    total: '3.5',
    events: 2,
    tenants: [
      { tenantId: 'a', total: '1.5', events: 1 },
      { tenantId: 'b', total: '2', events: 1 },
    ],
  });
  expect(sum.periods.map((p) => [p.periodStart, p.total])).toEqual([
    [0, '1.5'],
    [86400, '2'],
  ]);
  expect(aggregateUsage(events, [], { ...q, meterType: 'max_of_all_usage' }).total).toBe('2');
  expect(aggregateUsage(events, [], { ...q, meterType: 'count_of_events' }).total).toBe('2');
  expect(aggregateUsage(events, [], { ...q, period: 'total' }).periods).toHaveLength(1);
  expect(aggregateUsage([], [], q)).toMatchObject({ total: '0', events: 0, tenants: [], periods: [] });
});

test('cancellation rules cover ingestion time (inclusive), optionally one tenant', () => {
  const events = [ev('1', 'a', '1', 10, 100), ev('2', 'b', '1', 10, 100), ev('3', 'a', '1', 10, 201)];
  const rule = (r: Partial<CancellationRule>): CancellationRule => ({
    id: 'r',
    meterApiName: 'm',
    startTimeInSeconds: 100,
    endTimeInSeconds: 200,
    ...r,
  });
  expect(aggregateUsage(events, [rule({})], q).total).toBe('1');
  expect(aggregateUsage(events, [rule({ tenantId: 'a' })], q).total).toBe('2');
  expect(aggregateUsage(events, [rule({ meterApiName: 'other' })], q).total).toBe('3');
});

test('UTC month periods', () => {
  expect(periodStart(Date.UTC(2026, 1, 28, 23) / 1000, 'month', 0)).toBe(Date.UTC(2026, 1, 1) / 1000);
  expect(periodStart(7199, 'hour', 0)).toBe(3600);
});

test('property: exact totals for random events with duplicates and cancellations (independent BigInt model)', () => {
  const value = fc
    .tuple(fc.integer({ min: 0, max: 10 ** 9 }), fc.integer({ min: 0, max: 999_999 }))
    .map(([i, f]) => `${i}.${String(f).padStart(6, '0')}`);
  const event = fc.record({
    id: fc.integer({ min: 0, max: 40 }).map(String),
    tenant: fc.constantFrom('a', 'b', 'c'),
    value,
    eventTime: fc.integer({ min: 0, max: 4 * 86400 }),
    ingestedAt: fc.integer({ min: 0, max: 1000 }),
  });
  const rule = fc.record({
    tenant: fc.option(fc.constantFrom('a', 'b', 'c'), { nil: undefined }),
    start: fc.integer({ min: 0, max: 1000 }),
    len: fc.integer({ min: 0, max: 500 }),
  });
  fc.assert(
    fc.property(
      fc.array(event, { maxLength: 60 }),
      fc.array(rule, { maxLength: 4 }),
      fc.integer({ min: 0, max: 86400 }),
      fc.integer({ min: 1, max: 4 * 86400 }),
      fc.constantFrom('hour' as const, 'day' as const, 'month' as const, 'total' as const),
      (raw, rawRules, start, span, period) => {
        const events: UsageEvent[] = raw.map((r) => ev(r.id, r.tenant, r.value, r.eventTime, r.ingestedAt));
        const rules: CancellationRule[] = rawRules.map((r, k) => ({
          id: `r${k}`,
          meterApiName: 'm',
          tenantId: r.tenant,
          startTimeInSeconds: r.start,
          endTimeInSeconds: r.start + r.len,
        }));
        const end = start + span;
        // Model: first occurrence of an id wins; micro-units as BigInt.
        const seen = new Set<string>();
        let model = 0n;
        let count = 0;
        for (const e of raw) {
          if (seen.has(e.id)) continue;
          seen.add(e.id);
          if (e.eventTime < start || e.eventTime >= end) continue;
          if (
            rawRules.some(
              (r) =>
                (r.tenant === undefined || r.tenant === e.tenant) &&
                e.ingestedAt >= r.start &&
                e.ingestedAt <= r.start + r.len,
            )
          )
            continue;
          const [i, f] = e.value.split('.');
          model += BigInt(i!) * 1_000_000n + BigInt(f!);
          count++;
        }
        const agg = aggregateUsage(events, rules, { ...q, startTimeInSeconds: start, endTimeInSeconds: end, period });
        expect(toUnits(agg.total)).toBe(model * 1_000_000n);
        expect(agg.events).toBe(count);
        const sum = (xs: { total: string }[]) => xs.reduce((a, x) => a + toUnits(x.total)!, 0n);
        expect(sum(agg.tenants)).toBe(model * 1_000_000n);
        expect(sum(agg.periods)).toBe(model * 1_000_000n);
        for (const p of agg.periods) expect(sum(p.tenants)).toBe(toUnits(p.total));
      },
    ),
    { numRuns: 300 },
  );
});
