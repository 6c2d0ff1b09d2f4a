/**
 * A loopback Amberflo speaking the wire shapes of Amberflo's public API docs (docs.amberflo.io): the
 * `X-API-KEY` header on every call; meter definitions (`POST/PUT /meters`, `GET|DELETE /meters/{id}`);
 * `POST /ingest` (an array of meter records, deduplicated on `uniqueId`); `POST /usage` (aggregation,
 * timeGroupingInterval, timeRange, groupBy customerId, filter) answering `clientMeters` with
 * `groupInfo.groupBy` and bucketed `values`; `POST /ingest-snapshot/custom-filtering-rules`
 * (`by_property_filter_out` over the ingestion time); customers (`POST|PUT /customers`,
 * `GET|DELETE /customers/{id}`) and product plan assignment. Anything else is refused.
 */
import { JsonFake, type FakeRequest, type FakeResponse } from './json-server';

interface StoredRecord {
  customerId: string;
  meterApiName: string;
  meterValue: number;
  meterTimeInMillis: number;
  uniqueId?: string;
  dimensions?: Record<string, string>;
  ingestedAt: number;
}

const INTERVAL = { HOUR: 3600, DAY: 86400, WEEK: 7 * 86400, MONTH: 30 * 86400 } as const;

export class AmberfloFake extends JsonFake {
  readonly meters = new Map<string, Record<string, unknown>>();
  readonly customers = new Map<string, Record<string, unknown>>();
  readonly records: StoredRecord[] = [];
  readonly rules: Record<string, unknown>[] = [];
  readonly plans = new Map<string, string>();
  private nextId = 1;
  /** Ingestion clock (unix seconds) of records: tests set it to place records before/after a rule. */
  now = () => Math.floor(Date.now() / 1000);

  constructor(readonly apiKey: string) {
    super();
  }

  protected authorize(req: FakeRequest): FakeResponse | undefined {
    if (req.headers['x-api-key'] !== this.apiKey) return { status: 401, body: { message: 'invalid api key' } };
    return undefined;
  }

  protected handle(req: FakeRequest): FakeResponse {
    const seg = req.path.split('/').filter(Boolean).map(decodeURIComponent);
    const key = `${req.method} /${seg[0] ?? ''}${seg.length > 1 ? '/:id' : ''}`;
    switch (key) {
      case 'POST /meters': {
        const m = this.object(req.body, ['label', 'meterApiName', 'meterType']);
        if (!/^[a-z_]+$/.test(String(m.meterType))) this.refuse(400, `unknown meterType ${String(m.meterType)}`);
        if ([...this.meters.values()].some((x) => x.meterApiName === m.meterApiName))
          this.refuse(400, 'meterApiName already exists');
        const meter = { ...m, id: `meter-${this.nextId++}`, lastUpdateTimeInMillis: Date.now() };
        this.meters.set(meter.id, meter);
        return { status: 200, body: meter };
      }
      case 'GET /meters':
        return { status: 200, body: [...this.meters.values()] };
      case 'GET /meters/:id': {
        const m = this.meters.get(seg[1]!);
        return m ? { status: 200, body: m } : { status: 404, body: { message: 'meter not found' } };
      }
      case 'PUT /meters': {
        const m = this.object(req.body, ['id', 'label', 'meterApiName', 'meterType']); // the whole definition
        if (!this.meters.has(String(m.id))) this.refuse(404, 'meter not found');
        this.meters.set(String(m.id), { ...m, lastUpdateTimeInMillis: Date.now() });
        return { status: 200, body: this.meters.get(String(m.id)) };
      }
      case 'DELETE /meters/:id': {
        const m = this.meters.get(seg[1]!);
        if (!m) return { status: 404, body: { message: 'meter not found' } };
        this.meters.delete(seg[1]!);
        return { status: 200, body: m };
      }
      case 'POST /ingest': {
        const list = Array.isArray(req.body) ? req.body : [req.body];
        for (const r of list) {
          const o = this.object(r, ['customerId', 'meterApiName']);
          if (typeof o.meterValue !== 'number' || !Number.isFinite(o.meterValue))
            this.refuse(400, 'meterValue must be a number');
          if (typeof o.meterTimeInMillis !== 'number') this.refuse(400, 'meterTimeInMillis must be a number');
          if (
            o.dimensions !== undefined &&
            (typeof o.dimensions !== 'object' ||
              Object.values(o.dimensions as object).some((v) => typeof v !== 'string'))
          ) {
            this.refuse(400, 'dimensions must map strings to strings');
          }
        }
        for (const r of list as StoredRecord[]) {
          if (r.uniqueId && this.records.some((x) => x.uniqueId === r.uniqueId)) continue; // deduplicated
          this.records.push({ ...r, ingestedAt: this.now() });
        }
        return { status: 200, body: 'OK' };
      }
      case 'POST /usage':
        return { status: 200, body: this.usage(this.object(req.body, ['meterApiName'])) };
      case 'POST /ingest-snapshot/:id': {
        if (req.path !== '/ingest-snapshot/custom-filtering-rules') this.refuse(404, 'not found');
        const r = this.object(req.body, ['id', 'meterApiName', 'type']);
        if (r.type !== 'by_property_filter_out') this.refuse(400, 'unknown rule type');
        const range = r.ingestionTimeRange as { startTimeInSeconds?: unknown; endTimeInSeconds?: unknown } | undefined;
        if (typeof range?.startTimeInSeconds !== 'number' || typeof range.endTimeInSeconds !== 'number')
          this.refuse(400, 'ingestionTimeRange is required');
        this.rules.push(r);
        return { status: 200, body: r };
      }
      case 'POST /customers': {
        const c = this.object(req.body, ['customerId', 'customerName']);
        if (this.customers.has(String(c.customerId))) this.refuse(400, 'customer already exists');
        this.customers.set(String(c.customerId), c);
        return { status: 200, body: c };
      }
      case 'PUT /customers': {
        const c = this.object(req.body, ['customerId', 'customerName']);
        if (!this.customers.has(String(c.customerId))) this.refuse(404, 'customer not found');
        this.customers.set(String(c.customerId), c);
        return { status: 200, body: c };
      }
      case 'GET /customers/:id': {
        const c = this.customers.get(seg[1]!);
        return c ? { status: 200, body: c } : { status: 404, body: { message: 'customer not found' } };
      }
      case 'DELETE /customers/:id': {
        if (!this.customers.delete(seg[1]!)) return { status: 404, body: { message: 'customer not found' } };
        return { status: 200, body: {} };
      }
      case 'POST /payments/:id': {
        if (req.path !== '/payments/pricing/amberflo/customer-pricing') this.refuse(404, 'not found');
        const b = this.object(req.body, ['customerId', 'productPlanId']);
        if (!this.customers.has(String(b.customerId))) this.refuse(400, 'unknown customer');
        this.plans.set(String(b.customerId), String(b.productPlanId));
        return { status: 200, body: { ...b, relationId: `rel-${this.nextId++}` } };
      }
      default:
        this.refuse(404, `no route ${req.method} ${req.path}`);
    }
  }

