// GET /tenant-config against DynamoDB Local, with the table created from the synthesized stack.
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../../../lambda/shared/aws-clients';
import { handler } from '../../../lambda/tenant-config/get';
import { ControlPlaneStack } from '../../../src/control-plane/control-plane-stack';
import { synthStack, testApp } from '../../support/synth';
import { createTablesFromSynth, uniquePrefix } from '../../../local/tables';
import { httpEvent } from '../../../local/http-event';

let tableName: string;

beforeAll(async () => {
  const json = synthStack(new ControlPlaneStack(testApp(), 'control-plane'));
  const tables = createTablesFromSynth(json, uniquePrefix('tenant-config'));
  const created = await tables;
  tableName = Object.entries(created).find(([logical]) => logical.includes('tenants'))![1];
  process.env.TENANT_TABLE_NAME = tableName;
  process.env.TENANT_CONFIG_INDEX_NAME = 'tenantConfigIndex';
  const config = JSON.stringify({ userPoolId: 'pool-1', appClientId: 'client-1', apiGatewayUrl: 'https://api' });
  await dynamo().send(
    new PutCommand({ TableName: tableName, Item: { tenantId: 't-1', tenantName: 'acme', tenantConfig: config } }),
  );
  await dynamo().send(
    new PutCommand({ TableName: tableName, Item: { tenantId: 't-2', tenantName: 'plain', tenantConfig: 'not-json' } }),
  );
  await dynamo().send(new PutCommand({ TableName: tableName, Item: { tenantId: 't-3', tenantName: 'noconfig' } }));
  // offboarded (SBT's soft delete: sbtaws_active false) — its config must not be served any more
  await dynamo().send(
    new PutCommand({
      TableName: tableName,
      Item: {
        tenantId: 't-4',
        tenantName: 'gone',
        tenantConfig: config,
        lifecycleState: 'OFFBOARDED',
        sbtaws_active: false,
      },
    }),
  );
});

test('an offboarded tenant is not served, by id, name, path or Origin: 404', async () => {
  const lookups: Parameters<typeof httpEvent>[0][] = [
    { path: '/tenant-config', query: { tenantId: 't-4' } },
    { path: '/tenant-config', query: { tenantName: 'gone' } },
    { path: '/tenant-config/gone', route: '/tenant-config/{tenantName}', pathParameters: { tenantName: 'gone' } },
    { path: '/tenant-config', headers: { origin: 'https://gone.app.example.com' } },
  ];
  for (const e of lookups) {
    expect(await call(e)).toEqual({
      status: 404,
      body: { message: 'No tenant details found for ' + (e.query?.tenantId ?? 'gone') },
    });
  }
});

const call = async (e: Parameters<typeof httpEvent>[0]) => {
  const res = (await handler(httpEvent(e))) as { statusCode: number; body: string };
  return { status: res.statusCode, body: JSON.parse(res.body) };
};

test('by tenantId, tenantName, path and Origin host all return the parsed config', async () => {
  const expected = { userPoolId: 'pool-1', appClientId: 'client-1', apiGatewayUrl: 'https://api' };
  expect(await call({ path: '/tenant-config', query: { tenantId: 't-1' } })).toEqual({ status: 200, body: expected });
  expect(await call({ path: '/tenant-config', query: { tenantName: 'acme' } })).toEqual({
    status: 200,
    body: expected,
  });
  expect(
    await call({
      path: '/tenant-config/acme',
      route: '/tenant-config/{tenantName}',
      pathParameters: { tenantName: 'acme' },
    }),
  ).toEqual({ status: 200, body: expected });
  expect(await call({ path: '/tenant-config', headers: { origin: 'https://acme.app.example.com' } })).toEqual({
    status: 200,
    body: expected,
  });
});

test('a config that is not JSON is returned as stored', async () => {
  expect(await call({ path: '/tenant-config', query: { tenantId: 't-2' } })).toEqual({ status: 200, body: 'not-json' });
});

test('unknown tenant and tenant without config → 404 naming the tenant', async () => {
  expect(await call({ path: '/tenant-config', query: { tenantId: 'nope' } })).toEqual({
    status: 404,
    body: { message: 'No tenant details found for nope' },
  });
  expect((await call({ path: '/tenant-config', query: { tenantName: 'noconfig' } })).status).toBe(404);
});

test('no selector, a bad Origin or an over-long name → 400 naming the field', async () => {
  const none = await call({ path: '/tenant-config' });
  expect(none.status).toBe(400);
  expect(none.body.message).toMatch(/tenantId/);
  const bad = await call({ path: '/tenant-config', headers: { origin: 'not a url' } });
  expect(bad).toEqual({ status: 400, body: { message: "Invalid header 'origin': not a URL" } });
  const long = await call({ path: '/tenant-config', query: { tenantName: 'x'.repeat(300) } });
  expect(long.status).toBe(400);
  expect(long.body.message).toMatch(/field 'tenantName'/);
});
