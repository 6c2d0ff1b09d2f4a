// The private REST API's token authorizer is exact: for every scope set and every route of the
// SYNTHESIZED route table (private API + OIDC issuer, billing and metering on), the policy it returns —
// evaluated the way IAM evaluates execute-api ARNs (`*` matches any characters, `/` included; `?` one
// character; an explicit Deny wins) — allows a request exactly when the route's scope is in the token.
// Real RS256 tokens go through the real handler (aws-jwt-verify against the issuer's keys).
import { createSign, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { ControlPlaneStack } from '../../../src/control-plane/control-plane-stack';
import { OidcAuth } from '../../../src/control-plane/auth/oidc-auth';
import {
  exactForEveryScopeSet,
  routeFor,
  statementsFor,
  type PolicyStatement,
  type RouteScopes,
} from '../../../src/contracts/route-scope-policy';
import { lambdaEnvironment, resourcesOf, restApiMethods, synthStack, testApp } from '../../support/synth';

const PREFIX = 'arn:aws:execute-api:us-east-1:111122223333:abc123/v1';

/** IAM's ARN matching for execute-api resources, as documented: `*` any run of characters (`/` too), `?` one. */
const compiled = new Map<string, RegExp>();
function arnMatches(pattern: string, arn: string): boolean {
  let re = compiled.get(pattern);
  if (!re) {
    re = new RegExp(
      `^${pattern
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '[\\s\\S]*')
        .replace(/\?/g, '[\\s\\S]')}$`,
    );
    compiled.set(pattern, re);
  }
  return re.test(arn);
}
function allowed(statements: PolicyStatement[], arn: string): boolean {
  const hits = (s: PolicyStatement) =>
    (Array.isArray(s.Resource) ? s.Resource : [s.Resource]).some((r) => arnMatches(r, arn));
  if (statements.some((s) => s.Effect === 'Deny' && hits(s))) return false;
  return statements.some((s) => s.Effect === 'Allow' && hits(s));
}

/** Concrete requests of every route: parameters take every literal segment of the table and an id. */
function concreteRequests(routes: string[]): [method: string, path: string][] {
  const literals = [
    ...new Set(routes.flatMap((r) => r.split(' ')[1].split('/')).filter((s) => s && !s.startsWith('{'))),
  ];
  const values = [...literals, 't-1', '*'];
  const out: [string, string][] = [];
  for (const r of routes) {
    const [method, path] = r.split(' ');
    let paths = [''];
    for (const seg of path.slice(1).split('/')) {
      const opts = seg.startsWith('{') ? values : [seg];
      paths = paths.flatMap((p) => opts.map((o) => `${p}/${o}`));
    }
    for (const p of paths) out.push([method, p]);
  }
  return out;
}

/** The route table as synthesized: method paths from aws_api_gateway_method/resource, scopes from ROUTE_SCOPES. */
function synthesizedTable() {
  const json = synthStack(
    new ControlPlaneStack(testApp(), 'control-plane', {
      private: { vpcEndpointIds: ['vpce-1'] },
      auth: (s) => new OidcAuth(s, 'auth', { issuer: 'https://idp.example.com/', audience: ['api'] }),
    }),
  );
  const custom = restApiMethods(json)
    .filter((m) => m.authorization === 'CUSTOM')
    .map((m) => m.route)
    .sort();
  const env = lambdaEnvironment(json, '-control-plane-authorizer');
  const [authz] = Object.values(resourcesOf(json, 'aws_api_gateway_authorizer'));
  return { custom, routeScopes: JSON.parse(env.ROUTE_SCOPES) as RouteScopes, env, authz };
}

let key: KeyObject;
let mod: typeof import('../../../lambda/control-plane-authorizer/authorize');
const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
function sign(claims: Record<string, unknown>) {
  const now = Math.floor(Date.now() / 1000);
  const body = { iss: 'https://idp.example.com/', aud: 'api', sub: 'user-1', iat: now, exp: now + 300, ...claims };
  const input = `${b64({ alg: 'RS256', kid: 'k1', typ: 'JWT' })}.${b64(body)}`;
  return `${input}.${createSign('RSA-SHA256').update(input).sign(key).toString('base64url')}`;
}

const table = synthesizedTable();

beforeAll(() => {
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  key = pair.privateKey;
  process.env.JWKS_URI = 'https://idp.example.com/.well-known/jwks.json';
  process.env.JWT_ISSUER = 'https://idp.example.com/';
  process.env.JWT_AUDIENCE = JSON.stringify(['api']);
  process.env.ROUTE_SCOPES = table.env.ROUTE_SCOPES;
  process.env.POLICY_MODE = table.env.POLICY_MODE;
  jest.isolateModules(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require('../../../lambda/control-plane-authorizer/authorize');
  });
  mod.cacheJwksForTesting({
    keys: [{ ...pair.publicKey.export({ format: 'jwk' }), kid: 'k1', alg: 'RS256', use: 'sig' }],
  });
});

