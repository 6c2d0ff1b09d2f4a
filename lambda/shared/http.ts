/**
 * HTTP API (payload v2) adapter shared by every API handler: parses and validates input with zod, maps
 * domain errors to 4xx responses that name the offending field, and keeps 5xx for our own faults only.
 * Handlers stay thin: `export const handler = httpHandler(async (req) => ({ statusCode: 200, body }))`.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import * as z from 'zod/mini';
import type { $ZodError, $ZodType } from 'zod/v4/core';
import { logger } from './logger';

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

/** Parses the JSON body (base64 too) against `schema`; an absent body is treated as `{}`. */
export function parseBody<S extends $ZodType>(event: HttpEvent, schema: S): z.infer<S> {
  let raw: unknown = {};
  if (event.body !== undefined && event.body !== null && event.body !== '') {
    const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
    try {
      raw = JSON.parse(text);
    } catch {
      throw badRequest('Invalid request body: not valid JSON');
    }
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
export function decodeToken(token: string | undefined): Record<string, unknown> | undefined {
  if (!token) return undefined;
  try {
    const v = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    /* fall through */
  }
  throw badRequest("Invalid query string: field 'next_token': not a token this API issued");
}
