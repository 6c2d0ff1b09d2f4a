/**
 * Pure metering rules (reference §3.3): one aggregated record per (licence | customer, dimension, USAGE hour),
 * timestamped at the start of that hour — deterministic, so a re-send after a crash is the *identical* record,
 * which BatchMeterUsage treats as idempotent ("Identical requests are idempotent"), while a different quantity
 * for the same hour would be a DuplicateRecord and is never billed.
 */
import type { UsageAllocation, UsageRecord } from '@aws-sdk/client-marketplace-metering';
import { createHash } from 'node:crypto';
import { licenseIdOf, normalizeLicenseId } from './identity';

export const HOUR_MS = 3600_000;
export const MAX_RECORDS_PER_REQUEST = 25;
/** "each request must be less than 1 MB"; keep a margin for the envelope. */
export const MAX_REQUEST_BYTES = 1_000_000 - 4_096;

/** BatchMeterUsage's Quantity bound (Integer 0..2147483647): the hourly SUM must stay within it too. */
export const MAX_QUANTITY = 2147483647;
/** UsageAllocations per record and tags per allocation (reference §3.3). */
export const MAX_ALLOCATIONS = 2500;
export const MAX_TAGS = 5;

export const hourStart = (ms: number) => Math.floor(ms / HOUR_MS) * HOUR_MS;

/** Usage-time of a raw record: epoch seconds (the sample's format), epoch ms, or an ISO string. */
export function usageTimeMs(ts: unknown): number | undefined {
  if (typeof ts === 'number' && Number.isFinite(ts)) return ts < 1e11 ? ts * 1000 : ts;
  if (typeof ts === 'string' && ts !== '') {
    const n = Number(ts);
    if (Number.isFinite(n)) return usageTimeMs(n);
    const p = Date.parse(ts);
    return Number.isNaN(p) ? undefined : p;
  }
  return undefined;
}

/**
 * Last moment BatchMeterUsage accepts a record of this usage hour: 24 h after the event, but for the previous
 * billing month no later than 06:00 UTC on the 1st (the month-end grace period).
 */
export function cutoffOf(hourMs: number): number {
  const d = new Date(hourMs);
  const nextMonth = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1, 6, 0, 0);
  return Math.min(hourMs + 24 * HOUR_MS, nextMonth);
}

/** Who is billed. CA: account + licence; legacy: CustomerIdentifier (+ product code at request level). */
export interface BillingIdentity {
  licenseArn?: string;
  customerAWSAccountId?: string;
  customerIdentifier?: string;
}

export interface RawUsage extends BillingIdentity {
  dimension: string;
  quantity: number;
  timestamp: unknown;
  /** Cost-allocation tags of this usage (BatchMeterUsage UsageAllocations): 1–5 `{key: value}` pairs. */
  tags?: Record<string, string>;
}

/**
 * Billing identity of a bucket. The licence part is the normalised licence id (identity.ts), so every ARN spelling
 * of one licence lands in one bucket — one record per licence, dimension and hour, never two.
 */
export function identityKey(i: BillingIdentity): string {
  if (i.licenseArn) return `L:${licenseIdOf(i.licenseArn)}:${i.customerAWSAccountId ?? ''}`;
  return `C:${(i.customerIdentifier ?? '').trim()}`;
}

