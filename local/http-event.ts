/** Builds an API Gateway HTTP API (payload 2.0) event as API Gateway would deliver it to a handler. */
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
