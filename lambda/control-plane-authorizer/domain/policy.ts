/**
 * Pure part of the private REST API's token authorizer (used with non-Cognito IdPs, which REST APIs
 * cannot validate natively): which routes a token's scopes open, as an IAM policy over method ARNs.
 * The policy lists every route the token may call, so API Gateway can cache it per token.
 */
export type RouteScopes = Record<string, string>; // "GET /tenants/{tenantId}" → "tenant/tenant_read"

/** arn:aws:execute-api:<region>:<account>:<apiId>/<stage>/<METHOD>/<path…> → the `<…>:<apiId>/<stage>` prefix. */
export function apiPrefix(methodArn: string): string {
  const [arnHead, ...rest] = methodArn.split('/');
  if (!arnHead.startsWith('arn:') || rest.length < 2) throw new Error(`not a method ARN: ${methodArn}`);
  return `${arnHead}/${rest[0]}`;
}

/** Scopes from an access token: OAuth `scope` (space-separated) or `scp` (array, e.g. Okta / Entra). */
export function tokenScopes(payload: Record<string, unknown>): string[] {
  if (typeof payload.scope === 'string') return payload.scope.split(' ').filter(Boolean);
  if (Array.isArray(payload.scp)) return payload.scp.filter((s): s is string => typeof s === 'string');
  if (typeof payload.scp === 'string') return payload.scp.split(' ').filter(Boolean);
  return [];
}

/** Method-ARN resources of the routes whose scope the token has (`{param}` segments become `*`). */
export function allowedResources(prefix: string, routes: RouteScopes, scopes: string[]): string[] {
  const granted = new Set(scopes);
  return Object.entries(routes)
    .filter(([, scope]) => granted.has(scope))
    .map(([key]) => {
      const [method, path] = key.split(' ');
      return `${prefix}/${method}${path.replace(/\{[^}]+\}/g, '*')}`;
    })
    .sort();
}

export function policyFor(principalId: string, resources: string[], context: Record<string, string>) {
  return {
    principalId,
    policyDocument: {
      Version: '2012-10-17',
      Statement: resources.length
        ? [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: resources }]
        : [{ Action: 'execute-api:Invoke', Effect: 'Deny', Resource: '*' }],
    },
    context,
  };
}