/** Stable short name of one tag set (ledger attribute suffix). */
export function tagSetId(tags: Record<string, string>): string {
  const canonical = JSON.stringify(Object.entries(tags).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}

const TAG_KEY = /^[a-zA-Z0-9+ \-=._:/@]{1,100}$/;
const TAG_VALUE = /^[a-zA-Z0-9+ \-=._:/@]{1,256}$/;

function tagsReason(tags: unknown): string | undefined {
  if (tags === undefined) return undefined;
  if (!tags || typeof tags !== 'object' || Array.isArray(tags)) return 'tags must be an object of 1-5 string pairs';
  const entries = Object.entries(tags as Record<string, unknown>);
  if (entries.length < 1 || entries.length > MAX_TAGS) return `tags must have 1-${MAX_TAGS} entries`;
  for (const [k, v] of entries) {
    if (!TAG_KEY.test(k)) return `tag key '${k.slice(0, 40)}' must be 1-100 characters of [a-zA-Z0-9+ -=._:/@]`;
    if (typeof v !== 'string' || !TAG_VALUE.test(v))
      return `tag '${k}' needs a value of 1-256 characters of [a-zA-Z0-9+ -=._:/@]`;
  }
  return undefined;
}

/** Deterministic ledger key of one billable record. */
export function bucketIdOf(i: BillingIdentity, dimension: string, hourMs: number): string {
  return `${identityKey(i)}#${dimension}#${new Date(hourMs).toISOString()}`;
}

/** Validates a raw record; returns a reason when it can never be billed. */
export function invalidReason(r: Partial<RawUsage>): string | undefined {
  if (!r.dimension || typeof r.dimension !== 'string' || r.dimension.length > 255)
    return 'dimension must be a string of 1-255 characters';
  if (typeof r.quantity !== 'number' || !Number.isInteger(r.quantity) || r.quantity < 0 || r.quantity > 2147483647)
    return 'quantity must be an integer 0..2147483647';
  if (usageTimeMs(r.timestamp) === undefined) return 'timestamp must be epoch seconds, epoch milliseconds or ISO-8601';
  const tags = tagsReason(r.tags);
  if (tags) return tags;
  if (r.licenseArn !== undefined && !normalizeLicenseId(r.licenseArn))
    return 'licenseArn is not a licence ARN or id (l-…)';
  if (r.licenseArn) {
    if (!r.customerAWSAccountId || !/^[0-9]+$/.test(r.customerAWSAccountId))
      return 'licenseArn needs customerAWSAccountId (digits)';
  } else if (!r.customerIdentifier) {
    return 'record needs licenseArn + customerAWSAccountId (Concurrent Agreements) or customerIdentifier (legacy)';
  }
  return undefined;
}

export interface Bucket extends BillingIdentity {
  bucketId: string;
  dimension: string;
  hourMs: number;
  quantity: number;
  count: number;
}

/** Sums raw records into buckets (one per identity, dimension and usage hour). */
export function aggregate(records: RawUsage[]): Bucket[] {
  const out = new Map<string, Bucket>();
  for (const r of records) {
    const hourMs = hourStart(usageTimeMs(r.timestamp)!);
    const id = bucketIdOf(r, r.dimension, hourMs);
    const b = out.get(id);
    if (b) {
      b.quantity += r.quantity;
      b.count++;
    } else {
      out.set(id, {
        bucketId: id,
        licenseArn: r.licenseArn,
        customerAWSAccountId: r.licenseArn ? r.customerAWSAccountId : undefined,
        customerIdentifier: r.licenseArn ? undefined : r.customerIdentifier,
        dimension: r.dimension,
        hourMs,
        quantity: r.quantity,
        count: 1,
      });
    }
  }
  return [...out.values()];
}

/** Quantity per tag set of a bucket (tag set id → tags and quantity). */
export type Allocations = Record<string, { tags: Record<string, string>; quantity: number }>;

/**
 * The wire record of a bucket. Timestamp = start of the usage hour (never send-time), moved forward to the licence
 * start when the licence began inside that hour: AWS refuses usage outside the licence activation period
 * (InvalidLicenseException), and dedup is per hour, so the record stays in the same hour and stays deterministic.
 * Tagged usage becomes UsageAllocations; untagged usage of the same bucket is one allocation without tags, so the
 * allocations sum to Quantity as AWS requires.
 */
export function usageRecordOf(
  b: Omit<Bucket, 'count' | 'bucketId'> & { notBeforeMs?: number; allocations?: Allocations },
): UsageRecord {
  const ts =
    b.notBeforeMs !== undefined && b.notBeforeMs > b.hourMs && b.notBeforeMs < b.hourMs + HOUR_MS
      ? b.notBeforeMs
      : b.hourMs;
  const rec: UsageRecord = b.licenseArn
    ? {
        Timestamp: new Date(ts),
        Dimension: b.dimension,
        Quantity: b.quantity,
        LicenseArn: b.licenseArn,
        CustomerAWSAccountId: b.customerAWSAccountId,
      }
    : {
        Timestamp: new Date(ts),
        Dimension: b.dimension,
        Quantity: b.quantity,
        CustomerIdentifier: b.customerIdentifier,
      };
  const allocs = Object.values(b.allocations ?? {}).filter((a) => a.quantity > 0);
  if (allocs.length) {
    const tagged = allocs.reduce((n, a) => n + a.quantity, 0);
    const out: UsageAllocation[] = allocs.map((a) => ({
      AllocatedUsageQuantity: a.quantity,
      Tags: Object.entries(a.tags)
        .sort(([x], [y]) => (x < y ? -1 : 1))
        .map(([Key, Value]) => ({ Key, Value })),
    }));
    if (b.quantity > tagged) out.push({ AllocatedUsageQuantity: b.quantity - tagged });
    rec.UsageAllocations = out;
  }
  return rec;
}

const epochMs = (t: unknown) =>
  t instanceof Date ? t.getTime() : typeof t === 'number' ? (t < 1e11 ? t * 1000 : t) : Date.parse(String(t));

/**
 * Matches BatchMeterUsage results to the records of THAT request on what the request sent — dimension, usage hour
 * and the billed party (licence id, else account, else customer identifier) — never on an echoed field's exact
 * spelling: AWS's LicenseArn responses echo the licence in another ARN form and may leave out
 * CustomerAWSAccountId. A request holds at most one record per party, dimension and hour (the ledger guarantees
 * it), so a result that narrows to exactly one sent record is that record; anything ambiguous or unknown stays
 * unmatched and is retried (an identical re-send is idempotent), never credited to the wrong record.
 */
export function matchResults<T extends { record: UsageRecord }>(
  sent: T[],
  results: { UsageRecord?: UsageRecord }[],
): { matched: [T, number][]; unmatched: T[] } {
  const left = new Set(sent);
  const matched: [T, number][] = [];
  results.forEach((r, idx) => {
    const u = r.UsageRecord;
    if (!u) return;
    const hour = hourStart(epochMs(u.Timestamp));
    let cands = [...left].filter(
      (s) => s.record.Dimension === u.Dimension && hourStart(epochMs(s.record.Timestamp)) === hour,
    );
    const lic = normalizeLicenseId(u.LicenseArn);
    if (lic) cands = cands.filter((s) => s.record.LicenseArn !== undefined && licenseIdOf(s.record.LicenseArn) === lic);
    if (u.CustomerAWSAccountId)
      cands = cands.filter(
        (s) => s.record.CustomerAWSAccountId === undefined || s.record.CustomerAWSAccountId === u.CustomerAWSAccountId,
      );
    if (u.CustomerIdentifier)
      cands = cands.filter((s) => (s.record.CustomerIdentifier ?? '').trim() === u.CustomerIdentifier!.trim());
    if (!lic && !u.CustomerAWSAccountId && !u.CustomerIdentifier && cands.length > 1) return;
    if (cands.length !== 1) return;
    left.delete(cands[0]);
    matched.push([cands[0], idx]);
  });
  return { matched, unmatched: [...left] };
}

const sizeOf = (r: UsageRecord) => Buffer.byteLength(JSON.stringify({ ...r, Timestamp: 0 })) + 16;

/** Splits records into requests of ≤ 25 records and < 1 MB each. */
export function chunk<T extends { record: UsageRecord }>(
  items: T[],
  maxCount = MAX_RECORDS_PER_REQUEST,
  maxBytes = MAX_REQUEST_BYTES,
): T[][] {
  const out: T[][] = [];
  let cur: T[] = [];
  let bytes = 0;
  for (const it of items) {
    const s = sizeOf(it.record);
    if (cur.length && (cur.length >= maxCount || bytes + s > maxBytes)) {
      out.push(cur);
      cur = [];
      bytes = 0;
    }
    cur.push(it);
    bytes += s;
  }
  if (cur.length) out.push(cur);
  return out;
}
