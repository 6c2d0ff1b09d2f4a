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
import {
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { queryPages } from '../../shared/dynamodb';
import { randomUUID } from 'node:crypto';
import { customerKey, licenseIdOf, licenseKey } from './identity';
import {
  HOUR_MS,
  MAX_ALLOCATIONS,
  MAX_QUANTITY,
  aggregate,
  cutoffOf,
  identityKey,
  invalidReason,
  tagSetId,
  usageRecordOf,
  usageTimeMs,
  type Allocations,
  type RawUsage,
} from './metering';
import { sendUsage, type RateLimiter, type SendItem, type SendStatus } from './meter-sender';

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
  /**
   * The subscribers table: usage is billed to the subscriber's canonical identity (a legacy CustomerIdentifier
   * record of a buyer who has a licence is billed on the licence — no second record for the same hour across the
   * ProductCode → LicenseArn migration), sent with the licence ARN spelling ResolveCustomer gave, and never
   * timestamped before the licence started. @default no lookup (records are billed as written)
   */
  subscribersTable?: string;
}

/** Whose usage a final flush sends (any of the fields; a subscriber item gives all it knows). */
export interface FinalUsageTarget {
  licenseArn?: string;
  customerAWSAccountId?: string;
  customerIdentifier?: string;
}

export interface MeteringRunOptions {
  /**
   * Final flush at cancellation (Purchase Agreement Ended / unsubscribe-pending / License Deprovisioned): AWS
   * accepts usage for only about an hour after the agreement ends, so the usage of these buyers is sent now —
   * including the hour still running — instead of after the hour closes. Usage that arrives for an hour already
   * sent is late (recorded, DLQ, alarm).
   */
  finalFor?: FinalUsageTarget[];
}

export interface MeteringJobReport {
  aggregated: number;
  invalid: number;
  late: number;
  /** Records whose hourly sum would exceed BatchMeterUsage's Quantity bound (2147483647). */
  overflow: number;
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

const isCondFail = (e: unknown) =>
  ['ConditionalCheckFailedException', 'TransactionCanceledException'].includes((e as { name?: string })?.name ?? '');

export async function runMeteringJob(d: MeteringJobDeps, o: MeteringRunOptions = {}): Promise<MeteringJobReport> {
  const now = d.now ?? Date.now;
  const report: MeteringJobReport = {
    aggregated: 0,
    invalid: 0,
    late: 0,
    overflow: 0,
    claimed: 0,
    sent: 0,
    duplicate: 0,
    notSubscribed: 0,
    failed: 0,
    retryLater: 0,
  };
  await aggregatePending(d, now, report, o.finalFor);
  await sendClosed(d, now, report, o.finalFor);
  return report;
}

type Pending = RawUsage & { customerKey: string; recordId: string; notBeforeMs?: number };

/**
 * Resolves a usage record to the subscriber it bills (cached per run): the licence when the buyer has one, in the
 * spelling ResolveCustomer returned, and the licence start (agreement start, else first License Updated).
 */
class IdentityResolver {
  private readonly cache = new Map<string, Record<string, unknown> | undefined>();
  constructor(private readonly d: MeteringJobDeps) {}

  private async subscriber(key: string, load: () => Promise<Record<string, unknown> | undefined>) {
    if (!this.cache.has(key)) this.cache.set(key, await load());
    return this.cache.get(key);
  }

