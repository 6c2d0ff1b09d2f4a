/**
 * The hourly metering job, crash-safe and overlap-safe. Two tables:
 *   usage  — raw records the seller's application writes (`pending = "true"` puts them in the sparse GSI);
 *   ledger — one item per billable record (identity, dimension, usage hour): the claim/lease and the outcome.
 *
 * Phase 1 (aggregate): pages through pending usage (Query on the sparse GSI, LastEvaluatedKey loop) and folds each
 *   record into its ledger bucket in ONE transaction (ledger `ADD quantity` + usage `REMOVE pending`, conditioned on
 *   the bucket still being OPEN and the record still pending): a record is counted exactly once, whatever crashes.
 *   A record for a bucket that is already closed is marked `late` (it can never be billed: a second quantity for
 *   the same hour would be a DuplicateRecord).
 * Phase 2 (send): buckets whose hour has closed (hour end + closeDelay) are claimed OPEN → SENDING with a lease
 *   (conditional: OPEN, or SENDING with an expired lease). The quantity is frozen from then on. The record sent is
 *   deterministic (usage-hour timestamp, frozen quantity), so a run that crashed between send and mark is repaired
 *   by the next run re-sending the identical record, which the service answers idempotently — never a second bill.
 *   Outcomes Success / DuplicateRecord / CustomerNotSubscribed are terminal and recorded; a record that fails
 *   validation or has passed its cutoff goes to the DLQ (FAILED); unprocessed/throttled ones keep their claim and
 *   are retried by the next run.
 * It reports the smallest time left before a pending record's cutoff (24 h / month-end 06:00 UTC) as a metric the
 * alarm watches.
 */
