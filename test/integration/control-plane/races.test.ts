// Every conditional write of the tenant API under 50-way concurrency, against DynamoDB Local: the outcome
// is decided by DynamoDB's conditions (not by timing), so each run must end in the same state.
// Integrity: every TENANT_NAME# claim belongs to the tenant that carries that name, and vice versa.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { handler as tenants } from '../../../lambda/tenant-management/api';
import { caller, setUp, type Harness } from './harness';

const N = 50;
let h: Harness;
const api = caller(tenants as never);
const db = DynamoDBDocumentClient.from(new DynamoDBClient({}));

beforeAll(async () => {
  h = await setUp('cp-races');
});
afterAll(() => h.bus.stop());

const put = (tenantId: string, body: unknown) =>
  api({ method: 'PUT', path: '/x', route: '/tenants/{tenantId}', pathParameters: { tenantId }, body });
const create = async (body: Record<string, unknown> = { tier: 'basic' }) =>
  (await api({ method: 'POST', path: '/tenants', body })).body.data.tenantId as string;
const histogram = (xs: { status: number }[]) =>
  xs.reduce<Record<number, number>>((m, x) => {
    m[x.status] = (m[x.status] ?? 0) + 1;
    return m;
  }, {});

/** All items of the tenant table: name claims and tenants. */
async function integrity() {
  const items: Record<string, unknown>[] = [];
  let key: Record<string, unknown> | undefined;
  do {
    const res = await db.send(
      new ScanCommand({ TableName: process.env.TENANT_TABLE_NAME!, ConsistentRead: true, ExclusiveStartKey: key }),
    );
    items.push(...(res.Items ?? []));
    key = res.LastEvaluatedKey;
  } while (key);
  const claims = items.filter((i) => String(i.tenantId).startsWith('TENANT_NAME#'));
  const named = items.filter((i) => !String(i.tenantId).startsWith('TENANT_NAME#') && i.tenantName !== undefined);
  const orphans = claims.filter(
    (c) => !named.some((t) => t.tenantId === c.claimedBy && `TENANT_NAME#${String(t.tenantName)}` === c.tenantId),
  );
  const unclaimed = named.filter(
    (t) => !claims.some((c) => c.claimedBy === t.tenantId && c.tenantId === `TENANT_NAME#${String(t.tenantName)}`),
  );
  return { orphans: orphans.map((c) => c.tenantId), unclaimed: unclaimed.map((t) => t.tenantId) };
}

test(`${N} concurrent renames of one unnamed tenant: one 200, ${N - 1} × 409, one claim, no orphaned names`, async () => {
  const id = await create();
  const res = await Promise.all(Array.from({ length: N }, (_, i) => put(id, { tenantName: `race-a-${i}` })));
  expect(histogram(res)).toEqual({ 200: 1, 409: N - 1 });
  const winner = res.find((r) => r.status === 200)!.body.data.tenantName;
  expect(
    (await api({ method: 'GET', path: '/x', route: '/tenants/{tenantId}', pathParameters: { tenantId: id } })).body.data
      .tenantName,
  ).toBe(winner);
  expect(await integrity()).toEqual({ orphans: [], unclaimed: [] });
  // the names that lost are free again
  const other = await create({
    tier: 'basic',
    tenantName: res.some((r) => r.status === 409) ? `race-a-${res.findIndex((r) => r.status === 409)}` : 'x',
  });
  expect(other).toBeDefined();
});

test(`${N} concurrent renames of a NAMED tenant: all 409, the name stays, no new claim`, async () => {
  const id = await create({ tier: 'basic', tenantName: 'race-b-original' });
  const res = await Promise.all(Array.from({ length: N }, (_, i) => put(id, { tenantName: `race-b-${i}` })));
  expect(histogram(res)).toEqual({ 409: N });
  expect(
    (await api({ method: 'GET', path: '/x', route: '/tenants/{tenantId}', pathParameters: { tenantId: id } })).body.data
      .tenantName,
  ).toBe('race-b-original');
  expect(await integrity()).toEqual({ orphans: [], unclaimed: [] });
});

test(`${N} unnamed tenants claim the same name at once: one wins`, async () => {
  const ids = await Promise.all(Array.from({ length: N }, () => create()));
  const res = await Promise.all(ids.map((id) => put(id, { tenantName: 'race-c' })));
  expect(histogram(res)).toEqual({ 200: 1, 409: N - 1 });
  expect(await integrity()).toEqual({ orphans: [], unclaimed: [] });
});

test(`${N} concurrent renames mixed with ordinary updates of the same tenant: every update lands, one name`, async () => {
  const id = await create();
  const res = await Promise.all(
    Array.from({ length: N }, (_, i) =>
      i % 2 ? put(id, { [`field${i}`]: i }) : put(id, { tenantName: `race-d-${i}`, [`field${i}`]: i }),
    ),
  );
  const h2 = histogram(res);
  expect(h2[500] ?? 0).toBe(0);
  const t = (await api({ method: 'GET', path: '/x', route: '/tenants/{tenantId}', pathParameters: { tenantId: id } }))
    .body.data;
  // every 200 is visible in the stored tenant
  res.forEach((r, i) => {
    if (r.status === 200) expect(t[`field${i}`]).toBe(i);
  });
  expect(res.filter((r, i) => i % 2 === 1 && r.status === 200)).toHaveLength(N / 2);
  expect(res.filter((r, i) => i % 2 === 0 && r.status === 200)).toHaveLength(1);
  expect(await integrity()).toEqual({ orphans: [], unclaimed: [] });
});

test(`${N} concurrent POST /tenants with one name: one tenant`, async () => {
  const res = await Promise.all(
    Array.from({ length: N }, () =>
      api({ method: 'POST', path: '/tenants', body: { tier: 'basic', tenantName: 'race-e' } }),
    ),
  );
  expect(histogram(res)).toEqual({ 201: 1, 409: N - 1 });
  expect(await integrity()).toEqual({ orphans: [], unclaimed: [] });
});

test(`${N} concurrent POST /tenants with one Idempotency-Key and body: one tenant, every answer names it`, async () => {
  const res = await Promise.all(
    Array.from({ length: N }, () =>
      api({
        method: 'POST',
        path: '/tenants',
        headers: { 'idempotency-key': 'race-f' },
        body: { tier: 'basic', tenantName: 'race-f' },
      }),
    ),
  );
  expect(res.every((r) => r.status === 201 || r.status === 200)).toBe(true);
  expect(res.filter((r) => r.status === 201)).toHaveLength(1);
  expect(new Set(res.map((r) => r.body.data.tenantId)).size).toBe(1);
  expect(await integrity()).toEqual({ orphans: [], unclaimed: [] });
});

test(`${N} concurrent deactivations and activations of an active tenant serialize: states follow the lifecycle`, async () => {
  const id = await create();
  const res = await Promise.all(
    Array.from({ length: N }, (_, i) =>
      api({
        method: 'PUT',
        path: '/x',
        route: `/tenants/{tenantId}/${i % 2 ? 'activate' : 'deactivate'}`,
        pathParameters: { tenantId: id },
      }),
    ),
  );
  expect(res.every((r) => r.status === 200 || r.status === 409)).toBe(true);
});