  async resolve(r: Pending): Promise<Pending> {
    const table = this.d.subscribersTable;
    if (!table) return r;
    let sub: Record<string, unknown> | undefined;
    if (r.licenseArn) {
      const id = licenseKey(r.licenseArn);
      sub = await this.subscriber(
        id,
        async () => (await this.d.db.send(new GetCommand({ TableName: table, Key: { subscriberId: id } }))).Item,
      );
    } else if (r.customerIdentifier) {
      const ci = r.customerIdentifier.trim();
      sub = await this.subscriber(customerKey(ci), async () => {
        // The index projects only `kind`: read the matching items themselves.
        const q = await this.d.db.send(
          new QueryCommand({
            TableName: table,
            IndexName: 'customerIdentifierIndex',
            KeyConditionExpression: 'customerIdentifier = :c',
            ExpressionAttributeValues: { ':c': ci },
          }),
        );
        const ids = (q.Items ?? []).filter((i) => i.kind === 'subscriber').map((i) => String(i.subscriberId));
        // Prefer the licence item (registered under Concurrent Agreements) over a parked legacy one.
        ids.sort((a, b) => Number(b.startsWith('license:')) - Number(a.startsWith('license:')));
        for (const id of ids) {
          const it = (await this.d.db.send(new GetCommand({ TableName: table, Key: { subscriberId: id } }))).Item;
          if (it) return it;
        }
        return undefined;
      });
    }
    if (!sub) return r;
    const out: Pending = { ...r };
    if (typeof sub.licenseArn === 'string' && typeof sub.customerAWSAccountId === 'string') {
      if (!r.licenseArn || licenseIdOf(r.licenseArn) === licenseIdOf(sub.licenseArn)) {
        out.licenseArn = sub.licenseArn;
        out.customerAWSAccountId = sub.customerAWSAccountId;
        out.customerIdentifier = undefined;
      }
    }
    const start = [sub.agreementStartTime, sub.licenseStartedAt]
      .map((v) => (typeof v === 'string' ? Date.parse(v) : NaN))
      .find((v) => !Number.isNaN(v));
    if (start !== undefined && out.licenseArn) out.notBeforeMs = start;
    return out;
  }
}

/** A final flush folds only its buyers' pending records (matched on account, customer id or licence as written). */
function pendingFilter(targets: FinalUsageTarget[] | undefined) {
  if (!targets) return undefined;
  const parts: string[] = [];
  const values: Record<string, unknown> = {};
  targets.forEach((t, i) => {
    if (t.customerAWSAccountId) {
      parts.push(`customerAWSAccountId = :pa${i}`);
      values[`:pa${i}`] = t.customerAWSAccountId;
    }
    if (t.customerIdentifier) {
      parts.push(`customerIdentifier = :pc${i}`);
      values[`:pc${i}`] = t.customerIdentifier.trim();
    }
    if (t.licenseArn) {
      parts.push(`licenseArn = :pl${i}`);
      values[`:pl${i}`] = t.licenseArn;
    }
  });
  return parts.length ? { expr: parts.join(' OR '), values } : undefined;
}

/** A condition with its value placeholders (`:x` → value). */
interface Condition {
  expr: string;
  values: Record<string, unknown>;
}

/**
 * Pages of one of the job's sparse indexes, keyed by a flag that is 'true' while an item waits (usage not yet
 * aggregated, a bucket not yet sent) and removed when it is done; `range` narrows the key, `filter` keeps a
 * final flush's buyers.
 */
function waitingPages(
  d: MeteringJobDeps,
  q: { table: string; index: string; flag: string; range?: Condition; filter?: Condition },
) {
  return queryPages(d.db, {
    TableName: q.table,
    IndexName: q.index,
    KeyConditionExpression: q.range ? `#f = :t AND ${q.range.expr}` : '#f = :t',
    ...(q.filter ? { FilterExpression: q.filter.expr } : {}),
    ExpressionAttributeNames: { '#f': q.flag },
    ExpressionAttributeValues: { ':t': 'true', ...q.range?.values, ...q.filter?.values },
    Limit: d.pageSize,
  });
}

async function aggregatePending(
  d: MeteringJobDeps,
  now: () => number,
  report: MeteringJobReport,
  finalFor?: FinalUsageTarget[],
) {
  const resolver = new IdentityResolver(d);
  const filter = pendingFilter(finalFor);
  if (finalFor && !filter) return;
  for await (const page of waitingPages(d, {
    table: d.usageTable,
    index: USAGE_PENDING_INDEX,
    flag: 'pending',
    filter,
  })) {
    const valid: Pending[] = [];
    for (const it of page) {
      const why = invalidReason(it as Partial<RawUsage>);
      if (why) {
        if (await markRecord(d, it, { invalid: why })) {
          report.invalid++;
          await d.deadLetter?.([{ reason: 'invalid', error: why, record: it }]);
        }
        continue;
      }
      const r = await resolver.resolve(it as Pending);
      if (r.notBeforeMs !== undefined && usageTimeMs(r.timestamp)! < r.notBeforeMs) {
        const error = `usage at ${new Date(usageTimeMs(r.timestamp)!).toISOString()} is before the licence started (${new Date(r.notBeforeMs).toISOString()})`;
        if (await markRecord(d, it, { invalid: error })) {
          report.invalid++;
          await d.deadLetter?.([{ reason: 'invalid', error, record: it }]);
        }
        continue;
      }
      valid.push(r);
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
  }
}

async function markRecord(
  d: MeteringJobDeps,
  it: Record<string, unknown>,
  set: Record<string, unknown>,
): Promise<boolean> {
  const [k, v] = Object.entries(set)[0];
  try {
    await d.db.send(
      new UpdateCommand({
        TableName: d.usageTable,
        Key: { customerKey: it.customerKey, recordId: it.recordId },
        UpdateExpression:
          'REMOVE #p SET #k = :v, processedAt = :now, expiresAt = :exp' + (set.bucketId ? ', bucketId = :b' : ''),
        ConditionExpression: '#p = :t',
        ExpressionAttributeNames: { '#p': 'pending', '#k': k },
        ExpressionAttributeValues: {
          ':v': v,
          ':t': 'true',
          ':now': new Date().toISOString(),
          ':exp': expiresAt(d),
          ...(set.bucketId ? { ':b': set.bucketId } : {}),
        },
      }),
    );
    return true;
  } catch (e) {
    if (isCondFail(e)) return false; // another run handled it
    throw e;
  }
}

async function foldIntoBucket(d: MeteringJobDeps, recs: Pending[], report: MeteringJobReport, now: () => number) {
  const b = aggregate(recs)[0];
  if (b.quantity > MAX_QUANTITY) {
    // Several records of one transaction already exceed the bound: fold them one by one, so the bucket takes what
    // fits and only the overflowing records are refused.
    if (recs.length > 1) for (const r of recs) await foldIntoBucket(d, [r], report, now);
    else await refuseOverflow(d, recs, b.bucketId, report);
    return;
  }
  // Tagged usage (UsageAllocations): one ADD-ed quantity per tag set, next to the tags themselves.
  const allocNames: Record<string, string> = {};
  const allocValues: Record<string, unknown> = {};
  const allocSets: string[] = [];
  const allocAdds: string[] = [];
  const bySet = new Map<string, { tags: Record<string, string>; quantity: number }>();
  for (const r of recs) {
    if (!r.tags) continue;
    const id = tagSetId(r.tags);
    const cur = bySet.get(id) ?? { tags: r.tags, quantity: 0 };
    cur.quantity += r.quantity;
    bySet.set(id, cur);
  }
  [...bySet.entries()].forEach(([id, a], i) => {
    allocNames[`#aq${i}`] = `alloc_${id}`;
    allocNames[`#at${i}`] = `allocTags_${id}`;
    allocValues[`:aq${i}`] = a.quantity;
    allocValues[`:at${i}`] = a.tags;
    allocAdds.push(`#aq${i} :aq${i}`);
    allocSets.push(`#at${i} = :at${i}`);
  });
  const notBefore = recs.map((r) => r.notBeforeMs).find((v) => v !== undefined);
  const ledgerUpdate = {
    Update: {
      TableName: d.ledgerTable,
      Key: { bucketId: b.bucketId },
      UpdateExpression:
        `ADD #qty :q, recordCount :n${allocAdds.map((a) => `, ${a}`).join('')} SET #st = if_not_exists(#st, :open), #o = if_not_exists(#o, :t), hourMs = :h, #dim = :dim, cutoffMs = :c` +
        (b.licenseArn ? ', licenseArn = :la, customerAWSAccountId = :acct' : ', customerIdentifier = :ci') +
        (notBefore !== undefined ? ', notBeforeMs = if_not_exists(notBeforeMs, :nb)' : '') +
        allocSets.map((a) => `, ${a}`).join(''),
      // The bucket must still be open AND its hourly sum must stay within the Quantity bound.
      ConditionExpression:
        '(attribute_not_exists(#st) OR #st = :open) AND (attribute_not_exists(#qty) OR #qty <= :room)',
      ExpressionAttributeNames: {
        '#st': 'state',
        '#o': 'open',
        '#qty': 'quantity',
        '#dim': 'dimension',
        ...allocNames,
      },
      ExpressionAttributeValues: {
        ':q': b.quantity,
        ':n': b.count,
        ':open': 'OPEN',
        ':t': 'true',
        ':h': b.hourMs,
        ':dim': b.dimension,
        ':c': cutoffOf(b.hourMs),
        ':room': MAX_QUANTITY - b.quantity,
        ...(b.licenseArn ? { ':la': b.licenseArn, ':acct': b.customerAWSAccountId } : { ':ci': b.customerIdentifier }),
        ...(notBefore !== undefined ? { ':nb': notBefore } : {}),
        ...allocValues,
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
      ExpressionAttributeValues: {
        ':b': b.bucketId,
        ':t': 'true',
        ':now': new Date(now()).toISOString(),
        ':exp': expiresAt(d),
      },
    },
  }));
  try {
    await d.db.send(new TransactWriteCommand({ TransactItems: [ledgerUpdate, ...recUpdates] }));
    report.aggregated += recs.length;
  } catch (e) {
    if (!isCondFail(e)) throw e;
    const reasons = (e as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
    if (reasons[0]?.Code === 'ConditionalCheckFailed') {
      const cur = (
        await d.db.send(
          new GetCommand({ TableName: d.ledgerTable, Key: { bucketId: b.bucketId }, ConsistentRead: true }),
        )
      ).Item;
      if (cur && cur.state === 'OPEN') {
        // Still open, so the hourly sum was the refusal: never put an out-of-range quantity on the wire.
        if (recs.length > 1) for (const r of recs) await foldIntoBucket(d, [r], report, now);
        else await refuseOverflow(d, recs, b.bucketId, report);
        return;
      }
      // Late-usage policy: the hour was already sent (AWS keeps the first quantity of an hour; a second would only
      // be a DuplicateRecord), so the record is marked `late`, counted, and put on the metering DLQ for the seller.
      const late: Pending[] = [];
      for (const r of recs)
        if (await markRecord(d, r as unknown as Record<string, unknown>, { late: true, bucketId: b.bucketId }))
          late.push(r);
      report.late += late.length;
      if (late.length)
        await d.deadLetter?.(
          late.map((r) => ({ reason: 'late', bucketId: b.bucketId, bucketState: cur?.state, record: r })),
        );
      return;
    }
    // Some record was folded concurrently by another run: retry one by one.
    if (recs.length > 1) for (const r of recs) await foldIntoBucket(d, [r], report, now);
  }
}

async function refuseOverflow(d: MeteringJobDeps, recs: Pending[], bucketId: string, report: MeteringJobReport) {
  const error = `the hourly sum of ${bucketId} would exceed ${MAX_QUANTITY} (BatchMeterUsage Quantity bound)`;
  for (const r of recs) {
    if (await markRecord(d, r as unknown as Record<string, unknown>, { invalid: error })) {
      report.overflow++;
      await d.deadLetter?.([{ reason: 'overflow', error, record: r }]);
    }
  }
}

/** Filter of the open-bucket Query for a final flush: the targets' buckets only. */
function finalFilter(targets: FinalUsageTarget[]) {
  const parts: string[] = [];
  const values: Record<string, unknown> = {};
  targets.forEach((t, i) => {
    if (t.licenseArn) {
      parts.push(`begins_with(bucketId, :fl${i})`);
      values[`:fl${i}`] = `${identityKey({ licenseArn: t.licenseArn, customerAWSAccountId: t.customerAWSAccountId })}#`;
      if (!t.customerAWSAccountId) values[`:fl${i}`] = `L:${licenseIdOf(t.licenseArn)}:`;
    }
    if (t.customerIdentifier) {
      parts.push(`begins_with(bucketId, :fc${i})`);
      values[`:fc${i}`] = `${identityKey({ customerIdentifier: t.customerIdentifier })}#`;
    }
    if (!t.licenseArn && !t.customerIdentifier && t.customerAWSAccountId) {
      parts.push(`customerAWSAccountId = :fa${i}`);
      values[`:fa${i}`] = t.customerAWSAccountId;
    }
  });
  return parts.length ? { expr: parts.join(' OR '), values } : undefined;
}

function allocationsOf(item: Record<string, unknown>): Allocations {
  const out: Allocations = {};
  for (const [k, v] of Object.entries(item)) {
    if (!k.startsWith('alloc_')) continue;
    const id = k.slice('alloc_'.length);
    const tags = item[`allocTags_${id}`];
    if (tags && typeof tags === 'object') out[id] = { tags: tags as Record<string, string>, quantity: Number(v) };
  }
  return out;
}

async function sendClosed(
  d: MeteringJobDeps,
  now: () => number,
  report: MeteringJobReport,
  finalFor?: FinalUsageTarget[],
) {
  const filter = finalFor ? finalFilter(finalFor) : undefined;
  if (finalFor && !filter) return;
  const owner = randomUUID();
  const closeDelay = d.closeDelayMs ?? 10 * 60_000;
  const lease = d.leaseMs ?? 10 * 60_000;
  const t0 = now();
  const claimed: { bucketId: string; item: Record<string, unknown> }[] = [];
  let minCutoff: number | undefined;
  for await (const page of waitingPages(d, {
    table: d.ledgerTable,
    index: LEDGER_OPEN_INDEX,
    flag: 'open',
    // A final flush takes every started hour of its buyers (the running one too); the hourly run closed hours.
    range: { expr: 'hourMs <= :closed', values: { ':closed': filter ? t0 : t0 - HOUR_MS - closeDelay } },
    filter,
  })) {
    for (const it of page) {
      try {
        const r = await d.db.send(
          new UpdateCommand({
            TableName: d.ledgerTable,
            Key: { bucketId: it.bucketId },
            UpdateExpression: 'SET #st = :sending, leaseOwner = :me, leaseUntil = :until ADD attempts :one',
            ConditionExpression: '#o = :t AND (#st = :openS OR (#st = :sending AND leaseUntil < :now))',
            ExpressionAttributeNames: { '#st': 'state', '#o': 'open' },
            ExpressionAttributeValues: {
              ':sending': 'SENDING',
              ':openS': 'OPEN',
              ':me': owner,
              ':until': t0 + lease,
              ':now': t0,
              ':one': 1,
              ':t': 'true',
            },
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
  }
  report.claimed = claimed.length;

  const expired = claimed.filter((c) => Number(c.item.cutoffMs) <= now());
  const toSend = claimed.filter((c) => Number(c.item.cutoffMs) > now());
  for (const c of expired)
    await finish(
      d,
      owner,
      c.bucketId,
      'FAILED',
      { error: 'cutoff passed before the record could be sent' },
      c.item,
      report,
    );

  const byIdEarly = new Map(toSend.map((c) => [c.bucketId, c.item]));
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
      notBeforeMs: item.notBeforeMs === undefined ? undefined : Number(item.notBeforeMs),
      allocations: allocationsOf(item),
    }),
  }));
  // More tag sets than one record may carry (2500) can never be sent: refuse them visibly.
  for (const it of [...items]) {
    if ((it.record.UsageAllocations?.length ?? 0) > MAX_ALLOCATIONS) {
      items.splice(items.indexOf(it), 1);
      await finish(
        d,
        owner,
        it.key,
        'FAILED',
        { error: `more than ${MAX_ALLOCATIONS} tag sets in one hour` },
        byIdEarly.get(it.key)!,
        report,
      );
    }
  }
  const results = items.length
    ? await sendUsage(items, {
        client: d.metering,
        limiter: d.limiter,
        sleep: d.sleep,
        maxAttempts: d.maxAttempts,
        shouldStop: d.shouldStop,
      })
    : new Map();
  await d.afterSend?.();
  const byId = new Map(toSend.map((c) => [c.bucketId, c.item]));
  for (const [bucketId, r] of results) {
    const item = byId.get(bucketId)!;
    const answered = ANSWERED[r.status as keyof typeof ANSWERED];
    if (answered) {
      await finish(d, owner, bucketId, answered, { meteringRecordId: r.meteringRecordId }, item, report);
      continue;
    }
    if (r.status === 'Failed') {
      await finish(d, owner, bucketId, 'FAILED', { error: r.error }, item, report);
      continue;
    }
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
  // Buckets not yet closed are not at risk; closed-but-unsent ones are.
  if (minCutoff !== undefined && Number.isFinite(minCutoff))
    report.minSecondsToCutoff = Math.floor((minCutoff - now()) / 1000);
}

/** The ledger state of a record AWS answered (with a MeteringRecordId): sent, already sent, or not subscribed. */
const ANSWERED = {
  Success: 'SENT',
  DuplicateRecord: 'DUPLICATE',
  CustomerNotSubscribed: 'NOT_SUBSCRIBED',
} as const satisfies Partial<Record<SendStatus, string>>;

async function finish(
  d: MeteringJobDeps,
  owner: string,
  bucketId: string,
  state: 'SENT' | 'DUPLICATE' | 'NOT_SUBSCRIBED' | 'FAILED',
  extra: { meteringRecordId?: string; error?: string },
  item: Record<string, unknown>,
  report: MeteringJobReport,
) {
  // Everything AWS refused (or we could not send) goes to the DLQ — never only a stored state. DLQ before the
  // mark: a crash in between re-sends to the DLQ (at-least-once) rather than losing the alert.
  if (state !== 'SENT') {
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
