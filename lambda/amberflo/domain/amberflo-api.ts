/**
 * Amberflo's REST API as the adapter uses it (pure mapping + the wire calls; no AWS). Paths and bodies
 * follow Amberflo's public docs (docs.amberflo.io): every call carries `X-API-KEY`.
 *
 *   POST   /meters                                   meter definition {label, meterApiName, meterType, …} → {id, …}
 *   GET    /meters | /meters/{id}                    definitions
 *   PUT    /meters                                   full definition incl. `id`
 *   DELETE /meters/{id}
 *   POST   /ingest                                   [{customerId, meterApiName, meterValue, meterTimeInMillis, uniqueId, dimensions}]
 *   POST   /usage                                    {meterApiName, aggregation, timeGroupingInterval, timeRange, groupBy, filter}
 *   POST   /ingest-snapshot/custom-filtering-rules   {id, meterApiName, ingestionTimeRange, type: 'by_property_filter_out'}
 *   POST   /customers | PUT /customers               {customerId, customerName, customerEmail?, traits}
 *   GET    /customers/{id} | DELETE /customers/{id}
 *   POST   /payments/pricing/amberflo/customer-pricing   {customerId, productPlanId}
 */
import type { VendorHttp, VendorObject } from '../../shared/vendor-http';

export const AMBERFLO = 'Amberflo';

/** An Amberflo meter definition as the API returns it (`id` is Amberflo's). */
export interface AmberfloMeter extends VendorObject {
  id: string;
  label?: string;
  meterApiName?: string;
  meterType?: string;
}

/** Our Meter shape (meterId = Amberflo's id); every other property is kept as Amberflo returned it. */
export function meterFromAmberflo(m: AmberfloMeter): Record<string, unknown> {
  const { id, ...rest } = m;
  return { meterId: id, ...rest };
}

export interface AmberfloCustomer extends VendorObject {
  customerId: string;
  customerName?: string;
  customerEmail?: string;
  traits?: Record<string, string>;
}

const enc = encodeURIComponent;

export const meters = {
  create: (http: VendorHttp, body: Record<string, unknown>) =>
    http.send<AmberfloMeter>({ method: 'POST', path: '/meters', body }),
  get: (http: VendorHttp, id: string) =>
    http.send<AmberfloMeter>({ method: 'GET', path: `/meters/${enc(id)}`, allow: [404] }),
  list: async (http: VendorHttp) => (await http.send<AmberfloMeter[]>({ method: 'GET', path: '/meters' })) ?? [],
  replace: (http: VendorHttp, meter: AmberfloMeter) =>
    http.send<AmberfloMeter>({ method: 'PUT', path: '/meters', body: meter }),
  delete: (http: VendorHttp, id: string) =>
    http.send<AmberfloMeter>({ method: 'DELETE', path: `/meters/${enc(id)}`, allow: [404] }),
};

export interface MeterRecord {
  customerId: string;
  meterApiName: string;
  meterValue: number;
  meterTimeInMillis: number;
  /** Amberflo deduplicates on it: EventBridge/Lambda redeliveries are counted once. */
  uniqueId: string;
  dimensions?: Record<string, string>;
}

export const ingest = (http: VendorHttp, records: MeterRecord[]) =>
  http.send({ method: 'POST', path: '/ingest', body: records });

export interface UsageQuery {
  meterApiName: string;
  aggregation: 'SUM' | 'MAX' | 'MIN' | 'COUNT';
  timeGroupingInterval: 'HOUR' | 'DAY' | 'WEEK' | 'MONTH';
  timeRange: { startTimeInSeconds: number; endTimeInSeconds: number };
  groupBy: string[];
  filter?: Record<string, string[]>;
}

export const usage = (http: VendorHttp, q: UsageQuery) =>
  http.send<AmberfloUsage>({ method: 'POST', path: '/usage', body: q });

export interface FilteringRule {
  id: string;
  meterApiName: string;
  ingestionTimeRange: { startTimeInSeconds: number; endTimeInSeconds: number };
  type: 'by_property_filter_out';
}
export const createFilteringRule = (http: VendorHttp, rule: FilteringRule) =>
  http.send<Record<string, unknown>>({ method: 'POST', path: '/ingest-snapshot/custom-filtering-rules', body: rule });

