// Found by the fuzz suite: forged next_token values with the right partition but odd attributes (huge
// numbers, nested maps, extra keys) were a 500 on GET /tenants. A token must be exactly the key the list
// issued — else 400 naming next_token — on every list route of the control plane.
import { handler as registrations } from '../../../lambda/tenant-registration/api';
import { handler as tenants } from '../../../lambda/tenant-management/api';
import { handler as users } from '../../../lambda/user-management/api';
import { OidcAuth } from '../../../src/control-plane/auth/oidc-auth';
import { caller, setUp, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await setUp('cp-forged-token', {
    auth: (s) => new OidcAuth(s, 'auth', { issuer: 'https://idp.example.com/', audience: ['api'] }),
  });
  process.env.USER_STORE = 'dynamodb';
});
afterAll(() => h.bus.stop());

const token = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const FORGED = (partition: string, id: string, sortKey: string) => [
  { [sortKey]: 1630670321, listPartition: partition, [id]: false, createdAt: { x: -1.797693134862315e308 } },
  { pk: 'x', sk: [null, [null], 1.79e124], listPartition: partition, createdAt: null },
  { [id]: 'a', listPartition: partition, [sortKey]: 4.520699981585118e288 },
  { [id]: 'a', listPartition: partition, [sortKey]: '2026-01-01T00:00:00Z', extra: 1 },
  { [id]: '', listPartition: partition, [sortKey]: '2026-01-01T00:00:00Z' },
  { [id]: 'a', listPartition: 'OTHER', [sortKey]: '2026-01-01T00:00:00Z' },
  { [id]: 'a'.repeat(5000), listPartition: partition, [sortKey]: 'x' },
];

test.each([
  ['GET /tenants', caller(tenants as never), '/tenants', FORGED('TENANT', 'tenantId', 'createdAt')],
  [
    'GET /tenant-registrations',
    caller(registrations as never),
    '/tenant-registrations',
    FORGED('REGISTRATION', 'tenantRegistrationId', 'createdAt'),
  ],
  ['GET /users', caller(users as never), '/users', FORGED('USER', 'userName', 'created')],
] as const)('%s: forged tokens → 400 naming next_token', async (_route, api, path, forged) => {
  for (const f of forged) {
    const res = await api({ method: 'GET', path, query: { next_token: token(f) } });
    expect([JSON.stringify(f).slice(0, 60), res.status, res.body.message]).toEqual([
      JSON.stringify(f).slice(0, 60),
      400,
      expect.stringContaining('next_token'),
    ]);
  }
});

test('a token the list issued still pages', async () => {
  const api = caller(tenants as never);
  for (let i = 0; i < 3; i++) await api({ method: 'POST', path: '/tenants', body: { tier: 'basic' } });
  const first = await api({ method: 'GET', path: '/tenants', query: { limit: '2' } });
  expect(first.body.next_token).toBeDefined();
  expect(
    (await api({ method: 'GET', path: '/tenants', query: { limit: '2', next_token: first.body.next_token } })).status,
  ).toBe(200);
});
