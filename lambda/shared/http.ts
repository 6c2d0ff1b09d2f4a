/**
 * The HTTP edge every API handler shares (API Gateway HTTP API payload v2, and the private REST API's v1
 * events): one route-table handler shape, input parsing with zod under the one JSON body policy, and the
 * ONE mapping of domain errors (./domain-errors.ts, LifecycleError) to status codes and bodies. Domain code
 * never speaks HTTP; a handler is a route table of thin adapters:
 *
 *   export const handler = routeTable({
 *     'GET /tenants/{tenantId}': async (event) => ({ statusCode: 200, body: { data: await svc.get(id(event)) } }),
 *   });
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import * as z from 'zod/mini';
import type { $ZodError, $ZodType } from 'zod/v4/core';
import { LifecycleError } from '../../src/contracts/lifecycle';
import {
  ConflictError,
  DependencyError,
  DomainError,
  ForbiddenError,
  IdempotencyKeyReusedError,
  NotFoundError,
  TooLargeError,
  UnauthorizedError,
  UnavailableError,
  ValidationError,
} from './domain-errors';
import { parseJsonText } from './json-limits';
import { logger } from './logger';

export { BODY_LIMITS, checkJsonValue, parseJsonText } from './json-limits';

// zod/mini ships without messages (every issue would read "Invalid input"); English ones name the rule.
z.config(z.locales.en());

/**
 * Shorthands for handlers (the edge) refusing a request; they build the domain errors above, so the one
 * mapping applies. Domain modules throw the error classes themselves and never import this file.
 */
