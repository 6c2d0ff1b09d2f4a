/**
 * HTTP API (payload v2) adapter shared by every API handler: parses and validates input with zod, maps
 * domain errors to 4xx responses that name the offending field, and keeps 5xx for our own faults only.
 * Handlers stay thin: `export const handler = httpHandler(async (req) => ({ statusCode: 200, body }))`.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import * as z from 'zod/mini';
import type { $ZodError, $ZodType } from 'zod/v4/core';
import { logger } from './logger';

// zod/mini ships without messages (every issue would read "Invalid input"); English ones name the rule.
z.config(z.locales.en());

/** An error a client caused; its status and message are returned as they are. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}
export const badRequest = (message: string, details?: Record<string, unknown>) => new HttpError(400, message, details);
export const unauthorized = (message = 'Unauthorized') => new HttpError(401, message);
export const forbidden = (message = 'Forbidden') => new HttpError(403, message);
export const notFound = (message: string) => new HttpError(404, message);
export const conflict = (message: string, details?: Record<string, unknown>) => new HttpError(409, message, details);

/** Event shape with the JWT authorizer context API Gateway adds (absent on public routes). */
export type HttpEvent = APIGatewayProxyEventV2 & {
  requestContext: APIGatewayProxyEventV2['requestContext'] & {
    authorizer?: { jwt?: { claims?: Record<string, unknown>; scopes?: string[] | null } };
  };
};

export interface HttpResponse {
  statusCode: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** The caller as seen by the authorizer (sub/client id), for audit fields. */
export function caller(event: HttpEvent): string | undefined {
  const claims = event.requestContext.authorizer?.jwt?.claims;
  const v = claims?.username ?? claims?.sub ?? claims?.client_id;
  return typeof v === 'string' ? v : undefined;
}

/** Turns zod issues into "field 'a.b': message" lines so a client knows exactly what to fix. */
export function describeIssues(where: string, error: $ZodError): HttpError {
  const errors = error.issues.map((i) => ({
    field: i.path.length ? i.path.map((p) => String(p)).join('.') : where,
    message: i.message,
  }));
  const first = errors[0];
  const message = `Invalid ${where}: ${errors.map((e) => `field '${e.field}': ${e.message}`).join('; ')}`;
  return badRequest(first ? message : `Invalid ${where}`, { errors });
}

/**
 * The one policy for every JSON body (all of them may end up stored in DynamoDB or in an event): size,
 * nesting, numbers DynamoDB can store exactly, attribute names, and no prototype keys. Each breach is a
 * 400 (413 for size) that names the field and the limit — never a 500 from the marshaller or the stack.
 */
export const BODY_LIMITS = {
  /** Bytes of a request body (EventBridge entries are 256 KB; items are 400 KB with their bookkeeping). */
  maxBytes: 256 * 1024,
  /** Nesting levels of objects and arrays (DynamoDB allows 32 for maps and lists). */
  maxDepth: 32,
  /** DynamoDB numbers: 0 or a magnitude in [1e-130, 1e126); JavaScript integers are exact up to 2^53 - 1. */
  minMagnitude: 1e-130,
  maxMagnitude: 1e126,
} as const;

/** Keys that would reach an object's prototype when copied by assignment (`o[k] = v`). */
const PROTOTYPE_KEYS = new Set(['__proto__']);

const fieldName = (path: string, where: string) => (path ? path : where);

/**
 * Scans the raw JSON text before parsing, in one linear pass: nesting depth (so 5,000-deep arrays never
 * reach a recursive walk) and number literals that JSON.parse would silently change (1e-400 → 0).
 */
function scanJsonText(text: string, where: string): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
      continue;
    }
    if (c === 34) inString = true;
    else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (++depth > BODY_LIMITS.maxDepth) throw badRequest(`Invalid ${where}: nested deeper than ${BODY_LIMITS.maxDepth} levels`, { limit: 'maxDepth' });
    } else if (c === 125 || c === 93) depth--;
    else if (c === 45 /* - */ || (c >= 48 && c <= 57)) {
      let j = i + 1;
      while (j < text.length && /[0-9eE.+-]/.test(text[j])) j++;
      const literal = text.slice(i, j);
      const value = Number(literal);
      if (value === 0 && /[1-9]/.test(literal.replace(/[eE].*$/, ''))) {
        throw badRequest(`Invalid ${where}: number ${literal.slice(0, 40)} is too small to store (magnitude below ${BODY_LIMITS.minMagnitude}); send it as a string`, {
          limit: 'numberRange',
        });
      }
      i = j - 1;
    }
  }
}

