/**
 * Calls a third-party vendor's REST API (the Amberflo, Moesif and Descope adapters): one JSON request
 * with the vendor's auth headers, a timeout inside Lambda's and API Gateway's budgets, and a typed error
 * carrying the vendor's status, so handlers decide per status (404 → not found, 4xx → the request, 429 /
 * 5xx / network → retry or 502). Base URLs come from the environment, so tests point them at loopback.
 */
import { ConflictError, DependencyError, NotFoundError, UnavailableError, ValidationError } from './domain-errors';

/**
 * A vendor's object as its API answers it: the adapters type the fields they read, and keep every other
 * property as the vendor sent it (a full-definition update sends them back unchanged).
 */
export type VendorObject = { [k: string]: unknown };

export class VendorHttpError extends Error {
  constructor(
    readonly vendor: string,
    /** HTTP status, or 0 when the vendor was not reached (network, timeout). */
    readonly status: number,
    readonly method: string,
    readonly path: string,
    /** The vendor's error message, when its body had one (never the request). */
    readonly vendorMessage?: string,
  ) {
    super(`${vendor} ${method} ${path} → ${status || 'unreachable'}${vendorMessage ? `: ${vendorMessage}` : ''}`);
    this.name = 'VendorHttpError';
  }

  /** Worth retrying: throttled, the vendor's fault, or not reached. */
  get retryable(): boolean {
    return this.status === 0 || this.status === 429 || this.status >= 500;
  }
}

export interface VendorRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, string | undefined>;
  body?: unknown;
  /** Statuses answered with `undefined` instead of an error (e.g. 404 on a read). */
  allow?: number[];
}

export interface VendorHttpOptions {
  vendor: string;
  baseUrl: string;
  headers: Record<string, string>;
  /** Per request. @default 8000 ms (inside API Gateway's 29 s and the functions' timeouts) */
  timeoutMs?: number;
}

const messageOf = (json: unknown): string | undefined => {
  if (!json || typeof json !== 'object') return undefined;
  const o = json as Record<string, unknown>;
  const m = o.message ?? o.errorDescription ?? o.error ?? o.errorMessage;
  return typeof m === 'string' ? m.slice(0, 300) : undefined;
};

export class VendorHttp {
  constructor(private readonly o: VendorHttpOptions) {}

  /** 2xx → the parsed JSON body (undefined when empty); an allowed status → undefined; else VendorHttpError. */
  async send<T = unknown>(r: VendorRequest): Promise<T | undefined> {
    const qs = Object.entries(r.query ?? {}).filter(([, v]) => v !== undefined) as [string, string][];
    const url = `${this.o.baseUrl.replace(/\/+$/, '')}${r.path}${qs.length ? `?${new URLSearchParams(qs).toString()}` : ''}`;
    let res: Response;
    try {
      res = await fetch(url, {
        method: r.method,
        headers: {
          accept: 'application/json',
          ...(r.body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...this.o.headers,
        },
        body: r.body === undefined ? undefined : JSON.stringify(r.body),
        signal: AbortSignal.timeout(this.o.timeoutMs ?? 8000),
      });
    } catch (e) {
      throw new VendorHttpError(this.o.vendor, 0, r.method, r.path, (e as Error).name);
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined; // a vendor's HTML error page: the status says enough
    }
    if (r.allow?.includes(res.status)) return undefined;
    if (!res.ok) throw new VendorHttpError(this.o.vendor, res.status, r.method, r.path, messageOf(json));
    return json as T | undefined;
  }
}

/**
 * How a synchronous route answers a vendor failure: the vendor refusing the request's content (400, 409,
 * 422) is the caller's 400/409 with the vendor's reason; our key refused (401/403), throttling and the
 * vendor's own faults are 502/503 — never the caller's fault, never an unexplained 500.
 */
export function httpErrorOf(e: unknown): unknown {
  if (!(e instanceof VendorHttpError)) return e;
  const reason = e.vendorMessage ? `: ${e.vendorMessage}` : '';
  if (e.status === 400 || e.status === 422) return new ValidationError(`${e.vendor} refused the request${reason}`);
  if (e.status === 409) return new ConflictError(`${e.vendor} refused the request (conflict)${reason}`);
  if (e.status === 404) return new NotFoundError(`${e.vendor}: not found`);
  if (e.status === 429) return new UnavailableError(`${e.vendor} is throttling requests; retry later`);
  return new DependencyError(`${e.vendor} error`);
}

/** Continuation tokens over a vendor's full list (vendors that do not paginate): base64url of the offset. */
export function encodeOffset(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString('base64url');
}
export function decodeOffset(token: string | undefined): number {
  if (!token) return 0;
  try {
    const v = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { offset?: unknown };
    if (Number.isSafeInteger(v.offset) && (v.offset as number) >= 0 && Object.keys(v).length === 1)
      return v.offset as number;
  } catch {
    /* fall through */
  }
  throw new ValidationError("Invalid query string: field 'next_token': not a token this API issued");
}
