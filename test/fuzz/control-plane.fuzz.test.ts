// Fuzz: every control-plane route (tenants, registrations, users, tenant-config) through the real
// handlers against DynamoDB Local with valid, invalid and adversarial input. Property: no 5xx, ever;
// afterwards, no integrity violation (every name claim belongs to the tenant carrying that name, every
// registration to an existing tenant). Budget: FUZZ_RUNS per route (see fuzz-engine.ts).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { handler as registrations } from '../../lambda/tenant-registration/api';
import { handler as tenantConfig } from '../../lambda/tenant-config/get';
import { handler as tenants } from '../../lambda/tenant-management/api';
import { handler as users } from '../../lambda/user-management/api';
import { httpEvent, type HttpEventInput } from '../../local/http-event';
import { OidcAuth } from '../../src/control-plane/auth/oidc-auth';
import { setUp, type Harness } from '../integration/control-plane/harness';
import {
  bodies,
  fiveHundreds,
  startSuite,
  fuzzRoute,
  listQuery,
  pathValues,
  writeReport,
  type Reply,
  type RouteReport,
} from './fuzz-engine';

jest.setTimeout(6 * 60 * 60 * 1000);
startSuite('control-plane');
const CLAIMS = {
  iss: 'https://idp.example.com/',
  sub: 'fuzz',
  username: 'fuzz',
  scope: 'tenant/tenant_read tenant/tenant_write user/user_read user/user_write',
};
type Handler = (e: unknown) => Promise<unknown>;
const send =
  (handler: unknown) =>
  async (i: HttpEventInput & { method: string }): Promise<Reply> => {
    const res = (await (handler as Handler)(httpEvent({ claims: CLAIMS, ...i }))) as {
      statusCode: number;
      body?: string;
    };
    return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : undefined };
  };
const T = send(tenants);
const R = send(registrations);
const U = send(users);
const C = send(tenantConfig);

let h: Harness;
let tenantId = '';
let registrationId = '';
const reports: RouteReport[] = [];
const db = DynamoDBDocumentClient.from(new DynamoDBClient({}));

beforeAll(async () => {
  h = await setUp('fuzz-cp', {
    auth: (s) => new OidcAuth(s, 'auth', { issuer: 'https://idp.example.com/', audience: ['api'] }),
  });
  process.env.USER_STORE = 'dynamodb';
  process.env.TENANT_CONFIG_INDEX_NAME = 'tenantConfigIndex';
  const created = await T({ method: 'POST', path: '/tenants', body: { tier: 'basic', tenantName: 'fuzz-anchor' } });
  tenantId = (created.body as { data: { tenantId: string } }).data.tenantId;
  registrationId = (created.body as { data: { tenantRegistrationId: string } }).data.tenantRegistrationId;
  await U({
    method: 'POST',
    path: '/users',
    body: { userName: 'fuzz-user', email: 'fuzz@example.com', userRole: 'TenantAdmin' },
  });
});
afterAll(async () => {
  writeReport('control-plane', await integrity());
  h.bus.stop();
});

const name = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9 ._-]{0,30}$/),
  fc.string({ minLength: 1, maxLength: 40 }),
);
const email = fc.oneof(fc.emailAddress(), fc.string({ maxLength: 20 }));
const tenantBody = fc.record(
  {
    tier: fc.constantFrom('basic', 'premium', 'advanced'),
    tenantName: name,
    email,
    tenantStatus: fc.string({ maxLength: 20 }),
  },
  { requiredKeys: ['tier'] },
);
const registrationBody = fc.record(
  {
    tenantData: tenantBody,
    tenantRegistrationData: fc.dictionary(fc.string({ maxLength: 10 }), fc.string({ maxLength: 20 }), { maxKeys: 3 }),
  },
  { requiredKeys: [] },
);
const userBody = fc.record({
  userName: fc.stringMatching(/^[a-z][a-z0-9._-]{0,20}$/),
  email: fc.emailAddress(),
  userRole: fc.constantFrom('TenantAdmin', 'SystemAdmin', 'TenantUser'),
});
const userPatch = fc.record(
  { email: fc.emailAddress(), userRole: fc.constantFrom('TenantAdmin', 'SystemAdmin') },
  { requiredKeys: [] },
);
const idempotency = fc.option(fc.oneof(fc.stringMatching(/^[\x21-\x7e]{1,20}$/), fc.string({ maxLength: 200 })), {
  nil: undefined,
});

