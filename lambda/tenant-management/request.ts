/**
 * What the tenant and registration APIs read from a request beyond its body: who asked (for transition
 * reasons) and the caller-scoped Idempotency-Key; and the answer they share when a change's event could not
 * be put. Edge code: the domain gets plain strings.
 */
import { badRequest, caller, header, type HttpEvent, type HttpResponse, routeOf } from '../shared/http';

/**
 * 503 for a change that was stored but whose event could not be put on the bus (the tenant is marked
 * failed): names the route that retries it, with what the route answers as `data`.
 */
export function eventNotPut(retryRoute: string, data: unknown): HttpResponse {
  return {
    statusCode: 503,
    body: {
      message: `The change was stored but its event could not be put on the event bus; the tenant is marked failed — retry with ${retryRoute}`,
      data,
    },
  };
}

/** Who asked, for the transition reason (JWT claims on HTTP API, Cognito authorizer claims on REST). */
export function actor(event: HttpEvent): string {
  // REST: Cognito authorizer → authorizer.claims; our token authorizer → flat authorizer context.
  const authz = (
    event.requestContext as unknown as { authorizer?: Record<string, unknown> & { claims?: Record<string, unknown> } }
  ).authorizer;
  const v1 = authz?.claims ?? authz;
  const fromV1 = v1?.username ?? v1?.['cognito:username'] ?? v1?.client_id ?? v1?.sub;
  return caller(event) ?? (typeof fromV1 === 'string' ? fromV1 : 'anonymous');
}

/**
 * The caller's identity for idempotency: issuer + subject of the verified token (HTTP API JWT claims,
 * Cognito authorizer claims, or our token authorizer's context). Never `username`: two callers of
 * different issuers, or a renamed user, may share one.
 */
export function principal(event: HttpEvent): string {
  const authz = (
    event.requestContext as unknown as {
      authorizer?: Record<string, unknown> & {
        claims?: Record<string, unknown>;
        jwt?: { claims?: Record<string, unknown> };
      };
    }
  ).authorizer;
  const claims = authz?.jwt?.claims ?? authz?.claims ?? authz ?? {};
  const iss = typeof claims.iss === 'string' ? claims.iss : '';
  const sub =
    typeof claims.sub === 'string'
      ? claims.sub
      : typeof claims.client_id === 'string'
        ? `client:${claims.client_id}`
        : 'anonymous';
  return JSON.stringify([iss, sub]);
}

/**
 * `Idempotency-Key` header (optional, 1-128 printable chars; IETF draft-ietf-httpapi-idempotency-key-header),
 * scoped to the caller (issuer + subject) and route so two clients never share a key space. A retried
 * POST with the same key and body returns the first result; the same key with another body is a 422.
 */
export function idempotencyKey(event: HttpEvent): string | undefined {
  const key = header(event, 'idempotency-key');
  if (key === undefined) return undefined;
  if (!/^[\x21-\x7e]{1,128}$/.test(key))
    throw badRequest("Invalid header 'idempotency-key': 1-128 printable ASCII characters");
  return `${principal(event)}:${routeOf(event)}:${key}`;
}
