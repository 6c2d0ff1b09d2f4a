// The private option serves the same handlers from a REST API: proxy events v1 (httpMethod + resource,
// Cognito authorizer claims). Prove the handlers route, authorize-log and answer them unchanged.
import { handler as tenants } from '../../../lambda/tenant-management/api';
import { handler as users } from '../../../lambda/user-management/api';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { HttpEvent } from '../../../lambda/shared/http';
import { setUp, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await setUp('cp-rest', { private: { vpcEndpointIds: ['vpce-1'] } });
  process.env.USER_STORE = 'dynamodb';
  process.env.USER_TABLE_NAME = 'does-not-matter';
});
afterAll(() => h.bus.stop());

/** A REST API (v1) proxy event with Cognito authorizer claims, typed as API Gateway sends it. */
function restEvent(
  method: string,
  resource: string,
  o: { pathParameters?: Record<string, string>; body?: unknown; query?: Record<string, string> } = {},
): HttpEvent {
  const event: APIGatewayProxyEvent = {
    resource,
    path: resource,
    httpMethod: method,
    headers: { 'content-type': 'application/json' },
    multiValueHeaders: {},
    queryStringParameters: o.query ?? null,
    multiValueQueryStringParameters: null,
    pathParameters: o.pathParameters ?? null,
    stageVariables: null,
    body: o.body === undefined ? null : JSON.stringify(o.body),
    isBase64Encoded: false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'private',
      authorizer: { claims: { 'cognito:username': 'admin', scope: 'tenant/tenant_write' } },
      protocol: 'HTTP/1.1',
      httpMethod: method,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: '10.0.0.1',
        user: null,
        userAgent: 'jest',
        userArn: null,
      },
      path: resource,
      stage: 'prod',
      requestId: 'req',
      requestTimeEpoch: 0,
      resourceId: 'r',
      resourcePath: resource,
    },
  };
  // The handlers are typed for HTTP API v2 events; they read a REST v1 event's httpMethod/resource and
  // authorizer claims through routeOf/actor (lambda/tenant-management/domain/runtime.ts) — what this test proves.
  return event as unknown as HttpEvent;
}

test('REST proxy events reach the same routes', async () => {
  const created = (await tenants(
    restEvent('POST', '/tenants', { body: { tenantName: `rest${Date.now()}`, tier: 'basic' } }),
  )) as { statusCode: number; body: string };
  expect(created.statusCode).toBe(201);
  const tenant = JSON.parse(created.body).data;
  expect(tenant.lifecycleHistory[0].reason).toBe('POST /tenants by admin');
  const got = (await tenants(
    restEvent('GET', '/tenants/{tenantId}', { pathParameters: { tenantId: tenant.tenantId } }),
  )) as { statusCode: number; body: string };
  expect(got.statusCode).toBe(200);
  const listed = (await tenants(restEvent('GET', '/tenants', { query: { limit: '1' } }))) as {
    statusCode: number;
    body: string;
  };
  expect(JSON.parse(listed.body).data).toHaveLength(1);
  const bad = (await users(restEvent('POST', '/users', { body: { userName: 'x' } }))) as {
    statusCode: number;
    body: string;
  };
  expect(bad.statusCode).toBe(400);
  expect(JSON.parse(bad.body).message).toMatch(/field 'email'/);
});