const tenantIds = pathValues(() => tenantId);
const regIds = pathValues(() => registrationId);
const userIds = pathValues(() => 'fuzz-user');

async function run(route: string, arb: fc.Arbitrary<unknown>, call: (x: never) => Promise<Reply>) {
  const r = await fuzzRoute(route, arb, call as (x: unknown) => Promise<Reply>);
  reports.push(r);
  expect([route, fiveHundreds(r), r.failures]).toEqual([route, 0, []]);
}

/**
 * One test per body-less route under an id route (`GET <route>` first, then `routes`: `[method, suffix]`),
 * with `ids` as the path parameter that `route` ends in; `label` names the route in the test and report.
 */
function bodilessIdRoutes(
  call: typeof T,
  label: string,
  route: string,
  ids: fc.Arbitrary<string>,
  routes: [method: string, suffix: string][],
) {
  const param = /\{(\w+)\}$/.exec(route)![1]!;
  for (const [method, suffix] of [['GET', ''] as [string, string], ...routes])
    test(`${method} ${label}${suffix}`, () =>
      run(`${method} ${label}${suffix}`, ids, (id: string) =>
        call({ method, path: '/x', route: `${route}${suffix}`, pathParameters: { [param]: id } }),
      ));
}

test('POST /tenants', () =>
  run('POST /tenants', fc.tuple(bodies(tenantBody), idempotency), ([body, key]: [unknown, string | undefined]) =>
    T({ method: 'POST', path: '/tenants', body, headers: key === undefined ? undefined : { 'idempotency-key': key } }),
  ));
test('GET /tenants', () =>
  run('GET /tenants', listQuery, (query: Record<string, string>) => T({ method: 'GET', path: '/tenants', query })));
test('PUT /tenants/{tenantId}', () =>
  run(
    'PUT /tenants/{tenantId}',
    fc.tuple(tenantIds, bodies(fc.record({ plan: fc.string(), tenantName: name, email }, { requiredKeys: [] }))),
    ([id, body]: [string, unknown]) =>
      T({ method: 'PUT', path: '/x', route: '/tenants/{tenantId}', pathParameters: { tenantId: id }, body }),
  ));
bodilessIdRoutes(T, '/tenants/{tenantId}', '/tenants/{tenantId}', tenantIds, [
  ['PUT', '/activate'],
  ['PUT', '/deactivate'],
  ['POST', '/retry'],
  ['DELETE', ''],
]);
test('POST /tenant-registrations', () =>
  run(
    'POST /tenant-registrations',
    fc.tuple(bodies(registrationBody), idempotency),
    ([body, key]: [unknown, string | undefined]) =>
      R({
        method: 'POST',
        path: '/tenant-registrations',
        body,
        headers: key === undefined ? undefined : { 'idempotency-key': key },
      }),
  ));
test('GET /tenant-registrations', () =>
  run('GET /tenant-registrations', listQuery, (query: Record<string, string>) =>
    R({ method: 'GET', path: '/tenant-registrations', query }),
  ));
test('PATCH /tenant-registrations/{id}', () =>
  run('PATCH /tenant-registrations/{id}', fc.tuple(regIds, bodies(registrationBody)), ([id, body]: [string, unknown]) =>
    R({
      method: 'PATCH',
      path: '/x',
      route: '/tenant-registrations/{tenantRegistrationId}',
      pathParameters: { tenantRegistrationId: id },
      body,
    }),
  ));
bodilessIdRoutes(R, '/tenant-registrations/{id}', '/tenant-registrations/{tenantRegistrationId}', regIds, [
  ['POST', '/retry'],
  ['DELETE', ''],
]);
test('POST /users', () =>
  run('POST /users', bodies(userBody), (body: unknown) => U({ method: 'POST', path: '/users', body })));
test('GET /users', () =>
  run('GET /users', listQuery, (query: Record<string, string>) => U({ method: 'GET', path: '/users', query })));
