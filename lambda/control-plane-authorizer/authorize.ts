/**
 * TOKEN authorizer of the private REST API for external OIDC issuers: verifies the bearer JWT (signature
 * against the issuer's JWKS, issuer, audience, expiry) with aws-jwt-verify, then allows exactly the
 * routes whose scope the token carries — exactly (see src/contracts/route-scope-policy.ts). Env: JWT_ISSUER, JWT_AUDIENCE (JSON list),
 * JWKS_URI, ROUTE_SCOPES, POLICY_MODE (`per-request` when the route table has no exact cacheable policy).
 * An invalid token answers 401 (`throw new Error('Unauthorized')` is API Gateway's contract).
 */
import { JwtVerifier } from 'aws-jwt-verify';
import { policyFor, statementsFor, tokenScopes, type RouteScopes } from '../../src/contracts/route-scope-policy';

let verifier: ReturnType<typeof JwtVerifier.create> | undefined;
let routes: RouteScopes | undefined;

function getVerifier() {
  verifier ??= JwtVerifier.create({
    issuer: process.env.JWT_ISSUER!,
    audience: JSON.parse(process.env.JWT_AUDIENCE ?? '[]') as string[],
    jwksUri: process.env.JWKS_URI!,
  });
  return verifier;
}

/** aws-jwt-verify fetches JWKS over https only; tests hand it the issuer's keys instead. */
export function cacheJwksForTesting(jwks: { keys: Record<string, unknown>[] }): void {
  getVerifier().cacheJwks(jwks as never, process.env.JWT_ISSUER!);
}

export async function handler(event: { type?: string; authorizationToken?: string; methodArn: string }) {
  routes ??= JSON.parse(process.env.ROUTE_SCOPES ?? '{}') as RouteScopes;
  const token = /^Bearer\s+(.+)$/i.exec(event.authorizationToken ?? '')?.[1];
  if (!token) throw new Error('Unauthorized');
  let payload: Record<string, unknown>;
  try {
    payload = (await getVerifier().verify(token as never)) as unknown as Record<string, unknown>;
  } catch {
    throw new Error('Unauthorized');
  }
  const scopes = tokenScopes(payload);
  const sub = typeof payload.sub === 'string' ? payload.sub : 'unknown';
  const context: Record<string, string> = { sub, scope: scopes.join(' ') };
  for (const k of ['iss', 'username', 'client_id', 'azp', 'email'])
    if (typeof payload[k] === 'string') context[k] = payload[k] as string;
  return policyFor(
    sub,
    statementsFor(event.methodArn, routes, scopes, process.env.POLICY_MODE === 'per-request'),
    context,
  );
}
