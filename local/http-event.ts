/** Builds an API Gateway HTTP API (payload 2.0) event as API Gateway would deliver it to a handler. */
import type { IncomingMessage } from 'node:http';
import type { HttpEvent } from '../lambda/shared/http';

export interface HttpEventInput {
  method?: string;
  path: string;
  /** Route key path (with `{param}`); defaults to `path`. */
  route?: string;
  query?: Record<string, string>;
  pathParameters?: Record<string, string>;
  headers?: Record<string, string>;
  body?: unknown;
  /** JWT claims as the authorizer passes them; scopes from `scope`. */
  claims?: Record<string, unknown>;
}

export function httpEvent(i: HttpEventInput): HttpEvent {
  const method = i.method ?? 'GET';
  const rawQueryString = new URLSearchParams(i.query ?? {}).toString();
  const claims = i.claims;
  return {
    version: '2.0',
    routeKey: `${method} ${i.route ?? i.path}`,
    rawPath: i.path,
    rawQueryString,
    headers: Object.fromEntries(Object.entries(i.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
    queryStringParameters: i.query,
    pathParameters: i.pathParameters,
    body: i.body === undefined ? undefined : typeof i.body === 'string' ? i.body : JSON.stringify(i.body),
    isBase64Encoded: false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: 'local',
      domainPrefix: 'local',
      http: { method, path: i.path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'jest' },
      requestId: 'req',
      routeKey: `${method} ${i.route ?? i.path}`,
      stage: '$default',
      time: '',
      timeEpoch: 0,
      ...(claims
        ? {
            authorizer: {
              jwt: {
                claims,
                scopes: typeof claims.scope === 'string' ? claims.scope.split(' ') : null,
              },
            },
          }
        : {}),
    },
  } as HttpEvent;
}

/** What a local API's router matched: the route key's path and the path parameters it captured. */
export interface MatchedRoute {
  readonly pattern: string;
  readonly pathParameters?: Record<string, string>;
}

/** The event of a request a local API received, with the two fields only a real request has. */
export type ReceivedHttpEvent = HttpEvent & { rawQueryString: string; cookies?: string[] };

/**
 * The payload 2.0 event of a request a local API (the runtime's control plane, the Marketplace routes)
 * received, built as API Gateway builds it: repeated headers and query parameters joined with commas, the
 * raw query string kept, and the cookies handed to the function as `cookies`, not as a header.
 */
export function httpEventOfRequest(
  req: IncomingMessage,
  url: URL,
  route: MatchedRoute,
  body: Buffer,
  claims?: Record<string, unknown>,
): ReceivedHttpEvent {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers))
    if (v !== undefined && k !== 'cookie') headers[k] = Array.isArray(v) ? v.join(',') : v;
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = k in query ? `${query[k]},${v}` : v;
  const event = httpEvent({
    method: req.method ?? 'GET',
    path: url.pathname,
    route: route.pattern,
    query: url.search ? query : undefined,
    pathParameters: route.pathParameters,
    headers,
    body: body.length ? body.toString('utf8') : undefined,
    claims,
  }) as ReceivedHttpEvent;
  event.rawQueryString = url.search.slice(1);
  if (req.headers.cookie)
    event.cookies = req.headers.cookie
      .split(';')
      .map((c) => c.trim())
      .filter(Boolean);
  return event;
}
