// Idempotency-Key (IETF draft-ietf-httpapi-idempotency-key-header): the key space is the caller's
// identity — issuer + subject, not the `username` claim two callers can share — and a key reused with a
// different request body is a 422, not a silent replay of the first result.
import { handler as tenants } from '../../../lambda/tenant-management/api';
import { httpEvent } from '../../../local/http-event';
import { setUp, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await setUp('cp-idempotency');
});
afterAll(() => h.bus.stop());

const SCOPE = 'tenant/tenant_read tenant/tenant_write';
async function post(claims: Record<string, unknown>, key: string, body: unknown) {
  const res = (await (tenants as (e: unknown) => Promise<{ statusCode: number; body: string }>)(
    httpEvent({
      method: 'POST',
      path: '/tenants',
      headers: { 'Idempotency-Key': key },
      body,
      claims: { scope: SCOPE, ...claims },
    }),
  )) as { statusCode: number; body: string };
  return { status: res.statusCode, body: JSON.parse(res.body) };
}

test('two callers with the same username (other issuer or subject) never share a key', async () => {
  const key = `shared-${Date.now()}`;
  const a = await post({ iss: 'https://idp-a.example.com', sub: 'sub-a', username: 'alice' }, key, { tier: 'basic' });
  const b = await post({ iss: 'https://idp-b.example.com', sub: 'sub-a', username: 'alice' }, key, { tier: 'basic' });
  const c = await post({ iss: 'https://idp-a.example.com', sub: 'sub-c', username: 'alice' }, key, { tier: 'basic' });
  expect([a.status, b.status, c.status]).toEqual([201, 201, 201]);
  expect(new Set([a.body.data.tenantId, b.body.data.tenantId, c.body.data.tenantId]).size).toBe(3);
  // the same caller again: the first result
  const again = await post({ iss: 'https://idp-a.example.com', sub: 'sub-a', username: 'someone-else' }, key, {
    tier: 'basic',
  });
  expect([again.status, again.body.data.tenantId]).toEqual([200, a.body.data.tenantId]);
});

test('a used key with a different body is a 422 naming the header; the same body replays', async () => {
  const who = { iss: 'https://idp-a.example.com', sub: `sub-${Date.now()}` };
  const key = `k-${Date.now()}`;
  expect((await post(who, key, { tier: 'basic', plan: 'a' })).status).toBe(201);
  const other = await post(who, key, { tier: 'basic', plan: 'b' });
  expect(other.status).toBe(422);
  expect(other.body.message).toMatch(/Idempotency-Key.*different request body/i);
  // key order does not make a body different
  expect((await post(who, key, { plan: 'a', tier: 'basic' })).status).toBe(200);
});
