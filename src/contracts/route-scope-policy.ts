/**
 * Pure part of the private REST API's token authorizer (used with non-Cognito IdPs, which REST APIs
 * cannot validate natively): which routes a token's scopes open, as an IAM policy over method ARNs.
 *
 * Why this is more than "`{param}` → `*`": in an execute-api ARN `*` matches any characters INCLUDING
 * `/`, so `GET/tenants/*` (tenant_read) would also open `GET /tenants/{id}/billing` (billing_read). The
 * policy is therefore exact per scope set: an Allow for each granted route plus an explicit Deny (which
 * wins in IAM evaluation) for every other route an Allow would reach. Where a route table cannot be
 * expressed exactly that way (a Deny would also hit a granted route), the authorizer answers per request
 * with the one method ARN asked for, and the construct turns the result cache off (see
 * `exactForEveryScopeSet`) — a cached per-request answer would wrongly deny the token's next route.
 */

/** "GET /tenants/{tenantId}" → the scope it needs (a list: any one of them suffices, as HTTP API does). */
export type RouteScopes = Record<string, string | string[]>;

interface Route {
  key: string;
  method: string;
  /** Path segments; `null` stands for a `{param}` segment. */
  segments: (string | null)[];
  scopes: string[];
}

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

function parseRoutes(routes: RouteScopes): Route[] {
  return Object.entries(routes).map(([key, scope]) => {
    const [method, path] = key.split(' ');
    if (!method || !path?.startsWith('/')) throw new Error(`route '${key}' is not "METHOD /path"`);
    const segments =
      path === '/'
        ? []
        : path
            .slice(1)
            .split('/')
            .map((s) => (/^\{[^}]+\}$/.test(s) ? null : s));
    return { key, method, segments, scopes: Array.isArray(scope) ? scope : [scope] };
  });
}

/** `METHOD/path` with `*` for each path parameter — the ARN suffix (after the stage) of a route. */
function globOf(r: Route): string {
  return `${r.method}/${r.segments.map((s) => s ?? '*').join('/')}`;
}

type Tok = { lit: string } | { param: true };
/** Route as a token sequence: literal characters, and "one or more characters other than `/`" per parameter. */
function templateOf(r: Route): Tok[] {
  const out: Tok[] = [...`${r.method}/`].map((c) => ({ lit: c }));
  r.segments.forEach((s, i) => {
    if (i > 0) out.push({ lit: '/' });
    if (s === null) out.push({ param: true });
    else for (const c of s) out.push({ lit: c });
  });
  return out;
}

/**
 * Is there a concrete request path of `template` that the ARN glob matches (`*` = any characters,
 * `/` included, as execute-api documents)? A product-automaton search, so it is exact, not sampled.
 * `glob` is an ARN suffix without `?` (route paths never carry one).
 */
export function globOverlapsTemplate(glob: string, template: Tok[]): boolean {
  // state: (i in glob, j in template, inParam: consumed ≥ 1 char of template[j] which is a param)
  const seen = new Set<string>();
  const stack: [number, number, boolean][] = [[0, 0, false]];
  while (stack.length) {
    const [i, j, inParam] = stack.pop()!;
    const id = `${i},${j},${inParam ? 1 : 0}`;
    if (seen.has(id)) continue;
    seen.add(id);
    // epsilon moves
    if (i < glob.length && glob[i] === '*') stack.push([i + 1, j, inParam]);
    if (inParam) stack.push([i, j + 1, false]); // end the parameter here
    if (i === glob.length && j === template.length && !inParam) return true;
    if (j >= template.length) continue;
    const t = template[j];
    // consuming one character c, both sides
    if (i < glob.length) {
      const g = glob[i];
      if ('lit' in t) {
        if (inParam) continue;
        if (g === '*') stack.push([i, j + 1, false]);
        else if (g === t.lit) stack.push([i + 1, j + 1, false]);
      } else {
        // a parameter character: anything but '/'
        if (g === '*') stack.push([i, j, true]);
        else if (g !== '/') stack.push([i + 1, j, true]);
      }
    }
  }
  return false;
}

const grants = (r: Route, granted: Set<string>) => r.scopes.some((s) => granted.has(s));

/**
 * The exact policy of a scope set: Allow globs of the granted routes, Deny globs of the other routes an
 * Allow reaches. `undefined` when a Deny would also reach a granted route (not expressible by globs).
 */
