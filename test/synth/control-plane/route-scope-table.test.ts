/**
 * Every route × every scope of the synthesized HTTP API, allowed and refused, checked the way API Gateway
 * checks it: a token signed for the SYNTHESIZED authorizer configuration (issuer, audience — resolved from
 * the Terraform JSON), verified (test/support/http-api-authorizer.ts), then the route's
 * `authorization_scopes` (SynthHarness.request, reading the synthesized route table). The integration is a
 * recording stand-in: this table is about who reaches which function, not what the function answers.
 * Forged tokens (other issuer, other audience, expired, other key) never reach anything.
 */
import { ControlPlaneStack } from '../../../src/control-plane/control-plane-stack';
import { SCOPES } from '../../../src/contracts/scopes';
import { SynthHarness } from '../../../local/synth-harness';
import { LocalJwtAuthorizer, synthesizedAuthorizer } from '../../support/http-api-authorizer';
import { resourcesOf, synthStack, testApp } from '../../support/synth';

const R = SCOPES.tenantRead;
const W = SCOPES.tenantWrite;
const UR = SCOPES.userRead;
const UW = SCOPES.userWrite;
const BR = SCOPES.billingRead;
const BW = SCOPES.billingWrite;
const MR = SCOPES.meteringRead;
const MW = SCOPES.meteringWrite;
const ALL = [R, W, UR, UW, BR, BW, MR, MW];

/** route → the one scope that opens it (null: public by design). Written out, not read from the stack. */
const EXPECTED: Record<string, string | null> = {
  'DELETE /meters/{meterId}': MW,
  'DELETE /tenant-registrations/{tenantRegistrationId}': W,
  'DELETE /tenants/{tenantId}': W,
  'DELETE /usage': MW,
  'DELETE /users/{userId}': UW,
  'GET /meters': MR,
  'GET /meters/{meterId}': MR,
  'GET /tenant-config': null,
  'GET /tenant-config/{tenantName}': null,
  'GET /tenant-registrations': R,
  'GET /tenant-registrations/{tenantRegistrationId}': R,
  'GET /tenants': R,
  'GET /tenants/{tenantId}': R,
  'GET /tenants/{tenantId}/billing': BR,
  'GET /tenants/{tenantId}/billing/users/{userId}': BR,
  'GET /usage/{meterId}': MR,
  'GET /users': UR,
  'GET /users/{userId}': UR,
  'PATCH /tenant-registrations/{tenantRegistrationId}': W,
  'POST /billing/webhook': null,
  'POST /meters': MW,
  'POST /tenant-registrations': W,
  'POST /tenant-registrations/{tenantRegistrationId}/retry': W,
  'POST /tenants': W,
  'POST /tenants/{tenantId}/retry': W,
  'POST /users': UW,
  'PUT /meters/{meterId}': MW,
  'PUT /tenants/{tenantId}': W,
  'PUT /tenants/{tenantId}/activate': W,
  'PUT /tenants/{tenantId}/billing/users/{userId}': BW,
  'PUT /tenants/{tenantId}/deactivate': W,
  'PUT /users/{userId}': UW,
  'PUT /users/{userId}/disable': UW,
  'PUT /users/{userId}/enable': UW,
};

const json = synthStack(new ControlPlaneStack(testApp(), 'control-plane')); // reference stack: billing + metering on
const routeKeys = Object.values(resourcesOf(json, 'aws_apigatewayv2_route'))
  .map((r) => String(r.route_key))
  .sort();

/** Terraform references of the authorizer configuration, as AWS would resolve them. */
const resolveRef = (expr: string): string => {
  if (/^data\.aws_region\.[^.]+\.(region|id|name)$/.test(expr)) return 'eu-central-1';
  if (/^aws_cognito_user_pool\.[^.]+\.id$/.test(expr)) return 'eu-central-1_Pool1';
  const client = /^aws_cognito_user_pool_client\.([^.]+)\.id$/.exec(expr);
  if (client) return `client-${client[1]}`;
  throw new Error(`unresolved reference in the authorizer configuration: ${expr}`);
};
const config = synthesizedAuthorizer(json, resolveRef);