import type { MarketplaceMeteringClient } from '@aws-sdk/client-marketplace-metering';
import { QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'crypto';
import { HOUR_MS, aggregate, cutoffOf, invalidReason, usageRecordOf, type RawUsage } from './metering';
import { sendUsage, type RateLimiter, type SendItem } from './meter-sender';

export const USAGE_PENDING_INDEX = 'pendingIndex';
export const LEDGER_OPEN_INDEX = 'openIndex';

export interface MeteringJobDeps {
  db: DynamoDBDocumentClient;
  metering: MarketplaceMeteringClient;
  usageTable: string;
  ledgerTable: string;
  /** Legacy (CustomerIdentifier) records are sent with this product code. */
  productCode: string;
  now?: () => number;
  /** A bucket's hour is closed this long after it ends (late writes still count). @default 10 min */
  closeDelayMs?: number;
  /** How long a claim protects an in-flight send. @default 10 min */
  leaseMs?: number;
  limiter?: RateLimiter;
  sleep?: (ms: number) => Promise<void>;
  /** Buckets that failed for good (DLQ). */
  deadLetter?: (items: Record<string, unknown>[]) => Promise<void>;
  /** Test hook: called after BatchMeterUsage answered and before the ledger is marked (crash injection). */
  afterSend?: () => void | Promise<void>;
  maxAttempts?: number;
  shouldStop?: () => boolean;
  /** Days terminal ledger items and processed usage records are kept (DynamoDB TTL `expiresAt`). @default 400 */
  retentionDays?: number;
  /** Query page size (tests force pagination with a small one). @default DynamoDB's 1 MB pages */
  pageSize?: number;
}

export interface MeteringJobReport {
  aggregated: number;
  invalid: number;
  late: number;
  claimed: number;
  sent: number;
  duplicate: number;
  notSubscribed: number;
  failed: number;
  retryLater: number;
  /** Smallest time left before a pending record's cutoff; undefined when nothing is pending. */
  minSecondsToCutoff?: number;
}

const expiresAt = (d: MeteringJobDeps) => Math.floor(Date.now() / 1000) + (d.retentionDays ?? 400) * 86400;

const isCondFail = (e: unknown) => ['ConditionalCheckFailedException', 'TransactionCanceledException'].includes((e as { name?: string })?.name ?? '');

export async function runMeteringJob(d: MeteringJobDeps): Promise<MeteringJobReport> {
  const now = d.now ?? Date.now;
  const report: MeteringJobReport = { aggregated: 0, invalid: 0, late: 0, claimed: 0, sent: 0, duplicate: 0, notSubscribed: 0, failed: 0, retryLater: 0 };
  await aggregatePending(d, now, report);
  await sendClosed(d, now, report);
  return report;
}

async function aggregatePending(d: MeteringJobDeps, now: () => number, report: MeteringJobReport) {
  let start: Record<string, unknown> | undefined;
  do {
    const page = await d.db.send(
      new QueryCommand({
        TableName: d.usageTable,
        IndexName: USAGE_PENDING_INDEX,
        KeyConditionExpression: '#p = :t',
        ExpressionAttributeNames: { '#p': 'pending' },
        ExpressionAttributeValues: { ':t': 'true' },
        ExclusiveStartKey: start,
        Limit: d.pageSize,
      }),
    );
    start = page.LastEvaluatedKey;
    const valid: (RawUsage & { customerKey: string; recordId: string })[] = [];
    for (const it of page.Items ?? []) {
      const why = invalidReason(it as Partial<RawUsage>);
      if (why) {
        await markRecord(d, it, { invalid: why }).then((ok) => ok && report.invalid++);
        continue;
      }
      valid.push(it as RawUsage & { customerKey: string; recordId: string });
    }
    // Group this page's records by bucket; one transaction per bucket and ≤ 99 records.
    const byBucket = new Map<string, typeof valid>();
    for (const r of valid) {
      const b = aggregate([r])[0];
      if (b.hourMs > now()) continue; // future usage: leave pending
      byBucket.set(b.bucketId, [...(byBucket.get(b.bucketId) ?? []), r]);
    }
    for (const recs of byBucket.values()) {
      for (let i = 0; i < recs.length; i += 99) await foldIntoBucket(d, recs.slice(i, i + 99), report, now);
    }
  } while (start);
}

async function markRecord(d: MeteringJobDeps, it: Record<string, unknown>, set: Record<string, unknown>): Promise<boolean> {
  const [k, v] = Object.entries(set)[0];
  try {
    await d.db.send(
      new UpdateCommand({
        TableName: d.usageTable,
        Key: { customerKey: it.customerKey, recordId: it.recordId },
        UpdateExpression: 'REMOVE #p SET #k = :v, processedAt = :now, expiresAt = :exp' + (set.bucketId ? ', bucketId = :b' : ''),
        ConditionExpression: '#p = :t',
        ExpressionAttributeNames: { '#p': 'pending', '#k': k },
        ExpressionAttributeValues: { ':v': v, ':t': 'true', ':now': new Date().toISOString(), ':exp': expiresAt(d), ...(set.bucketId ? { ':b': set.bucketId } : {}) },
      }),
    );
    return true;
  } catch (e) {
    if (isCondFail(e)) return false; // another run handled it
    throw e;
  }
}

async function foldIntoBucket(d: MeteringJobDeps, recs: (RawUsage & { customerKey: string; recordId: string })[], report: MeteringJobReport, now: () => number) {
  const b = aggregate(recs)[0];
  const ledgerUpdate = {
    Update: {
      TableName: d.ledgerTable,
      Key: { bucketId: b.bucketId },
      UpdateExpression:
        'ADD #qty :q, recordCount :n SET #st = if_not_exists(#st, :open), #o = if_not_exists(#o, :t), hourMs = :h, #dim = :dim, cutoffMs = :c' +
        (b.licenseArn ? ', licenseArn = :la, customerAWSAccountId = :acct' : ', customerIdentifier = :ci'),
      ConditionExpression: 'attribute_not_exists(#st) OR #st = :open',
      ExpressionAttributeNames: { '#st': 'state', '#o': 'open', '#qty': 'quantity', '#dim': 'dimension' },
      ExpressionAttributeValues: {
        ':q': b.quantity,
        ':n': b.count,
        ':open': 'OPEN',
        ':t': 'true',
        ':h': b.hourMs,
        ':dim': b.dimension,
        ':c': cutoffOf(b.hourMs),
        ...(b.licenseArn ? { ':la': b.licenseArn, ':acct': b.customerAWSAccountId } : { ':ci': b.customerIdentifier }),
      },
    },
  };
  const recUpdates = recs.map((r) => ({
    Update: {
      TableName: d.usageTable,
      Key: { customerKey: r.customerKey, recordId: r.recordId },
      UpdateExpression: 'REMOVE #p SET bucketId = :b, processedAt = :now, expiresAt = :exp',
      ConditionExpression: '#p = :t',
      ExpressionAttributeNames: { '#p': 'pending' },
      ExpressionAttributeValues: { ':b': b.bucketId, ':t': 'true', ':now': new Date(now()).toISOString(), ':exp': expiresAt(d) },
    },
  }));
  try {
    await d.db.send(new TransactWriteCommand({ TransactItems: [ledgerUpdate, ...recUpdates] }));
    report.aggregated += recs.length;
  } catch (e) {
    if (!isCondFail(e)) throw e;
    const reasons = (e as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
    if (reasons[0]?.Code === 'ConditionalCheckFailed') {
      // The bucket was claimed for sending already: these records are late for that hour.
      for (const r of recs) if (await markRecord(d, r as unknown as Record<string, unknown>, { late: true, bucketId: b.bucketId })) report.late++;
      return;
    }
    // Some record was folded concurrently by another run: retry one by one.
    if (recs.length > 1) for (const r of recs) await foldIntoBucket(d, [r], report, now);
  }
}

async function sendClosed(d: MeteringJobDeps, now: () => number, report: MeteringJobReport) {
  const owner = randomUUID();
  const closeDelay = d.closeDelayMs ?? 10 * 60_000;
  const lease = d.leaseMs ?? 10 * 60_000;
  const t0 = now();
  const claimed: { bucketId: string; item: Record<string, unknown> }[] = [];
  let minCutoff: number | undefined;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await d.db.send(
      new QueryCommand({
        TableName: d.ledgerTable,
        IndexName: LEDGER_OPEN_INDEX,
        KeyConditionExpression: '#o = :t AND hourMs <= :closed',
        ExpressionAttributeNames: { '#o': 'open' },
        ExpressionAttributeValues: { ':t': 'true', ':closed': t0 - HOUR_MS - closeDelay },
        ExclusiveStartKey: start,
        Limit: d.pageSize,
      }),
    );
    start = page.LastEvaluatedKey;
    for (const it of page.Items ?? []) {
      try {
        const r = await d.db.send(
          new UpdateCommand({
            TableName: d.ledgerTable,
            Key: { bucketId: it.bucketId },
            UpdateExpression: 'SET #st = :sending, leaseOwner = :me, leaseUntil = :until ADD attempts :one',
            ConditionExpression: '#o = :t AND (#st = :openS OR (#st = :sending AND leaseUntil < :now))',
            ExpressionAttributeNames: { '#st': 'state', '#o': 'open' },
            ExpressionAttributeValues: { ':sending': 'SENDING', ':openS': 'OPEN', ':me': owner, ':until': t0 + lease, ':now': t0, ':one': 1, ':t': 'true' },
            ReturnValues: 'ALL_NEW',
          }),
        );
        claimed.push({ bucketId: it.bucketId as string, item: r.Attributes! });
      } catch (e) {
        if (!isCondFail(e)) throw e;
        // In flight elsewhere: still pending for the cutoff metric.
        minCutoff = Math.min(minCutoff ?? Infinity, Number(it.cutoffMs));
      }
    }
  } while (start);
  report.claimed = claimed.length;

  const expired = claimed.filter((c) => Number(c.item.cutoffMs) <= now());
  const toSend = claimed.filter((c) => Number(c.item.cutoffMs) > now());
  for (const c of expired) await finish(d, owner, c.bucketId, 'FAILED', { error: 'cutoff passed before the record could be sent' }, c.item, report);

  const items: SendItem[] = toSend.map(({ bucketId, item }) => ({
    key: bucketId,
    productCode: item.licenseArn ? undefined : d.productCode,
    record: usageRecordOf({
      licenseArn: item.licenseArn as string | undefined,
      customerAWSAccountId: item.customerAWSAccountId as string | undefined,
      customerIdentifier: item.customerIdentifier as string | undefined,
      dimension: item.dimension as string,
      hourMs: Number(item.hourMs),
      quantity: Number(item.quantity),
    }),
  }));
  const results = items.length
    ? await sendUsage(items, { client: d.metering, limiter: d.limiter, sleep: d.sleep, maxAttempts: d.maxAttempts, shouldStop: d.shouldStop })
    : new Map();
  await d.afterSend?.();
  const byId = new Map(toSend.map((c) => [c.bucketId, c.item]));
  for (const [bucketId, r] of results) {
    const item = byId.get(bucketId)!;
    switch (r.status) {
      case 'Success':
        await finish(d, owner, bucketId, 'SENT', { meteringRecordId: r.meteringRecordId }, item, report);
        break;
      case 'DuplicateRecord':
        await finish(d, owner, bucketId, 'DUPLICATE', { meteringRecordId: r.meteringRecordId }, item, report);
        break;
      case 'CustomerNotSubscribed':
        await finish(d, owner, bucketId, 'NOT_SUBSCRIBED', { meteringRecordId: r.meteringRecordId }, item, report);
        break;
      case 'Failed':
        await finish(d, owner, bucketId, 'FAILED', { error: r.error }, item, report);
        break;
      default: {
        // Unprocessed after all retries: release the lease so the next run re-sends the identical record.
        report.retryLater++;
        minCutoff = Math.min(minCutoff ?? Infinity, Number(item.cutoffMs));
        await d.db
          .send(
            new UpdateCommand({
              TableName: d.ledgerTable,
              Key: { bucketId },
              UpdateExpression: 'SET leaseUntil = :zero, lastError = :e',
              ConditionExpression: 'leaseOwner = :me',
              ExpressionAttributeValues: { ':zero': 0, ':me': owner, ':e': r.error ?? 'unprocessed' },
            }),
          )
          .catch((e) => {
            if (!isCondFail(e)) throw e;
          });
      }
    }
  }
  // Buckets not yet closed are not at risk; closed-but-unsent ones are.
  if (minCutoff !== undefined && Number.isFinite(minCutoff)) report.minSecondsToCutoff = Math.floor((minCutoff - now()) / 1000);
}

async function finish(
  d: MeteringJobDeps,
  owner: string,
  bucketId: string,
  state: 'SENT' | 'DUPLICATE' | 'NOT_SUBSCRIBED' | 'FAILED',
  extra: { meteringRecordId?: string; error?: string },
  item: Record<string, unknown>,
  report: MeteringJobReport,
) {
  // DLQ before the mark: a crash in between re-sends to the DLQ (at-least-once) rather than losing the alert.
  if (state === 'FAILED') {
    const { leaseOwner: _owner, leaseUntil: _until, open: _open, ...record } = item;
    await d.deadLetter?.([{ ...record, state, ...extra }]);
  }
  try {
    await d.db.send(
      new UpdateCommand({
        TableName: d.ledgerTable,
        Key: { bucketId },
        UpdateExpression:
          'SET #st = :st, finishedAt = :now, expiresAt = :exp' +
          (extra.meteringRecordId ? ', meteringRecordId = :mr' : '') +
          (extra.error ? ', lastError = :e' : '') +
          ' REMOVE #o, leaseOwner, leaseUntil',
        ConditionExpression: 'leaseOwner = :me',
        ExpressionAttributeNames: { '#st': 'state', '#o': 'open' },
        ExpressionAttributeValues: {
          ':st': state,
          ':now': new Date().toISOString(),
          // Terminal ledger items are the billing audit trail: kept `retentionDays`, then DynamoDB TTL removes them.
          ':exp': Math.floor(Date.now() / 1000) + (d.retentionDays ?? 400) * 86400,
          ':me': owner,
          ...(extra.meteringRecordId ? { ':mr': extra.meteringRecordId } : {}),
          ...(extra.error ? { ':e': extra.error } : {}),
        },
      }),
    );
  } catch (e) {
    if (isCondFail(e)) return; // a newer claim owns it now; it will record the same idempotent outcome
    throw e;
  }
  if (state === 'SENT') report.sent++;
  if (state === 'DUPLICATE') report.duplicate++;
  if (state === 'NOT_SUBSCRIBED') report.notSubscribed++;
  if (state === 'FAILED') report.failed++;
}
