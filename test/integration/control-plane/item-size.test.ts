// DynamoDB's 400 KB item limit and EventBridge's 256 KB entry limit: ordinary PUTs cannot grow a tenant
// past the data budget (413 naming it), and a tenant at the maximum item size (written directly, as
// data from before the budget) can still be deactivated, activated and offboarded, with every event
// under 256 KB (large fields go by reference: `omittedFields`, fetch them with GET /tenants/{id}).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { handler as results } from '../../../lambda/tenant-registration/results';
import { handler as tenants } from '../../../lambda/tenant-management/api';
import { busEvent, caller, setUp, type Harness } from './harness';

let h: Harness;
const api = caller(tenants as never);
const db = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const EVENT_LIMIT = 256 * 1024;

beforeAll(async () => {
  h = await setUp('cp-item-size');
});
afterAll(() => h.bus.stop());

const put = (tenantId: string, body: unknown) =>
  api({ method: 'PUT', path: '/x', route: '/tenants/{tenantId}', pathParameters: { tenantId }, body });
const route = (method: string, tenantId: string, suffix = '') =>
  api({ method, path: '/x', route: `/tenants/{tenantId}${suffix}`, pathParameters: { tenantId } });

async function activeTenant(): Promise<{ tenantId: string; tenantRegistrationId: string }> {
  const created = (
    await api({
      method: 'POST',
      path: '/tenants',
      body: { tier: 'basic', tenantName: `big-${Math.random().toString(36).slice(2)}` },
    })
  ).body.data;
  await (results as (e: unknown) => Promise<unknown>)(
    busEvent('sbt_aws_provisionSuccess', { tenantRegistrationId: created.tenantRegistrationId, jobOutput: {} }),
  );
  return created;
}
const eventSizes = () =>
  h.bus.events.map((e) => Buffer.byteLength(String((e as { Detail?: string }).Detail ?? JSON.stringify(e.detail))));

test('ordinary PUTs stop at the tenant data budget with a 413 that names it', async () => {
  const { tenantId } = await activeTenant();
  const statuses: number[] = [];
  for (let i = 0; i < 8; i++) statuses.push((await put(tenantId, { [`blob${i}`]: 'z'.repeat(30000) })).status);
  expect(statuses.slice(0, 2)).toEqual([200, 200]);
  expect(statuses).toContain(413);
  const res = await put(tenantId, { another: 'z'.repeat(30000) });
  expect(res.status).toBe(413);
  expect(res.body.message).toMatch(/65536 bytes/);
  // the tenant is still usable
  expect((await route('PUT', tenantId, '/deactivate')).status).toBe(200);
});

test('a tenant at the maximum item size can be deactivated, activated and offboarded; events stay under 256 KB', async () => {
  const { tenantId } = await activeTenant();
  // Grow the item directly to the 400 KB limit (history included), as legacy data could be: the largest
  // big2 DynamoDB still accepts, to within 64 bytes — so any transition that appends history cannot fit.
  const grow = (n: number) =>
    db
      .send(
        new UpdateCommand({
          TableName: process.env.TENANT_TABLE_NAME!,
          Key: { tenantId },
          UpdateExpression: 'SET big1 = :a, big2 = :b',
          ExpressionAttributeValues: { ':a': 'a'.repeat(200 * 1024), ':b': 'b'.repeat(n) },
        }),
      )
      .then(
        () => true,
        () => false,
      );
  let lo = 150 * 1024;
  let hi = 220 * 1024;
  while (hi - lo > 64) {
    const mid = (lo + hi) >> 1;
    if (await grow(mid)) lo = mid;
    else hi = mid;
  }
  expect(await grow(lo)).toBe(true);
  h.bus.clear();
  for (const [method, suffix] of [
    ['PUT', '/deactivate'],
    ['PUT', '/activate'],
    ['PUT', '/deactivate'],
    ['DELETE', ''],
  ] as const) {
    const res = await route(method, tenantId, suffix);
    expect([suffix, res.status]).toEqual([suffix, 200]);
  }
  const item = (
    await db.send(
      new GetCommand({ TableName: process.env.TENANT_TABLE_NAME!, Key: { tenantId }, ConsistentRead: true }),
    )
  ).Item!;
  expect(item.lifecycleState).toBe('OFFBOARDING');
  expect(item.big1).toHaveLength(200 * 1024); // nothing of the tenant's data was lost
  const sizes = eventSizes();
  expect(sizes.length).toBeGreaterThanOrEqual(5);
  for (const s of sizes) expect(s).toBeLessThan(EVENT_LIMIT);
  const offboarding = h.bus.ofType('sbt_aws_offboardingRequest')[0];
  expect(offboarding.detail).toMatchObject({ tenantId, tier: 'basic' });
  expect((offboarding.detail as { omittedFields?: string[] }).omittedFields).toEqual(expect.arrayContaining(['big1']));
});
