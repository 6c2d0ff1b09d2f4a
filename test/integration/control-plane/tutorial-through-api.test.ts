// The SBT tutorial's curl sequence through the *synthesized* API: routes, JWT authorization and scopes
// are read from the Terraform JSON (route → integration → function archive → handler), the admin's access
// token carries what Cognito would put in it (InitiateAuth's base scope + what our pre-token trigger adds
// for the synthesized admin's role), and the handlers run against DynamoDB Local.
import type { handler as preToken } from '../../../lambda/user-management/pre-token';
import { handler as tenantConfig } from '../../../lambda/tenant-config/get';
import { handler as tenants } from '../../../lambda/tenant-management/api';
import { handler as registrations } from '../../../lambda/tenant-registration/api';
import { handler as results } from '../../../lambda/tenant-registration/results';
import { handler as users } from '../../../lambda/user-management/api';
import { httpEvent } from '../../../local/http-event';
import type { HttpEvent } from '../../../lambda/shared/http';
import { resourcesOf } from '../../support/synth';
import { busEvent, setUp, type Harness } from './harness';

const HANDLERS: Record<string, (e: HttpEvent) => Promise<unknown>> = {
  'tenant-management-api': tenants,
  'tenant-registration-api': registrations,
  'user-management-api': users,
  'tenant-config-get': tenantConfig,
};

let h: Harness;
type Route = {
  method: string;
  pattern: RegExp;
  params: string[];
  routeKey: string;
  auth: string;
  scopes: string[];
  archive: string;
};
let routes: Route[];

beforeAll(async () => {
  h = await setUp('cp-tutorial');
  process.env.TENANT_CONFIG_INDEX_NAME = 'tenantConfigIndex';
  const integrations = resourcesOf(h.json, 'aws_apigatewayv2_integration');
  const functions = resourcesOf(h.json, 'aws_lambda_function');
  routes = Object.values(resourcesOf(h.json, 'aws_apigatewayv2_route')).map((r) => {
    const integ = integrations[/integrations\/\$\{aws_apigatewayv2_integration\.(.+)\.id\}/.exec(String(r.target))![1]];
    const fn = functions[/\$\{aws_lambda_function\.(.+)\.invoke_arn\}/.exec(String(integ.integration_uri))![1]];
    const [method, path] = String(r.route_key).split(' ');
    const params = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
    return {
      method,
      routeKey: String(r.route_key),
      pattern: new RegExp(`^${path.replace(/\{\w+\}/g, '([^/]+)')}$`),
      params,
      auth: String(r.authorization_type),
      scopes: (r.authorization_scopes as string[]) ?? [],
      archive: /([a-z0-9-]+)\.zip$/.exec(String(fn.filename))![1],
    };
  });
});
afterAll(() => h.bus.stop());

/** What API Gateway does: match the route, check the JWT's scopes against the route's, invoke the handler. */
async function gateway(method: string, url: string, token: Record<string, unknown> | undefined, body?: unknown) {
  const [path, qs] = url.split('?');
  const route = routes.find((r) => r.method === method && r.pattern.test(path));
  if (!route) return { status: 404, body: { message: 'Not Found' } };
  if (route.auth === 'JWT') {
    if (!token) return { status: 401, body: { message: 'Unauthorized' } };
    const granted = String(token.scope ?? '').split(' ');
    if (!route.scopes.some((s) => granted.includes(s))) return { status: 403, body: { message: 'Forbidden' } };
  }
  const values = route.pattern.exec(path)!.slice(1);
  const event = httpEvent({
    method,
    path,
    route: route.routeKey.split(' ')[1],
    pathParameters: route.params.length
      ? Object.fromEntries(route.params.map((p, i) => [p, decodeURIComponent(values[i])]))
      : undefined,
    query: qs ? Object.fromEntries(new URLSearchParams(qs)) : undefined,
    body,
    claims: route.auth === 'JWT' ? token : undefined,
  });
  const res = (await HANDLERS[route.archive](event)) as { statusCode: number; body?: string };
  return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : undefined };
}