/** Checks a parsed JSON value against BODY_LIMITS (depth is already bounded by the scan). */
export function checkJsonValue(v: unknown, path: string, where = 'request body'): void {
  const at = () => `Invalid ${where}: field '${fieldName(path, 'body')}'`;
  if (typeof v === 'number') {
    const mag = Math.abs(v);
    if (!Number.isFinite(v)) throw badRequest(`${at()}: number is out of range (magnitude ≥ ${BODY_LIMITS.maxMagnitude}); send it as a string`, { field: path, limit: 'numberRange' });
    if (Number.isInteger(v) && !Number.isSafeInteger(v)) {
      throw badRequest(`${at()}: integer beyond ±(2^53 - 1) cannot be kept exactly; send it as a string`, { field: path, limit: 'safeInteger' });
    }
    if (mag !== 0 && (mag < BODY_LIMITS.minMagnitude || mag >= BODY_LIMITS.maxMagnitude)) {
      throw badRequest(`${at()}: number magnitude must be 0 or within [${BODY_LIMITS.minMagnitude}, ${BODY_LIMITS.maxMagnitude}); send it as a string`, {
        field: path,
        limit: 'numberRange',
      });
    }
  } else if (Array.isArray(v)) {
    for (const [i, x] of v.entries()) checkJsonValue(x, path ? `${path}.${i}` : String(i), where);
  } else if (v && typeof v === 'object') {
    for (const k of Object.keys(v)) {
      const sub = path ? `${path}.${k}` : k;
      if (k === '') throw badRequest(`${at()}: empty attribute names are not allowed`, { field: path, limit: 'emptyKey' });
      if (PROTOTYPE_KEYS.has(k)) throw badRequest(`Invalid ${where}: field '${sub}': the key '__proto__' is not allowed`, { field: sub, limit: 'prototypeKey' });
      checkJsonValue((v as Record<string, unknown>)[k], sub, where);
    }
  }
}

/**
 * Parses JSON text under BODY_LIMITS: 413 over the size, 400 for bad JSON, depth, numbers, empty or
 * prototype keys. The result has only own, plain data properties.
 */
export function parseJsonText(text: string, where = 'request body'): unknown {
  const bytes = Buffer.byteLength(text);
  if (bytes > BODY_LIMITS.maxBytes) {
    throw new HttpError(413, `Request body too large: ${bytes} bytes, the limit is ${BODY_LIMITS.maxBytes} bytes`, { limit: 'maxBytes', maxBytes: BODY_LIMITS.maxBytes });
  }
  scanJsonText(text, where);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw badRequest(`Invalid ${where}: not valid JSON`);
  }
  checkJsonValue(raw, '', where);
  return raw;
}

/** Parses the JSON body (base64 too) under BODY_LIMITS, then against `schema`; an absent body is `{}`. */
export function parseBody<S extends $ZodType>(event: HttpEvent, schema: S): z.infer<S> {
  let raw: unknown = {};
  if (event.body !== undefined && event.body !== null && event.body !== '') {
    const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
    raw = parseJsonText(text);
  }
  const parsed = z.safeParse(schema, raw);
  if (!parsed.success) throw describeIssues('request body', parsed.error);
  return parsed.data;
}

export function parseQuery<S extends $ZodType>(event: HttpEvent, schema: S): z.infer<S> {
  const parsed = z.safeParse(schema, event.queryStringParameters ?? {});
  if (!parsed.success) throw describeIssues('query string', parsed.error);
  return parsed.data;
}

export function parsePath<S extends $ZodType>(event: HttpEvent, schema: S): z.infer<S> {
  const parsed = z.safeParse(schema, event.pathParameters ?? {});
  if (!parsed.success) throw describeIssues('path', parsed.error);
  return parsed.data;
}