export function exactPlan(routes: RouteScopes, scopes: string[]): { allow: string[]; deny: string[] } | undefined {
  const all = parseRoutes(routes);
  const granted = new Set(scopes);
  const yes = all.filter((r) => grants(r, granted));
  const no = all.filter((r) => !grants(r, granted));
  const allow = yes.map(globOf);
  const denied = no.filter((r) => allow.some((g) => globOverlapsTemplate(g, templateOf(r))));
  for (const d of denied) {
    const dg = globOf(d);
    // A Deny reaching a granted route's path is harmless only where API Gateway would route that path to
    // the denied route anyway: same method and length (so `*` spans no `/`) and the denied route more specific.
    const harmless = (g: Route) =>
      g.method === d.method && g.segments.length === d.segments.length && moreSpecific(d, g);
    if (yes.some((g) => !harmless(g) && globOverlapsTemplate(dg, templateOf(g)))) return undefined;
  }
  return { allow: [...new Set(allow)].sort(), deny: [...new Set(denied.map(globOf))].sort() };
}

/**
 * True when every possible scope set has an exact cached policy (so API Gateway may cache the result per
 * token). Checked at synth time over all subsets of the scopes the table uses (capped: beyond 2^14 sets
 * it answers false, which only costs caching).
 */
export function exactForEveryScopeSet(routes: RouteScopes): boolean {
  const distinct = [...new Set(parseRoutes(routes).flatMap((r) => r.scopes))];
  if (distinct.length > 14) return false;
  for (let mask = 1; mask < 1 << distinct.length; mask++) {
    if (
      !exactPlan(
        routes,
        distinct.filter((_, i) => mask & (1 << i)),
      )
    )
      return false;
  }
  return true;
}

/**
 * The route API Gateway sends `METHOD /concrete/path` to: segment by segment, a literal beats a
 * parameter (REST API resource precedence). `undefined` when no route matches.
 */
export function routeFor(routes: RouteScopes, method: string, path: string): string | undefined {
  const segs = path === '/' || path === '' ? [] : path.replace(/^\//, '').split('/');
  let best: Route | undefined;
  for (const r of parseRoutes(routes)) {
    if (r.method !== method) continue;
    if (r.segments.length !== segs.length) continue;
    if (!r.segments.every((s, i) => (s === null ? segs[i].length > 0 : s === segs[i]))) continue;
    if (!best || moreSpecific(r, best)) best = r;
  }
  return best?.key;
}
function moreSpecific(a: Route, b: Route): boolean {
  for (let i = 0; i < a.segments.length; i++) {
    if ((a.segments[i] === null) !== (b.segments[i] === null)) return a.segments[i] !== null;
  }
  return false;
}

/** Method ARN → `[METHOD, /path]` (the part after the stage). */
export function methodAndPath(methodArn: string): [string, string] {
  const [, , method, ...path] = methodArn.split('/');
  return [method ?? '', `/${path.join('/')}`];
}

export interface PolicyStatement {
  Action: string;
  Effect: 'Allow' | 'Deny';
  Resource: string | string[];
}

/**
 * Statements for a token: the exact cached plan when the table allows it (and `perRequest` is off),
 * else exactly the requested method ARN when its route is granted. No grant at all → Deny *.
 */
export function statementsFor(
  methodArn: string,
  routes: RouteScopes,
  scopes: string[],
  perRequest = false,
): PolicyStatement[] {
  const prefix = apiPrefix(methodArn);
  const plan = perRequest ? undefined : exactPlan(routes, scopes);
  if (plan) {
    if (!plan.allow.length) return [{ Action: 'execute-api:Invoke', Effect: 'Deny', Resource: '*' }];
    const out: PolicyStatement[] = [
      { Action: 'execute-api:Invoke', Effect: 'Allow', Resource: plan.allow.map((g) => `${prefix}/${g}`) },
    ];
    if (plan.deny.length)
      out.push({ Action: 'execute-api:Invoke', Effect: 'Deny', Resource: plan.deny.map((g) => `${prefix}/${g}`) });
    return out;
  }
  const [method, path] = methodAndPath(methodArn);
  const key = routeFor(routes, method, path);
  const scope = key ? routes[key] : undefined;
  const need = scope === undefined ? [] : Array.isArray(scope) ? scope : [scope];
  if (need.some((s) => scopes.includes(s)))
    return [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: [methodArn] }];
  return [{ Action: 'execute-api:Invoke', Effect: 'Deny', Resource: '*' }];
}

/** Method-ARN resources the token may call (the Allow side of the exact plan). */
export function allowedResources(prefix: string, routes: RouteScopes, scopes: string[]): string[] {
  return (exactPlan(routes, scopes)?.allow ?? []).map((g) => `${prefix}/${g}`);
}

export function policyFor(principalId: string, statements: PolicyStatement[], context: Record<string, string>) {
  return {
    principalId,
    policyDocument: { Version: '2012-10-17', Statement: statements },
    context,
  };
}