/** The access token InitiateAuth(USER_PASSWORD_AUTH) returns for a user with `role`, after our trigger. */
async function accessTokenFor(role: string | undefined) {
  const fn = Object.values(resourcesOf(h.json, 'aws_lambda_function')).find((f) =>
    String(f.function_name).endsWith('-cognito-pre-token'),
  )!;
  process.env.ROLE_SCOPES = (fn.environment as { variables: { ROLE_SCOPES: string } }).variables.ROLE_SCOPES;
  let trigger!: typeof preToken;
  jest.isolateModules(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    trigger = require('../../../lambda/user-management/pre-token').handler;
  });
  const base = ['aws.cognito.signin.user.admin'];
  const out = await trigger({
    request: { userAttributes: role ? { 'custom:userRole': role } : {}, scopes: base },
    response: { claimsAndScopeOverrideDetails: null },
  } as Parameters<typeof preToken>[0]);
  const added = out.response.claimsAndScopeOverrideDetails?.accessTokenGeneration?.scopesToAdd ?? [];
  return {
    sub: 'admin-sub',
    username: 'admin',
    client_id: 'user-client',
    token_use: 'access',
    scope: [...base, ...added].join(' '),
  };
}

test('tutorial: the synthesized admin signs in, creates a tenant, lists it; provisioning closes the loop; tenant-config answers', async () => {
  const [admin] = Object.values(resourcesOf(h.json, 'aws_cognito_user'));
  const token = await accessTokenFor((admin.attributes as Record<string, string>).userRole);
  const TENANT_NAME = `tenant${Math.floor(Math.random() * 32768)}${Date.now()}`;
  const DATA = { tenantName: TENANT_NAME, email: 'tenant@example.com', tier: 'basic', tenantStatus: 'In progress' };

  const created = await gateway('POST', '/tenants', token, DATA);
  expect(created.status).toBe(201);
  const listed = await gateway('GET', '/tenants', token);
  expect(listed.status).toBe(200);
  const mine = listed.body.data.find((t: { tenantName: string }) => t.tenantName === TENANT_NAME);
  expect(mine).toMatchObject({ ...DATA, lifecycleState: 'PROVISIONING' });

  // the application plane's ProvisioningScriptJob reports the tutorial script's exports
  const [req] = h.bus.ofType('sbt_aws_onboardingRequest').filter((e) => e.detail.tenantName === TENANT_NAME);
  await results(
    busEvent('sbt_aws_provisionSuccess', {
      tenantRegistrationId: req.detail.tenantRegistrationId,
      jobOutput: {
        tenantData: {
          tenantS3Bucket: 'bucket-1',
          someOtherVariable: 'this is a test',
          tenantConfig:
            '{"userPoolId":"MY_SAAS_APP_USERPOOL_ID","appClientId":"MY_SAAS_APP_CLIENT_ID","apiGatewayUrl":"MY_API_GATEWAY_URL"}',
          tenantStatus: 'created',
        },
        tenantRegistrationData: {},
      },
    }),
  );
  const after = await gateway('GET', `/tenants/${mine.tenantId}`, token);
  expect(after.body.data).toMatchObject({
    tenantStatus: 'created',
    tenantS3Bucket: 'bucket-1',
    lifecycleState: 'ACTIVE',
  });
  const config = await gateway('GET', `/tenant-config/${TENANT_NAME}`, undefined);
  expect(config).toEqual({
    status: 200,
    body: {
      userPoolId: 'MY_SAAS_APP_USERPOOL_ID',
      appClientId: 'MY_SAAS_APP_CLIENT_ID',
      apiGatewayUrl: 'MY_API_GATEWAY_URL',
    },
  });
});

test('without the trigger (plain InitiateAuth token) or without a role, scoped routes refuse: that is why the trigger exists', async () => {
  const plain = { sub: 's', scope: 'aws.cognito.signin.user.admin' };
  expect((await gateway('POST', '/tenants', plain, { tenantName: 'x' })).status).toBe(403);
  expect((await gateway('GET', '/tenants', await accessTokenFor(undefined))).status).toBe(403);
  expect((await gateway('GET', '/tenants', undefined)).status).toBe(401);
  expect((await gateway('POST', '/tenant-registrations', plain, {})).status).toBe(403); // scoped, unlike SBT
});

test('a machine client (tenant scopes only) manages tenants but not users', async () => {
  const machine = { sub: 'svc', client_id: 'machine', scope: 'tenant/tenant_read tenant/tenant_write' };
  expect((await gateway('GET', '/tenant-registrations', machine)).status).toBe(200);
  expect((await gateway('GET', '/users', machine)).status).toBe(403);
  expect((await gateway('PUT', '/users/admin/disable', machine)).status).toBe(403);
});