export const customers = {
  get: (http: VendorHttp, id: string) =>
    http.send<AmberfloCustomer>({ method: 'GET', path: `/customers/${enc(id)}`, allow: [404] }),
  create: (http: VendorHttp, c: AmberfloCustomer) =>
    http.send<AmberfloCustomer>({ method: 'POST', path: '/customers', body: c }),
  replace: (http: VendorHttp, c: AmberfloCustomer) =>
    http.send<AmberfloCustomer>({ method: 'PUT', path: '/customers', body: c }),
  delete: (http: VendorHttp, id: string) =>
    http.send({ method: 'DELETE', path: `/customers/${enc(id)}`, allow: [404] }),
  assignPlan: (http: VendorHttp, customerId: string, productPlanId: string) =>
    http.send({
      method: 'POST',
      path: '/payments/pricing/amberflo/customer-pricing',
      body: { customerId, productPlanId },
    }),
};

/** Amberflo's usage answer (the parts the adapter reads). */
export interface AmberfloUsage extends VendorObject {
  secondsSinceEpochIntervals?: number[];
  clientMeters?: {
    meterApiName?: string;
    groupInfo?: { groupBy?: Record<string, string> } | null;
    values?: { secondsSinceEpochUtc?: number; value?: number }[];
  }[];
}

/** Our meterType → Amberflo's aggregation (unknown types sum, Amberflo's default for usage meters). */
export function aggregationOf(meterType: unknown): UsageQuery['aggregation'] {
  if (meterType === 'max_of_all_usage') return 'MAX';
  if (meterType === 'count_of_events') return 'COUNT';
  return 'SUM';
}

export const GROUPING: Record<'hour' | 'day' | 'month' | 'total', UsageQuery['timeGroupingInterval']> = {
  hour: 'HOUR',
  day: 'DAY',
  month: 'MONTH',
  total: 'DAY', // summed below into one total
};

/**
 * Amberflo's grouped series → the totals shape DynamoDBMetering answers (per tenant, per period), keeping
 * Amberflo's answer under `amberflo`. Totals combine the buckets with the query's aggregation.
 */
export function usageFromAmberflo(
  u: AmberfloUsage,
  q: {
    meterApiName: string;
    aggregation: UsageQuery['aggregation'];
    startTimeInSeconds: number;
    endTimeInSeconds: number;
    period: string;
  },
) {
  const combine = (xs: number[]) =>
    q.aggregation === 'MAX'
      ? Math.max(0, ...xs)
      : q.aggregation === 'MIN'
        ? xs.length
          ? Math.min(...xs)
          : 0
        : xs.reduce((a, b) => a + b, 0);
  const periods = new Map<number, Map<string, number[]>>();
  const tenants = new Map<string, number[]>();
  for (const cm of u.clientMeters ?? []) {
    const tenantId = cm.groupInfo?.groupBy?.customerId ?? '';
    for (const v of cm.values ?? []) {
      const value = typeof v.value === 'number' && Number.isFinite(v.value) ? v.value : 0;
      if (!value) continue; // Amberflo fills empty buckets with 0
      (tenants.get(tenantId) ?? tenants.set(tenantId, []).get(tenantId)!).push(value);
      const at = q.period === 'total' ? q.startTimeInSeconds : (v.secondsSinceEpochUtc ?? q.startTimeInSeconds);
      const bucket = periods.get(at) ?? periods.set(at, new Map()).get(at)!;
      (bucket.get(tenantId) ?? bucket.set(tenantId, []).get(tenantId)!).push(value);
    }
  }
  const all = [...tenants.values()].flat();
  const sorted = <T>(m: Map<string, T>) => [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    meterApiName: q.meterApiName,
    startTimeInSeconds: q.startTimeInSeconds,
    endTimeInSeconds: q.endTimeInSeconds,
    period: q.period,
    aggregation: q.aggregation,
    total: String(combine(all)),
    tenants: sorted(tenants).map(([tenantId, xs]) => ({ tenantId, total: String(combine(xs)) })),
    periods: [...periods.entries()]
      .sort(([a], [b]) => a - b)
      .map(([periodStart, m]) => ({
        periodStart,
        total: String(combine([...m.values()].flat())),
        tenants: sorted(m).map(([tenantId, xs]) => ({ tenantId, total: String(combine(xs)) })),
      })),
    amberflo: u,
  };
}
