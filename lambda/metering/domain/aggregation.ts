/**
 * Usage aggregation (pure): which events count, and their exact totals per tenant and per period.
 * An event counts when it belongs to the meter, its usage time is in [start, end), it is not a duplicate
 * (same eventId — first occurrence wins) and no cancellation rule of the meter covers its *ingestion*
 * time (Amberflo's semantics: "cancel what was ingested between t1 and t2", optionally for one tenant).
 */
import { fromUnits, toUnits } from './decimal';

export const METER_TYPES = ['sum_of_all_usage', 'max_of_all_usage', 'count_of_events'] as const;
export type MeterType = (typeof METER_TYPES)[number];

export const PERIODS = ['hour', 'day', 'month', 'total'] as const;
export type Period = (typeof PERIODS)[number];

export interface UsageEvent {
  eventId: string;
  tenantId: string;
  meterApiName: string;
  /** Canonical decimal string (see decimal.ts). */
  meterValue: string;
  /** When the usage happened, unix seconds. */
  eventTime: number;
  /** When it was ingested, unix seconds. */
  ingestedAt: number;
  /** The tenant's tier when the event was ingested (seed 003: usage follows tier changes). */
  tier?: string;
}

export interface CancellationRule {
  id: string;
  meterApiName: string;
  /** Only this tenant's events. @default all tenants */
  tenantId?: string;
  /** Ingestion time range, unix seconds, start inclusive, end inclusive (as written in the request). */
  startTimeInSeconds: number;
  endTimeInSeconds: number;
}

export interface AggregateQuery {
  meterApiName: string;
  meterType: MeterType;
  startTimeInSeconds: number;
  /** Exclusive. */
  endTimeInSeconds: number;
  period: Period;
  tenantId?: string;
}

export interface Totals {
  /** Exact decimal. */
  total: string;
  events: number;
}

export interface UsageAggregate extends Totals {
  meterApiName: string;
  meterType: MeterType;
  startTimeInSeconds: number;
  endTimeInSeconds: number;
  period: Period;
  /** Per tenant; `tier` is the tier of the tenant's latest counted event (when events carry one). */
  tenants: (Totals & { tenantId: string; tier?: string })[];
  periods: (Totals & { periodStart: number; tenants: (Totals & { tenantId: string })[] })[];
  /** Totals by the tier each event was ingested under; present when any counted event carries a tier. */
  tiers?: (Totals & { tier: string })[];
}

/** Start of the UTC period containing `t` (unix seconds). */
export function periodStart(t: number, period: Period, queryStart: number): number {
  switch (period) {
    case 'hour':
      return Math.floor(t / 3600) * 3600;
    case 'day':
      return Math.floor(t / 86400) * 86400;
    case 'month': {
      const d = new Date(t * 1000);
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) / 1000;
    }
    case 'total':
      return queryStart;
  }
}

export function isCancelled(e: UsageEvent, rules: readonly CancellationRule[]): boolean {
  return rules.some(
    (r) =>
      r.meterApiName === e.meterApiName &&
      (r.tenantId === undefined || r.tenantId === e.tenantId) &&
      e.ingestedAt >= r.startTimeInSeconds &&
      e.ingestedAt <= r.endTimeInSeconds,
  );
}

/** The events that count for `q`, each once. */
export function countedEvents(
  events: readonly UsageEvent[],
  rules: readonly CancellationRule[],
  q: AggregateQuery,
): UsageEvent[] {
  const seen = new Set<string>();
  const out: UsageEvent[] = [];
  for (const e of events) {
    if (seen.has(e.eventId)) continue;
    seen.add(e.eventId);
    if (e.meterApiName !== q.meterApiName) continue;
    if (q.tenantId !== undefined && e.tenantId !== q.tenantId) continue;
    if (e.eventTime < q.startTimeInSeconds || e.eventTime >= q.endTimeInSeconds) continue;
    if (isCancelled(e, rules)) continue;
    out.push(e);
  }
  return out;
}

class Acc {
  private units = 0n;
  private max: bigint | undefined;
  events = 0;
  constructor(private readonly type: MeterType) {}
  add(value: string) {
    const u = toUnits(value);
    if (u === undefined) throw new Error(`stored usage value '${value}' is not a decimal`);
    this.events++;
    this.units += u;
    this.max = this.max === undefined || u > this.max ? u : this.max;
  }
  totals(): Totals {
    const total =
      this.type === 'count_of_events'
        ? String(this.events)
        : this.type === 'max_of_all_usage'
          ? fromUnits(this.max ?? 0n)
          : fromUnits(this.units);
    return { total, events: this.events };
  }
}

function byTenant(map: Map<string, Acc>) {
  return [...map.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([tenantId, acc]) => ({ tenantId, ...acc.totals() }));
}

export function aggregateUsage(
  events: readonly UsageEvent[],
  rules: readonly CancellationRule[],
  q: AggregateQuery,
): UsageAggregate {
  const all = new Acc(q.meterType);
  const tenants = new Map<string, Acc>();
  const periods = new Map<number, { acc: Acc; tenants: Map<string, Acc> }>();
  const tiers = new Map<string, Acc>();
  const latestTier = new Map<string, { at: number; tier: string }>();
  for (const e of countedEvents(events, rules, q)) {
    all.add(e.meterValue);
    if (e.tier !== undefined) {
      if (!tiers.has(e.tier)) tiers.set(e.tier, new Acc(q.meterType));
      tiers.get(e.tier)!.add(e.meterValue);
      const seen = latestTier.get(e.tenantId);
      if (!seen || e.eventTime >= seen.at) latestTier.set(e.tenantId, { at: e.eventTime, tier: e.tier });
    }
    if (!tenants.has(e.tenantId)) tenants.set(e.tenantId, new Acc(q.meterType));
    tenants.get(e.tenantId)!.add(e.meterValue);
    const p = periodStart(e.eventTime, q.period, q.startTimeInSeconds);
    if (!periods.has(p)) periods.set(p, { acc: new Acc(q.meterType), tenants: new Map() });
    const bucket = periods.get(p)!;
    bucket.acc.add(e.meterValue);
    if (!bucket.tenants.has(e.tenantId)) bucket.tenants.set(e.tenantId, new Acc(q.meterType));
    bucket.tenants.get(e.tenantId)!.add(e.meterValue);
  }
  return {
    meterApiName: q.meterApiName,
    meterType: q.meterType,
    startTimeInSeconds: q.startTimeInSeconds,
    endTimeInSeconds: q.endTimeInSeconds,
    period: q.period,
    ...all.totals(),
    tenants: byTenant(tenants).map((t) => {
      const tier = latestTier.get(t.tenantId)?.tier;
      return tier === undefined ? t : { ...t, tier };
    }),
    periods: [...periods.entries()]
      .sort(([a], [b]) => a - b)
      .map(([periodStart, b]) => ({ periodStart, ...b.acc.totals(), tenants: byTenant(b.tenants) })),
    ...(tiers.size
      ? {
          tiers: [...tiers.entries()]
            .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
            .map(([tier, acc]) => ({ tier, ...acc.totals() })),
        }
      : {}),
  };
}