test('PUT /users/{userId}', () =>
  run('PUT /users/{userId}', fc.tuple(userIds, bodies(userPatch)), ([id, body]: [string, unknown]) =>
    U({ method: 'PUT', path: '/x', route: '/users/{userId}', pathParameters: { userId: id }, body }),
  ));
bodilessIdRoutes(U, '/users/{userId}', '/users/{userId}', userIds, [
  ['PUT', '/enable'],
  ['PUT', '/disable'],
  ['DELETE', ''],
]);
test('GET /tenant-config', () =>
  run(
    'GET /tenant-config',
    fc.record(
      {
        tenantId: pathValues(() => tenantId),
        tenantName: pathValues(() => 'fuzz-anchor'),
        origin: fc.oneof(fc.webUrl(), fc.string({ maxLength: 40 })),
      },
      { requiredKeys: [] },
    ),
    (q: { tenantId?: string; tenantName?: string; origin?: string }) =>
      C({
        method: 'GET',
        path: '/tenant-config',
        query: Object.fromEntries(
          Object.entries({ tenantId: q.tenantId, tenantName: q.tenantName }).filter(([, v]) => v !== undefined),
        ) as Record<string, string>,
        headers: q.origin === undefined ? undefined : { origin: q.origin },
      }),
  ));
test('GET /tenant-config/{tenantName}', () =>
  run(
    'GET /tenant-config/{tenantName}',
    pathValues(() => 'fuzz-anchor'),
    (n: string) =>
      C({ method: 'GET', path: '/x', route: '/tenant-config/{tenantName}', pathParameters: { tenantName: n } }),
  ));

/** Scans the tables: name claims ↔ named tenants, registrations ↔ tenants, no polluted attributes. */
async function integrity(): Promise<Record<string, string[]>> {
  const scan = async (table: string) => {
    const items: Record<string, unknown>[] = [];
    let key: Record<string, unknown> | undefined;
    do {
      const res = await db.send(new ScanCommand({ TableName: table, ConsistentRead: true, ExclusiveStartKey: key }));
      items.push(...(res.Items ?? []));
      key = res.LastEvaluatedKey;
    } while (key);
    return items;
  };
  const items = await scan(process.env.TENANT_TABLE_NAME!);
  const regs = await scan(process.env.REGISTRATION_TABLE_NAME!);
  const claims = items.filter((i) => String(i.tenantId).startsWith('TENANT_NAME#'));
  const tenantsOnly = items.filter((i) => !String(i.tenantId).startsWith('TENANT_NAME#'));
  const named = tenantsOnly.filter((t) => t.tenantName !== undefined);
  return {
    orphanedNameClaims: claims
      .filter(
        (c) => !named.some((t) => t.tenantId === c.claimedBy && `TENANT_NAME#${String(t.tenantName)}` === c.tenantId),
      )
      .map((c) => String(c.tenantId)),
    namedTenantsWithoutClaim: named
      .filter(
        (t) => !claims.some((c) => c.claimedBy === t.tenantId && c.tenantId === `TENANT_NAME#${String(t.tenantName)}`),
      )
      .map((t) => String(t.tenantId)),
    registrationsWithoutTenant: regs
      .filter((r) => !tenantsOnly.some((t) => t.tenantId === r.tenantId))
      .map((r) => String(r.tenantRegistrationId)),
    tenantsWithoutRegistration: tenantsOnly
      .filter((t) => !regs.some((r) => r.tenantRegistrationId === t.tenantRegistrationId))
      .map((t) => String(t.tenantId)),
    pollutedItems: [...tenantsOnly, ...regs]
      .filter((i) => 'polluted' in i || i.tenantName === 'ghost')
      .map((i) => String(i.tenantId ?? i.tenantRegistrationId)),
    pollutedPrototype: 'polluted' in {} ? ['Object.prototype was polluted'] : [],
  };
}

test('integrity after the fuzz: no orphaned claims, no half-written tenants, no prototype pollution', async () => {
  const found = await integrity();
  expect(found).toEqual({
    orphanedNameClaims: [],
    namedTenantsWithoutClaim: [],
    registrationsWithoutTenant: [],
    tenantsWithoutRegistration: [],
    pollutedItems: [],
    pollutedPrototype: [],
  });
});
