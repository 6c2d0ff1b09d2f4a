/**
 * A loopback Moesif speaking the wire shapes of Moesif's public API reference (moesif.com/docs/api):
 * the Management API under `/v1` with `Authorization: Bearer <management key>` — companies, subscriptions
 * and users under `/search/~/…` (POST creates or merges recursively, GET/DELETE by id, a company's
 * subscriptions) — and the Collector API under `/v1` with `X-Moesif-Application-Id` (`POST /actions/batch`,
 * deduplicated on `transaction_id`). Both APIs share one server here; the path and header decide which
 * one a request is for. Requests with the wrong credentials, missing ids or unknown paths are refused.
 */
import { JsonFake, type FakeRequest, type FakeResponse } from './json-server';

type Obj = Record<string, unknown>;

function merge(a: Obj, b: Obj): Obj {
  const out: Obj = { ...a };
  for (const [k, v] of Object.entries(b)) {
    out[k] =
      v && typeof v === 'object' && !Array.isArray(v) && out[k] && typeof out[k] === 'object'
        ? merge(out[k] as Obj, v as Obj)
        : v;
  }
  return out;
}

export class MoesifFake extends JsonFake {
  readonly companies = new Map<string, Obj>();
  readonly subscriptions = new Map<string, Obj>();
  readonly users = new Map<string, Obj>();
  readonly actions: Obj[] = [];

  constructor(
    readonly managementKey: string,
    readonly applicationId: string,
  ) {
    super();
  }

  /** The Management API base (for the adapter's managementApiBaseUrl). */
  get managementUrl() {
    return `${this.url}/v1`;
  }
  get collectorUrl() {
    return `${this.url}/v1`;
  }

  protected authorize(req: FakeRequest): FakeResponse | undefined {
    if (req.path.startsWith('/v1/actions')) {
      if (req.headers['x-moesif-application-id'] !== this.applicationId)
        return { status: 401, body: { message: 'Missing or invalid Application Id' } };
      return undefined;
    }
    if (req.headers.authorization !== `Bearer ${this.managementKey}`)
      return { status: 401, body: { message: 'Unauthorized' } };
    return undefined;
  }

  protected handle(req: FakeRequest): FakeResponse {
    if (!req.path.startsWith('/v1/')) this.refuse(404, 'not found');
    const seg = req.path.slice(4).split('/').filter(Boolean).map(decodeURIComponent);
    if (seg[0] === 'actions' && seg[1] === 'batch' && req.method === 'POST') {
      if (!Array.isArray(req.body)) this.refuse(400, 'body must be an array of actions');
      for (const a of req.body) {
        const o = this.object(a, ['action_name', 'transaction_id']);
        if (typeof (o.request as Obj | undefined)?.time !== 'string') this.refuse(400, 'request.time is required');
      }
      for (const a of req.body as Obj[])
        if (!this.actions.some((x) => x.transaction_id === a.transaction_id)) this.actions.push(a);
      return { status: 201 };
    }
    if (seg[0] !== 'search' || seg[1] !== '~') this.refuse(404, 'not found');
    const [, , kind, id, sub] = seg;
    const store =
      kind === 'companies'
        ? this.companies
        : kind === 'users'
          ? this.users
          : kind === 'subscriptions'
            ? this.subscriptions
            : undefined;
    if (!store) this.refuse(404, 'not found');
    const idField = kind === 'companies' ? 'company_id' : kind === 'users' ? 'user_id' : 'subscription_id';
    if (req.method === 'POST' && !id) {
      const o = this.object(req.body, [idField]);
      if (kind === 'subscriptions' && typeof o.company_id !== 'string') this.refuse(400, 'company_id is required');
      if (o.metadata !== undefined && (typeof o.metadata !== 'object' || Array.isArray(o.metadata)))
        this.refuse(400, 'metadata must be an object');
      const key = String(o[idField]);
      const now = new Date().toISOString();
      store.set(key, merge(store.get(key) ?? { created: now }, { ...o, modified_time: now }));
      return { status: 201, body: store.get(key) };
    }
    if (!id) this.refuse(405, 'method not allowed');
    if (kind === 'companies' && sub === 'subscriptions' && req.method === 'GET') {
      if (!this.companies.has(id)) return { status: 404, body: { message: 'company not found' } };
      return { status: 200, body: [...this.subscriptions.values()].filter((s) => s.company_id === id) };
    }
    if (sub || kind === 'subscriptions') this.refuse(404, 'not found');
    if (req.method === 'GET') {
      const o = store.get(id);
      return o ? { status: 200, body: o } : { status: 404, body: { message: `${kind} not found` } };
    }
    if (req.method === 'DELETE') {
      if (!store.delete(id)) return { status: 404, body: { message: `${kind} not found` } };
      return { status: 200, body: {} };
    }
    this.refuse(405, 'method not allowed');
  }
}
