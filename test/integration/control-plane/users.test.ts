// /users through the real handler with the DynamoDB-backed user store (the store used with external IdPs)
// against DynamoDB Local; the table comes from the synthesized stack with an OidcAuth. Events captured.
import { handler } from '../../../lambda/user-management/api';
import { OidcAuth } from '../../../src/control-plane/auth/oidc-auth';
import { caller, listAll, setUp, type Harness } from './harness';

let h: Harness;
const api = caller(handler);

beforeAll(async () => {
  h = await setUp('cp-users', {
    auth: (s) => new OidcAuth(s, 'auth', { issuer: 'https://idp.example.com/', audience: ['control-plane'] }),
  });
  process.env.USER_STORE = 'dynamodb';
  expect(process.env.USER_TABLE_NAME).toMatch(/users/);
});
afterAll(() => h.bus.stop());
beforeEach(() => h.bus.clear());

const postUser = (body: unknown) => api({ method: 'POST', path: '/users', body });
const user = (method: string, userId: string, suffix = '', body?: unknown) =>
  api({ method, path: '/x', route: `/users/{userId}${suffix}`, pathParameters: { userId }, body });

test('create → get → partial update → disable → enable → delete, with tenantUserCreated / tenantUserDeleted', async () => {
  const created = await postUser({ userName: 'alice', email: 'alice@example.com', userRole: 'TenantAdmin' });
  expect(created.status).toBe(201);
  expect(created.body.data).toMatchObject({
    userName: 'alice',
    email: 'alice@example.com',
    userRole: 'TenantAdmin',
    enabled: true,
  });
  expect(h.bus.ofType('sbt_aws_tenantUserCreated').map((e) => [e.Source, e.detail])).toEqual([
    ['sbt.control.plane', { userName: 'alice', email: 'alice@example.com', userRole: 'TenantAdmin' }],
  ]);

  expect((await user('GET', 'alice')).body.data.userRole).toBe('TenantAdmin');
  const upd = await user('PUT', 'alice', '', { userRole: 'SystemAdmin' });
  expect(upd).toMatchObject({
    status: 200,
    body: { message: 'User updated', data: { userRole: 'SystemAdmin', email: 'alice@example.com' } },
  });

  const disabled = await user('PUT', 'alice', '/disable');
  expect(disabled).toMatchObject({ status: 200, body: { message: 'User disabled', data: { enabled: false } } });
  expect((await user('GET', 'alice')).body.data.enabled).toBe(false);
  const enabled = await user('PUT', 'alice', '/enable');
  expect(enabled).toMatchObject({ status: 200, body: { message: 'User enabled', data: { enabled: true } } });

  const del = await user('DELETE', 'alice');
  expect(del).toMatchObject({ status: 200, body: { message: 'User deleted' } });
  expect(h.bus.ofType('sbt_aws_tenantUserDeleted')[0].detail).toMatchObject({
    userName: 'alice',
    userRole: 'SystemAdmin',
  });
  expect((await user('GET', 'alice')).status).toBe(404);
});

test('list pages with next_token', async () => {
  for (const n of ['u1', 'u2', 'u3', 'u4', 'u5']) {
    expect((await postUser({ userName: n, email: `${n}@example.com`, userRole: 'r' })).status).toBe(201);
  }
  const seen = (await listAll<{ userName: string }>(api, '/users', 2)).map((u) => u.userName);
  expect(seen.sort()).toEqual(['u1', 'u2', 'u3', 'u4', 'u5']);
});

test('client errors: 400 naming the field, 404, 409', async () => {
  const r = await postUser({ userName: 'bob', email: 'not-an-email', userRole: 'r' });
  expect(r.status).toBe(400);
  expect(r.body.message).toMatch(/field 'email'/);
  const missing = await postUser({ email: 'b@example.com', userRole: 'r' });
  expect(missing.status).toBe(400);
  expect(missing.body.message).toMatch(/field 'userName'/);
  expect((await postUser({ userName: 'has space', email: 'b@example.com', userRole: 'r' })).body.message).toMatch(
    /field 'userName'/,
  );
  const empty = await user('PUT', 'bob', '', {});
  expect(empty.status).toBe(400);
  expect(empty.body.message).toMatch(/field 'email'/);
  expect((await api({ method: 'GET', path: '/users', query: { limit: '61' } })).body.message).toMatch(/field 'limit'/);
  expect((await api({ method: 'GET', path: '/users', query: { next_token: 'zz' } })).status).toBe(400);

  expect((await user('GET', 'ghost')).status).toBe(404);
  expect((await user('PUT', 'ghost', '', { email: 'g@example.com' })).status).toBe(404);
  expect((await user('PUT', 'ghost', '/enable')).status).toBe(404);
  expect((await user('PUT', 'ghost', '/disable')).status).toBe(404);
  expect((await user('DELETE', 'ghost')).status).toBe(404);
  expect(h.bus.ofType('sbt_aws_tenantUserDeleted')).toHaveLength(0);

  expect((await postUser({ userName: 'carol', email: 'c@example.com', userRole: 'r' })).status).toBe(201);
  const dup = await postUser({ userName: 'carol', email: 'c@example.com', userRole: 'r' });
  expect(dup.status).toBe(409);
  expect(dup.body.message).toBe('User carol already exists');
});
