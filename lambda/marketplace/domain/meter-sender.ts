/**
 * Sends usage records with BatchMeterUsage within the account quota (10 requests/s per account and region):
 *  - a pacing limiter spaces request starts (default 9.8/s, so no 1-second window ever holds 10 + jitter);
 *    requests run concurrently, so latency does not eat into the quota (≈ 245 of the 250 records/s ceiling);
 *  - ThrottlingException / InternalServiceError / network errors and UnprocessedRecords are retried with
 *    exponential backoff and full jitter;
 *  - a request-level validation error (e.g. TimestampOutOfBounds, InvalidUsageDimension) fails the whole
 *    request, so the chunk is bisected until the bad record is isolated and reported alone;
 *  - per-record statuses Success / DuplicateRecord / CustomerNotSubscribed are terminal and returned.
 * Records of one request share one product (legacy ProductCode at request level; CA records carry LicenseArn).
 */
import {
  BatchMeterUsageCommand,
  type MarketplaceMeteringClient,
  type UsageRecord,
} from '@aws-sdk/client-marketplace-metering';
import { chunk, matchResults } from './metering';

export type SendStatus = 'Success' | 'DuplicateRecord' | 'CustomerNotSubscribed' | 'Failed' | 'Unprocessed';

export interface SendItem {
  /** Caller's key (e.g. ledger bucket id). */
  key: string;
  record: UsageRecord;
  /** Legacy records: the product code sent at request level. Omit for Concurrent-Agreement (LicenseArn) records. */
  productCode?: string;
}

export interface SendResult {
  status: SendStatus;
  meteringRecordId?: string;
  error?: string;
}

export class RateLimiter {
  private next = 0;
  constructor(
    readonly perSecond: number,
    private readonly now: () => number = () => Date.now(),
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}
  /** Resolves at this caller's slot; slots are 1000/perSecond ms apart. */
  async take(): Promise<void> {
    const interval = 1000 / this.perSecond;
    const t = this.now();
    const slot = Math.max(t, this.next);
    this.next = slot + interval;
    if (slot > t) await this.sleep(slot - t);
  }
}

export interface SenderOptions {
  client: MarketplaceMeteringClient;
  limiter?: RateLimiter;
  /** Attempts per record for retryable failures (throttling, unprocessed, 5xx). @default 8 */
  maxAttempts?: number;
  /** Backoff base in ms (full jitter over base·2^n, capped at 5 s). @default 100 */
  backoffBaseMs?: number;
  /** Concurrent requests in flight. @default 10 */
  concurrency?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Stop retrying when this returns true (Lambda time running out). */
  shouldStop?: () => boolean;
}

const RETRYABLE = new Set([
  'ThrottlingException',
  'InternalServiceErrorException',
  'ServiceUnavailable',
  'TimeoutError',
  'RequestTimeout',
]);

function isRetryable(e: unknown): boolean {
  const err = e as { name?: string; $retryable?: unknown; $metadata?: { httpStatusCode?: number }; code?: string };
  if (err?.name && RETRYABLE.has(err.name)) return true;
  if (err?.$retryable) return true;
  const status = err?.$metadata?.httpStatusCode;
  if (status !== undefined && status >= 500) return true;
  return ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT'].includes(
    String(err?.code ?? (err as { cause?: { code?: string } })?.cause?.code),
  );
}

interface Job {
  items: SendItem[];
  productCode?: string;
  attempt: number;
}

export async function sendUsage(items: SendItem[], o: SenderOptions): Promise<Map<string, SendResult>> {
  const limiter = o.limiter ?? new RateLimiter(9.8);
  const maxAttempts = o.maxAttempts ?? 8;
  const base = o.backoffBaseMs ?? 100;
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const random = o.random ?? Math.random;
  const out = new Map<string, SendResult>();
  const backoff = (attempt: number) => sleep(Math.floor(random() * Math.min(5000, base * 2 ** attempt)));

  // One product per request.
  const byProduct = new Map<string, SendItem[]>();
  for (const it of items) {
    const k = it.productCode ?? '';
    byProduct.set(k, [...(byProduct.get(k) ?? []), it]);
  }
  const queue: Job[] = [];
  for (const [pc, list] of byProduct)
    for (const c of chunk(list)) queue.push({ items: c, productCode: pc || undefined, attempt: 0 });

  let active = 0;
  const waiters: Array<() => void> = [];
  const wake = () => {
    for (const w of waiters.splice(0)) w();
  };

  const retryLater = async (job: Job, why: string) => {
    if (job.attempt + 1 >= maxAttempts || o.shouldStop?.()) {
      for (const it of job.items) out.set(it.key, { status: 'Unprocessed', error: why });
      return;
    }
    await backoff(job.attempt);
    queue.push({ ...job, attempt: job.attempt + 1 });
  };

  const run = async (job: Job) => {
    await limiter.take();
    try {
      const res = await o.client.send(
        new BatchMeterUsageCommand({ ProductCode: job.productCode, UsageRecords: job.items.map((i) => i.record) }),
      );
      // Matched on what this request sent (dimension, hour, licence or customer), not on echoed spellings.
      const results = res.Results ?? [];
      const { matched, unmatched } = matchResults(job.items, results);
      for (const [it, idx] of matched) {
        const r = results[idx];
        out.set(it.key, { status: (r.Status as SendStatus) ?? 'Failed', meteringRecordId: r.MeteringRecordId });
      }
      const leftover = unmatched;
      // UnprocessedRecords, and anything the service did not mention, are retried.
      if (leftover.length) await retryLater({ ...job, items: leftover }, 'UnprocessedRecords');
    } catch (e) {
      if (isRetryable(e)) return retryLater(job, (e as Error).name ?? 'retryable error');
      if (job.items.length > 1) {
        const mid = Math.ceil(job.items.length / 2);
        queue.push({ ...job, items: job.items.slice(0, mid) }, { ...job, items: job.items.slice(mid) });
        return;
      }
      const err = e as Error;
      out.set(job.items[0].key, { status: 'Failed', error: `${err.name}: ${err.message}` });
    }
  };

  await new Promise<void>((resolveAll, rejectAll) => {
    const pump = () => {
      while (active < (o.concurrency ?? 10) && queue.length) {
        const job = queue.shift()!;
        active++;
        run(job)
          .catch(rejectAll)
          .finally(() => {
            active--;
            pump();
            wake();
          });
      }
      if (!active && !queue.length) resolveAll();
    };
    pump();
  });
  return out;
}
