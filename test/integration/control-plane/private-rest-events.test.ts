// The private option serves the same handlers from a REST API: proxy events v1 (httpMethod + resource,
// Cognito authorizer claims). Prove the handlers route, authorize-log and answer them unchanged.
import { handler as tenants } from '../../../lambda/tenant-management/api';
import { handler as users } from '../../../lambda/user-management/api';
import { setUp, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await setUp('cp-rest', { private: { vpcEndpointIds: ['vpce-1'] } });
  process.env.USER_STORE = 'dynamodb';
  process.env.USER_TABLE_NAME = 'does-not-matter';
});
afterAll(() => h.bus.stop());

function restEvent(method: string, resource: string, o: { pathParameters?: Record<string, string>; body?: unknown; query?: Record<string, string> } = {}) {
  return {
    resource,
    path: resource,
    httpMethod: method,
    headers: { 'content-type': 'application/json' },
    queryStringParameters: o.query ?? null,
    pathParameters: o.pathParameters ?? null,
    body: o.body === undefined ? null : JSON.stringify(o.body),
    isBase64Encoded: false,
    requestContext: { resourcePath: resource, httpMethod: method, authorizer: { claims: { 'cognito:username': 'admin', scope: 'tenant/tenant_write' } } },
  };
}

test('REST proxy events reach the same routes', async () => {
  const created = (await tenants(restEvent('POST', '/tenants', { body: { tenantName: `rest${Date.now()}`, tier: 'basic' } }) as never)) as { statusCode: number; body: string };
  expect(created.statusCode).toBe(201);
  const tenant = JSON.parse(created.body).data;
  expect(tenant.lifecycleHistory[0].reason).toBe('POST /tenants by admin');
  const got = (await tenants(restEvent('GET', '/tenants/{tenantId}', { pathParameters: { tenantId: tenant.tenantId } }) as never)) as { statusCode: number; body: string };
  expect(got.statusCode).toBe(200);
  const listed = (await tenants(restEvent('GET', '/tenants', { query: { limit: '1' } }) as never)) as { statusCode: number; body: string };
  expect(JSON.parse(listed.body).data).toHaveLength(1);
  const bad = (await users(restEvent('POST', '/users', { body: { userName: 'x' } }) as never)) as { statusCode: number; body: string };
  expect(bad.statusCode).toBe(400);
  expect(JSON.parse(bad.body).message).toMatch(/field 'email'/);
});