/** Raw body text (for signature checks over exactly the bytes the sender signed). */
export function rawBody(event: HttpEvent): string {
  if (event.body === undefined || event.body === null) return '';
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}

/** Case-insensitive header lookup (HTTP API lowercases, but tests and other callers may not). */
export function header(event: HttpEvent, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [k, v] of Object.entries(event.headers ?? {})) if (k.toLowerCase() === wanted) return v;
  return undefined;
}

function toResult(res: HttpResponse): APIGatewayProxyResultV2 {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...(res.headers ?? {}) };
  if (res.body === undefined) return { statusCode: res.statusCode, headers };
  const isText = typeof res.body === 'string' && headers['content-type'] !== 'application/json';
  return { statusCode: res.statusCode, headers, body: isText ? (res.body as string) : JSON.stringify(res.body) };
}

/**
 * Wraps a route function: HttpError → its status; anything else → logged 500 without internals.
 * `errorHeaders` go on error answers too (e.g. a public route's CORS header, so a browser can read a 404).
 */
export function httpHandler(fn: (event: HttpEvent) => Promise<HttpResponse>, errorHeaders?: Record<string, string>) {
  return async (event: HttpEvent): Promise<APIGatewayProxyResultV2> => {
    try {
      return toResult(await fn(event));
    } catch (err) {
      if (err instanceof HttpError) {
        return toResult({
          statusCode: err.statusCode,
          body: { message: err.message, ...(err.details ?? {}) },
          headers: errorHeaders,
        });
      }
      logger.error('unhandled error', { error: err as Error, routeKey: event.routeKey });
      return toResult({ statusCode: 500, body: { message: 'Internal Server Error' }, headers: errorHeaders });
    }
  };
}

/**
 * `next_token` as SBT accepts it (`Query(min_length=0)`): SBT's own CLI always sends `next_token=` on the
 * first page, so an empty value means "first page", exactly like an absent one.
 */
export const nextTokenQuery = z.optional(
  z.pipe(
    z.string().check(z.maxLength(4096)),
    z.transform((v) => (v === '' ? undefined : v)),
  ),
);

/** Largest page a list route returns; a larger `limit` is served in pages of this size (next_token continues). */
export const MAX_PAGE = 1000;

/**
 * Pagination query shared by list routes, SBT's bounds: `limit` > 0 (default 10; SBT sets no maximum, so a
 * larger one is not an error — the page is at most MAX_PAGE items and `next_token` continues), opaque
 * `next_token` (empty = first page).
 */
export const paginationQuery = z.object({
  limit: z._default(
    z.pipe(
      z.coerce.number().check(z.int(), z.minimum(1)),
      z.transform((n) => Math.min(n, MAX_PAGE)),
    ),
    10,
  ),
  next_token: nextTokenQuery,
});

/** Opaque continuation tokens: base64url of DynamoDB's LastEvaluatedKey; bad tokens are a 400. */
export function encodeToken(key: Record<string, unknown> | undefined): string | undefined {
  return key ? Buffer.from(JSON.stringify(key)).toString('base64url') : undefined;
}
export function decodeToken(token: string | undefined, shape?: KeyShape): Record<string, unknown> | undefined {
  if (!token) return undefined;
  const refused = () => badRequest("Invalid query string: field 'next_token': not a token this API issued");
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw refused();
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw refused();
  if (shape && !hasShape(v as Record<string, unknown>, shape)) throw refused();
  return v as Record<string, unknown>;
}

/**
 * The exact key a list issues as its token: attribute → a literal value, or `'string'` (non-empty, ≤ 1 KB).
 * A forged token of any other shape is refused before it reaches DynamoDB (where odd types are a 500).
 */
export type KeyShape = Record<string, 'string' | { equals: string }>;
function hasShape(v: Record<string, unknown>, shape: KeyShape): boolean {
  const keys = Object.keys(v);
  if (keys.length !== Object.keys(shape).length) return false;
  return keys.every((k) => {
    const rule = Object.hasOwn(shape, k) ? shape[k] : undefined;
    const x = v[k];
    if (rule === undefined) return false;
    if (rule === 'string') return typeof x === 'string' && x.length > 0 && x.length <= 1024;
    return x === rule.equals;
  });
}