/** A concrete path for a route key ({param} → a value). */
const pathOf = (routeKey: string) => routeKey.split(' ')[1].replace(/\{[^}]+\}/g, 'x1');

let authorizer: LocalJwtAuthorizer;
let harness: SynthHarness;
const reached: string[] = [];

beforeAll(async () => {
  authorizer = await LocalJwtAuthorizer.create(config);
  const tables = Object.fromEntries(Object.keys(resourcesOf(json, 'aws_dynamodb_table')).map((l) => [l, `t-${l}`]));
  harness = new SynthHarness(json, {
    tables,
    busName: 'bus',
    references: {
      'aws_cognito_user_pool.*.id': 'eu-central-1_Pool1',
      'aws_cognito_user_pool.*.arn': 'arn:aws:cognito-idp:eu-central-1:000000000000:userpool/eu-central-1_Pool1',
      'aws_sqs_queue.*.url': 'http://127.0.0.1:1/queue',
      'aws_sqs_queue.*.arn': 'arn:aws:sqs:eu-central-1:000000000000:queue',
    },
    // The integration stands in: it records that the request got through and answers 200.
    loadHandler: (archive) => async () => {
      reached.push(archive);
      return { statusCode: 200, body: JSON.stringify({ reached: archive }) };
    },
  });
});

async function send(routeKey: string, token?: string) {
  const method = routeKey.split(' ')[0];
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const claims = await authorizer.verify(headers);
  const before = reached.length;
  const res = await harness.request({
    method,
    path: pathOf(routeKey),
    headers,
    claims,
    body: method === 'GET' || method === 'DELETE' ? undefined : {},
  });
  return { status: res.status, reached: reached.length > before };
}

test('the synthesized authorizer configuration: the pool issuer and both app clients as audience', () => {
  expect(config.issuer).toBe('https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_Pool1');
  expect(config.audience).toHaveLength(2);
  expect(config.audience.every((a) => a.startsWith('client-'))).toBe(true);
});

test('the table covers exactly the synthesized routes', () => {
  expect(routeKeys).toEqual(Object.keys(EXPECTED).sort());
});

const cells = Object.entries(EXPECTED).flatMap(([route, needed]) =>
  ALL.map((scope) => [route, scope, needed === null || needed === scope] as const),
);

describe('every route × every scope (a token carrying only that scope)', () => {
  test.each(cells)('%s with %s → allowed: %s', async (route, scope, allowed) => {
    const r = await send(route, await authorizer.token({ scopes: [scope] }));
    expect(r).toEqual(allowed ? { status: 200, reached: true } : { status: 403, reached: false });
  });
});

describe('every route without a token / with a forged token', () => {
  const routes = Object.entries(EXPECTED);
  test.each(routes)('%s without a token → %s', async (route, needed) => {
    expect(await send(route)).toEqual(
      needed === null ? { status: 200, reached: true } : { status: 401, reached: false },
    );
  });
  test.each(routes.filter(([, n]) => n !== null))(
    '%s: other issuer, other audience, expired → 401 even with every scope',
    async (route) => {
      const forged = [
        await authorizer.token({
          scopes: ALL,
          issuer: 'https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_Other',
        }),
        await authorizer.token({ scopes: ALL, clientId: 'some-other-client' }),
        await authorizer.token({ scopes: ALL, expiresInSeconds: -60 }),
      ];
      for (const t of forged) expect(await send(route, t)).toEqual({ status: 401, reached: false });
    },
  );
  test('a token signed by another key is refused; `aud` instead of client_id is accepted (HTTP API rule)', async () => {
    const other = await LocalJwtAuthorizer.create(config);
    expect(await send('GET /tenants', await other.token({ scopes: [R] }))).toEqual({ status: 401, reached: false });
    expect(
      await send(
        'GET /tenants',
        await authorizer.token({ scopes: [R], clientId: 'not-listed', aud: config.audience[1] }),
      ),
    ).toEqual({ status: 200, reached: true });
  });
  test('a token with every scope reaches every route', async () => {
    for (const route of Object.keys(EXPECTED))
      expect([route, await send(route, await authorizer.token({ scopes: ALL }))]).toEqual([
        route,
        { status: 200, reached: true },
      ]);
  });
});