export const badRequest = (message: string, details?: Record<string, unknown>) => new ValidationError(message, details);
export const unauthorized = (message = 'Unauthorized') => new UnauthorizedError(message);
export const forbidden = (message = 'Forbidden') => new ForbiddenError(message);
export const notFound = (message: string) => new NotFoundError(message);
export const conflict = (message: string, details?: Record<string, unknown>) => new ConflictError(message, details);

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
export function describeIssues(where: string, error: $ZodError): ValidationError {
  const errors = error.issues.map((i) => ({
    field: i.path.length ? i.path.map((p) => String(p)).join('.') : where,
    message: i.message,
  }));
  const first = errors[0];
  const message = `Invalid ${where}: ${errors.map((e) => `field '${e.field}': ${e.message}`).join('; ')}`;
  return new ValidationError(first ? message : `Invalid ${where}`, { errors });
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
 * The one table of domain error → HTTP status. Order matters only for subclasses (none share a status
 * differently today); anything not listed is our own fault: a logged 500 without internals.
 */
const STATUS: [new (...args: never[]) => Error, number][] = [
  [ValidationError, 400],
  [UnauthorizedError, 401],
  [ForbiddenError, 403],
  [NotFoundError, 404],
  [ConflictError, 409],
  [LifecycleError, 409],
  [TooLargeError, 413],
  [IdempotencyKeyReusedError, 422],
  [DependencyError, 502],
  [UnavailableError, 503],
];

/** The status a client error answers with, or undefined when `err` is not one (a 500). */
export function httpStatusOf(err: unknown): number | undefined {
  for (const [type, status] of STATUS) if (err instanceof type) return status;
  return undefined;
}

/**
 * The response to a client error: its status and `{ message, ...details }` (a refused lifecycle transition
 * also says the state and what it allows); undefined when `err` is not a client error.
 */
export function errorResponse(err: unknown, headers?: Record<string, string>): HttpResponse | undefined {
  const statusCode = httpStatusOf(err);
  if (statusCode === undefined) return undefined;
  const e = err as Error;
  const details =
    err instanceof LifecycleError
      ? { lifecycleState: err.from, allowed: err.allowed }
      : err instanceof DomainError
        ? (err.details ?? {})
        : {};
  return { statusCode, body: { message: e.message, ...details }, headers };
}

export type RouteFunction = (event: HttpEvent) => Promise<HttpResponse>;

export interface RouteTableOptions {
  /** Headers on error answers too (e.g. a public route's CORS header, so a browser can read a 404). @default none */
  readonly errorHeaders?: Record<string, string>;
  /**
   * Turns what a route threw into the error the one mapping answers, for failures that are not domain
   * errors yet (a vendor adapter's `httpErrorOf`: the vendor's refusal → 400/409, its faults → 502/503).
   * @default the error as thrown
   */
  readonly mapError?: (err: unknown) => unknown;
}

/**
 * Wraps one function as a Lambda handler: its answer, or the error mapped once (errorResponse); anything
 * else → logged 500 without internals. Handlers use routeTable, which names the routes they serve.
 */
function httpHandler(fn: RouteFunction, errorHeaders?: Record<string, string>) {
  return async (event: HttpEvent): Promise<APIGatewayProxyResultV2> => {
    try {
      return toResult(await fn(event));
    } catch (err) {
      const mapped = errorResponse(err, errorHeaders);
      if (mapped) return toResult(mapped);
      logger.error('unhandled error', { error: err as Error, routeKey: event.routeKey });
      return toResult({ statusCode: 500, body: { message: 'Internal Server Error' }, headers: errorHeaders });
    }
  };
}

/**
 * The handler shape of every HTTP service: `{ 'METHOD /path/{param}': fn }`, dispatched on the route the
 * request came by (routeOf: HTTP API routeKey, or the REST API's method + resource), so one bundle serves
 * the routes its construct wires to it. A key ending in a greedy `{name+}` (API Gateway's own syntax) serves
 * every route below its prefix, for a function whose path the construct's user picks (the billing webhook's
 * `POST /billing/{path+}`). A route the table does not know is a 404 naming it.
 */
export function routeTable(routes: Record<string, RouteFunction>, options: RouteTableOptions = {}) {
  const table = new Map(Object.entries(routes));
  const greedy = [...table].flatMap(([key, fn]) => {
    const m = /^(.* \/(?:.*\/)?)\{[^/{}]+\+\}$/.exec(key);
    return m ? [{ prefix: m[1] as string, fn }] : [];
  });
  const lookup = (route: string) =>
    table.get(route) ?? greedy.find((g) => route.length > g.prefix.length && route.startsWith(g.prefix))?.fn;
  return httpHandler(async (event) => {
    const route = routeOf(event);
    const fn = lookup(route);
    if (!fn) throw new NotFoundError(`No route ${route}`);
    if (!options.mapError) return fn(event);
    try {
      return await fn(event);
    } catch (err) {
      throw options.mapError(err);
    }
  }, options.errorHeaders);
}

/** `200 { data }`: the answer of a read route (and of most writes). */
export const ok = (data: unknown, status = 200): HttpResponse => ({ statusCode: status, body: { data } });

/** A route answering `200 { data }` with what `read` resolves to (a get route: the id from the path, one read). */
export const dataRoute =
  (read: (event: HttpEvent) => Promise<unknown>): RouteFunction =>
  async (event) =>
    ok(await read(event));

/**
 * A list route: the pagination query parsed (`paginationQuery`, or a service's own bounds), and the
 * service's page (`{ data, next_token? }`) answered as it is.
 */
export function listRoute(
  list: (limit: number, nextToken: string | undefined) => Promise<unknown>,
  schema: $ZodType<{ limit: number; next_token?: string | undefined }> = paginationQuery,
): RouteFunction {
  return async (event) => {
    const q = parseQuery(event, schema);
    return { statusCode: 200, body: await list(q.limit, q.next_token) };
  };
}

/**
 * `METHOD /path/{param}` of the request: HTTP API v2 gives routeKey; a REST API (the private option)
 * gives httpMethod + resource. One handler serves both.
 */
export function routeOf(event: HttpEvent): string {
  if (event.routeKey && event.routeKey !== '$default') return event.routeKey;
  const v1 = event as unknown as { httpMethod?: string; resource?: string };
  return `${v1.httpMethod ?? event.requestContext?.http?.method} ${v1.resource ?? event.rawPath}`;
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