test('the synthesized table: every CUSTOM method has its scope in ROUTE_SCOPES; cached policies are exact, so the cache stays on', () => {
  expect(Object.keys(table.routeScopes).sort()).toEqual(table.custom);
  expect(table.custom.length).toBeGreaterThan(25);
  expect(table.custom).toEqual(
    expect.arrayContaining(['GET /tenants/{tenantId}/billing', 'PUT /tenants/{tenantId}/billing/users/{userId}']),
  );
  expect(exactForEveryScopeSet(table.routeScopes)).toBe(true);
  expect(table.env.POLICY_MODE).toBe('cached');
  expect(table.authz.authorizer_result_ttl_in_seconds).toBe(300);
});

test('every (scope set, route) pair: the returned policy allows exactly the routes of the token scopes', async () => {
  const scopes = [...new Set(Object.values(table.routeScopes).flat())].sort();
  const sets: string[][] = [
    [],
    scopes,
    ...scopes.map((s) => [s]),
    ...scopes.flatMap((a, i) => scopes.slice(i + 1).map((b) => [a, b])),
  ];
  const requests = concreteRequests(Object.keys(table.routeScopes));
  let checked = 0;
  const wrong: string[] = [];
  for (const set of sets) {
    // The token authorizer's result is cached per token, so ONE policy must be right for every route.
    const res = await mod.handler({
      type: 'TOKEN',
      authorizationToken: `Bearer ${sign({ scope: set.join(' ') })}`,
      methodArn: `${PREFIX}/GET/tenants`,
    });
    for (const [method, path] of requests) {
      const route = routeFor(table.routeScopes, method, path)!;
      const need = ([] as string[]).concat(table.routeScopes[route]);
      const expected = need.some((s) => set.includes(s));
      const got = allowed(res.policyDocument.Statement, `${PREFIX}/${method}${path}`);
      checked++;
      if (got !== expected)
        wrong.push(`[${set.join(' ')}] ${method} ${path} (${route}): ${got ? 'allowed' : 'denied'}`);
    }
  }
  expect(wrong).toEqual([]);
  expect(checked).toBeGreaterThan(10000);
});

test('the evaluator catches the old "{param} → *" policy: tenant_read reached billing routes, tenant_write a billing write', () => {
  const naive = (set: string[]): PolicyStatement[] => [
    {
      Action: 'execute-api:Invoke',
      Effect: 'Allow',
      Resource: Object.entries(table.routeScopes)
        .filter(([, s]) => set.includes(String(s)))
        .map(([k]) => `${PREFIX}/${k.split(' ')[0]}${k.split(' ')[1].replace(/\{[^}]+\}/g, '*')}`),
    },
  ];
  const cross: string[] = [];
  for (const set of [['tenant/tenant_read'], ['tenant/tenant_write']]) {
    for (const [route, scope] of Object.entries(table.routeScopes)) {
      if (scope === set[0]) continue;
      const [method, path] = route.split(' ');
      if (allowed(naive(set), `${PREFIX}/${method}${path.replace(/\{[^}]+\}/g, 't-1')}`))
        cross.push(`${set[0]} → ${route}`);
    }
  }
  expect(cross.sort()).toEqual([
    'tenant/tenant_read → GET /tenants/{tenantId}/billing',
    'tenant/tenant_read → GET /tenants/{tenantId}/billing/users/{userId}',
    'tenant/tenant_write → PUT /tenants/{tenantId}/billing/users/{userId}',
  ]);
});

test('a table no glob policy can express exactly: per-request answers (and the construct turns caching off)', () => {
  const routes: RouteScopes = { 'GET /a/{x}/b': 'one', 'GET /a/{x}/{y}/b': 'two', 'GET /a/{x}': 'three' };
  expect(exactForEveryScopeSet(routes)).toBe(false);
  for (const set of [['one'], ['two'], ['three'], ['one', 'three'], []]) {
    for (const [method, path] of concreteRequests(Object.keys(routes))) {
      const arn = `${PREFIX}/${method}${path}`;
      const route = routeFor(routes, method, path)!;
      expect([set.join(' '), path, allowed(statementsFor(arn, routes, set, true), arn)]).toEqual([
        set.join(' '),
        path,
        set.includes(String(routes[route])),
      ]);
    }
  }
});

test('a literal route beats a parameter one (REST resource precedence), and the exact plan says so', () => {
  const routes: RouteScopes = {
    'GET /tenants/{tenantId}': 'read',
    'GET /tenants/stats': 'admin',
    'GET /tenants/{tenantId}/billing': 'billing',
  };
  expect(routeFor(routes, 'GET', '/tenants/stats')).toBe('GET /tenants/stats');
  expect(routeFor(routes, 'GET', '/tenants/t-1')).toBe('GET /tenants/{tenantId}');
  const read = statementsFor(`${PREFIX}/GET/tenants`, routes, ['read']);
  expect(allowed(read, `${PREFIX}/GET/tenants/t-1`)).toBe(true);
  expect(allowed(read, `${PREFIX}/GET/tenants/stats`)).toBe(false);
  expect(allowed(read, `${PREFIX}/GET/tenants/t-1/billing`)).toBe(false);
});