  private usage(q: Record<string, unknown>) {
    const aggregation = q.aggregation;
    if (!['SUM', 'MAX', 'MIN', 'COUNT'].includes(String(aggregation)))
      this.refuse(400, 'aggregation must be SUM, MAX, MIN or COUNT');
    const interval = INTERVAL[q.timeGroupingInterval as keyof typeof INTERVAL];
    if (!interval) this.refuse(400, 'timeGroupingInterval must be HOUR, DAY, WEEK or MONTH');
    const range = q.timeRange as { startTimeInSeconds?: number; endTimeInSeconds?: number } | undefined;
    if (typeof range?.startTimeInSeconds !== 'number') this.refuse(400, 'timeRange.startTimeInSeconds is required');
    const start = range.startTimeInSeconds;
    const end = range.endTimeInSeconds ?? this.now();
    const groupBy = (q.groupBy as string[] | undefined) ?? [];
    const filter = (q.filter as Record<string, string[]> | undefined) ?? {};
    const counted = this.records.filter(
      (r) =>
        r.meterApiName === q.meterApiName &&
        r.meterTimeInMillis / 1000 >= start &&
        r.meterTimeInMillis / 1000 < end &&
        (!filter.customerId || filter.customerId.includes(r.customerId)) &&
        !this.rules.some((rule) => {
          const t = rule.ingestionTimeRange as { startTimeInSeconds: number; endTimeInSeconds: number };
          return (
            rule.meterApiName === r.meterApiName &&
            r.ingestedAt >= t.startTimeInSeconds &&
            r.ingestedAt <= t.endTimeInSeconds
          );
        }),
    );
    const first = Math.floor(start / interval) * interval;
    const buckets: number[] = [];
    for (let t = first; t < end; t += interval) buckets.push(t);
    const groups = new Map<string, StoredRecord[]>();
    for (const r of counted) {
      const g = groupBy.includes('customerId') ? r.customerId : '';
      (groups.get(g) ?? groups.set(g, []).get(g)!).push(r);
    }
    const agg = (xs: number[]) =>
      aggregation === 'COUNT'
        ? xs.length
        : aggregation === 'MAX'
          ? Math.max(0, ...xs)
          : aggregation === 'MIN'
            ? xs.length
              ? Math.min(...xs)
              : 0
            : xs.reduce((a, b) => a + b, 0);
    return {
      metadata: q,
      secondsSinceEpochIntervals: buckets,
      clientMeters: [...groups.entries()].map(([g, rs]) => ({
        meterApiName: q.meterApiName,
        groupInfo: groupBy.length ? { groupBy: { customerId: g } } : null,
        values: buckets.map((b) => ({
          secondsSinceEpochUtc: b,
          value: agg(
            rs
              .filter((r) => r.meterTimeInMillis / 1000 >= b && r.meterTimeInMillis / 1000 < b + interval)
              .map((r) => r.meterValue),
          ),
        })),
      })),
    };
  }
}
