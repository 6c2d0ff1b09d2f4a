/**
 * Pure metering rules (reference §3.3): one aggregated record per (licence | customer, dimension, USAGE hour),
 * timestamped at the start of that hour — deterministic, so a re-send after a crash is the *identical* record,
 * which BatchMeterUsage treats as idempotent ("Identical requests are idempotent"), while a different quantity
 * for the same hour would be a DuplicateRecord and is never billed.
 */
import type { UsageRecord } from '@aws-sdk/client-marketplace-metering';

export const HOUR_MS = 3600_000;
export const MAX_RECORDS_PER_REQUEST = 25;
/** "each request must be less than 1 MB"; keep a margin for the envelope. */
export const MAX_REQUEST_BYTES = 1_000_000 - 4_096;

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
}

export function identityKey(i: BillingIdentity): string {
  if (i.licenseArn) return `L:${i.licenseArn}:${i.customerAWSAccountId ?? ''}`;
  return `C:${i.customerIdentifier ?? ''}`;
}

/** Deterministic ledger key of one billable record. */
export function bucketIdOf(i: BillingIdentity, dimension: string, hourMs: number): string {
  return `${identityKey(i)}#${dimension}#${new Date(hourMs).toISOString()}`;
}

/** Validates a raw record; returns a reason when it can never be billed. */
export function invalidReason(r: Partial<RawUsage>): string | undefined {
  if (!r.dimension || typeof r.dimension !== 'string' || r.dimension.length > 255) return 'dimension must be a string of 1-255 characters';
  if (typeof r.quantity !== 'number' || !Number.isInteger(r.quantity) || r.quantity < 0 || r.quantity > 2147483647)
    return 'quantity must be an integer 0..2147483647';
  if (usageTimeMs(r.timestamp) === undefined) return 'timestamp must be epoch seconds, epoch milliseconds or ISO-8601';
  if (r.licenseArn) {
    if (!r.customerAWSAccountId || !/^[0-9]+$/.test(r.customerAWSAccountId)) return 'licenseArn needs customerAWSAccountId (digits)';
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

/** The wire record of a bucket. Timestamp = start of the usage hour (never send-time). */
export function usageRecordOf(b: Omit<Bucket, 'count' | 'bucketId'>): UsageRecord {
  return b.licenseArn
    ? { Timestamp: new Date(b.hourMs), Dimension: b.dimension, Quantity: b.quantity, LicenseArn: b.licenseArn, CustomerAWSAccountId: b.customerAWSAccountId }
    : { Timestamp: new Date(b.hourMs), Dimension: b.dimension, Quantity: b.quantity, CustomerIdentifier: b.customerIdentifier };
}

/** Matches a result's echoed UsageRecord to what we sent. */
export function recordKey(r: UsageRecord): string {
  const t = r.Timestamp instanceof Date ? r.Timestamp.getTime() : Date.parse(String(r.Timestamp));
  return [r.LicenseArn ?? '', r.CustomerAWSAccountId ?? '', r.CustomerIdentifier ?? '', r.Dimension ?? '', t].join('|');
}

const sizeOf = (r: UsageRecord) => Buffer.byteLength(JSON.stringify({ ...r, Timestamp: 0 })) + 16;

/** Splits records into requests of ≤ 25 records and < 1 MB each. */
export function chunk<T extends { record: UsageRecord }>(items: T[], maxCount = MAX_RECORDS_PER_REQUEST, maxBytes = MAX_REQUEST_BYTES): T[][] {
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
