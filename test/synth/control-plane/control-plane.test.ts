// The synthesized control plane: the route × authorizer × scope table read from the Terraform JSON (no
// route without authorization except the documented public ones), the identity provider, tables, and
// the application-plane result wiring.
import { ControlPlaneStack, type ControlPlaneStackProps } from '../../../src/control-plane/control-plane-stack';
import { OidcAuth } from '../../../src/control-plane/auth/oidc-auth';
import { RESOURCE_SERVERS } from '../../../src/contracts/scopes';
import {
  expectOutputs,
  lambdaEnvironment,
  resourcesOf,
  restApiMethods,
  synthStack,
  testApp,
  type StackJson,
} from '../../support/synth';

// Billing and metering have their own synth suites; here they are off unless a test says otherwise.
const synth = (props: ControlPlaneStackProps = {}) =>
  synthStack(new ControlPlaneStack(testApp(), 'control-plane', { billing: false, metering: false, ...props }));

type Row = { route: string; auth: string; authorizer?: string; scopes: string[] };

/** route key → authorization, from aws_apigatewayv2_route + aws_apigatewayv2_authorizer. */
function routeTable(json: StackJson): Row[] {
  const authorizers = resourcesOf(json, 'aws_apigatewayv2_authorizer');
  const byRef = new Map(
    Object.keys(authorizers).map((k) => [`\${aws_apigatewayv2_authorizer.${k}.id}`, authorizers[k]]),
  );
  return Object.values(resourcesOf(json, 'aws_apigatewayv2_route'))
    .map((r) => {
      const authorizer = r.authorizer_id ? byRef.get(String(r.authorizer_id)) : undefined;
      return {
        route: String(r.route_key),
        auth: String(r.authorization_type),
        authorizer: authorizer ? String(authorizer.authorizer_type) : undefined,
        scopes: (r.authorization_scopes as string[] | undefined) ?? [],
      };
    })
    .sort((a, b) => a.route.localeCompare(b.route));
}

const R = 'tenant/tenant_read';
const W = 'tenant/tenant_write';
const UR = 'user/user_read';
const UW = 'user/user_write';
const BR = 'billing/billing_read';
const BW = 'billing/billing_write';
const MR = 'metering/metering_read';
const MW = 'metering/metering_write';
// The default stack carries the reference billing and metering providers; their routes are listed too.
const EXPECTED: [string, string | null][] = [
  ['DELETE /meters/{meterId}', MW],
  ['DELETE /tenant-registrations/{tenantRegistrationId}', W],
  ['DELETE /tenants/{tenantId}', W],
  ['DELETE /usage', MW],
  ['DELETE /users/{userId}', UW],
  ['GET /meters', MR],
  ['GET /meters/{meterId}', MR],
  ['GET /tenant-config', null],
  ['GET /tenant-config/{tenantName}', null],
  ['GET /tenant-registrations', R],
  ['GET /tenant-registrations/{tenantRegistrationId}', R],
  ['GET /tenants', R],
  ['GET /tenants/{tenantId}', R],
  ['GET /tenants/{tenantId}/billing', BR],
  ['GET /tenants/{tenantId}/billing/users/{userId}', BR],
  ['GET /usage/{meterId}', MR],
  ['GET /users', UR],
  ['GET /users/{userId}', UR],
  ['PATCH /tenant-registrations/{tenantRegistrationId}', W],
  ['POST /billing/webhook', null],
  ['POST /meters', MW],
  ['POST /tenant-registrations', W],
  ['POST /tenant-registrations/{tenantRegistrationId}/retry', W],
  ['POST /tenants', W],
  ['POST /tenants/{tenantId}/retry', W],
  ['POST /users', UW],
  ['PUT /meters/{meterId}', MW],
  ['PUT /tenants/{tenantId}', W],
  ['PUT /tenants/{tenantId}/activate', W],
  ['PUT /tenants/{tenantId}/billing/users/{userId}', BW],
  ['PUT /tenants/{tenantId}/deactivate', W],
  ['PUT /users/{userId}', UW],
  ['PUT /users/{userId}/disable', UW],
  ['PUT /users/{userId}/enable', UW],
];
// Public by design: the tenant-config lookup (before sign-in) and the billing vendor's webhook, which
// proves itself with an HMAC signature instead of a token.
/** The routes of the control plane alone (billing and metering off). */
const CORE = EXPECTED.filter(([route]) => !/billing|meters|usage/.test(route));
const PUBLIC = new Set(['GET /tenant-config', 'GET /tenant-config/{tenantName}', 'POST /billing/webhook']);

describe('default (CognitoAuth, public HTTP API)', () => {
  const json = synth();
  const table = routeTable(json);

  test('the route table: every route JWT-authorized with exactly one scope, except the documented public tenant-config lookups and the signed billing webhook', () => {
    const full = routeTable(synthStack(new ControlPlaneStack(testApp(), 'control-plane'))); // reference stack, providers on
    expect(full.map((r) => [r.route, r.auth === 'NONE' ? null : r.scopes[0]])).toEqual(EXPECTED);
    expect(table.map((r) => [r.route, r.auth === 'NONE' ? null : r.scopes[0]])).toEqual(CORE);
    for (const r of full) {
      if (PUBLIC.has(r.route)) {
        expect(r).toEqual({ route: r.route, auth: 'NONE', authorizer: undefined, scopes: [] });
      } else {
        expect(r.auth).toBe('JWT');
        expect(r.authorizer).toBe('JWT');
        expect(r.scopes).toHaveLength(1);
      }
    }
    // registration routes are scoped (SBT leaves them open) and enable/disable are routed (SBT #115)
    expect(full.filter((r) => r.route.includes('tenant-registrations')).every((r) => r.scopes.length === 1)).toBe(true);
  });

  test('the authorizer trusts the Cognito pool issuer and both clients', () => {
    const [authz] = Object.values(resourcesOf(json, 'aws_apigatewayv2_authorizer'));
    const cfg = authz.jwt_configuration as { issuer: string; audience: string[] };
    expect(cfg.issuer).toMatch(
      /^https:\/\/cognito-idp\.\$\{data\.aws_region\..+\.id\}\.amazonaws\.com\/\$\{aws_cognito_user_pool\..+\.id\}$/,
    ); // .id: hashicorp/aws 5.x and 6.x
    expect(cfg.audience).toHaveLength(2);
    expect(cfg.audience.every((a) => a.startsWith('${aws_cognito_user_pool_client.'))).toBe(true);
    expect(authz.identity_sources).toEqual(['$request.header.Authorization']);
  });

  test('Cognito: pool with role attribute, deletion protection from the input, pre-token trigger V2; resource servers incl. billing and metering', () => {
    const [pool] = Object.values(resourcesOf(json, 'aws_cognito_user_pool'));
    expect(pool.deletion_protection).toBe('${var.deletion_protection ? "ACTIVE" : "INACTIVE"}');
    expect(pool.user_pool_tier).toBe('ESSENTIALS');
    expect(
      (pool.lambda_config as { pre_token_generation_config: { lambda_version: string } }).pre_token_generation_config
        .lambda_version,
    ).toBe('V2_0');
    expect((pool.schema as { name: string }[]).map((s) => s.name)).toEqual(['email', 'userRole']);
    const servers = Object.values(resourcesOf(json, 'aws_cognito_resource_server'));
    expect(servers.map((s) => s.identifier).sort()).toEqual(Object.keys(RESOURCE_SERVERS).sort());
    expect(servers.map((s) => s.identifier)).toEqual(expect.arrayContaining(['billing', 'metering']));
    const clients = Object.values(resourcesOf(json, 'aws_cognito_user_pool_client'));
    const machine = clients.find((c) => c.generate_secret === true)!;
    expect(machine.allowed_oauth_flows).toEqual(['client_credentials']);
    expect(machine.allowed_oauth_scopes).toEqual([W.replace('write', 'read'), W]);
    const ui = clients.find((c) => c.generate_secret === false)!;
    expect(ui.allowed_oauth_flows).toEqual(['code']);
    expect(ui.explicit_auth_flows).toEqual(expect.arrayContaining(['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH']));
    expect(ui.allowed_oauth_scopes).toEqual(
      expect.arrayContaining([R, W, UR, UW, 'billing/billing_read', 'metering/metering_write']),
    );
    const [admin] = Object.values(resourcesOf(json, 'aws_cognito_user'));
    expect(admin).toMatchObject({
      username: '${var.system_admin_name}',
      attributes: { email: '${var.system_admin_email}', userRole: 'SystemAdmin' },
    });
    const roleScopes = JSON.parse(lambdaEnvironment(json, '-cognito-pre-token').ROLE_SCOPES!);
    expect(roleScopes.SystemAdmin).toEqual(expect.arrayContaining([R, W, UR, UW]));
    const perms = Object.values(resourcesOf(json, 'aws_lambda_permission')).filter(
      (p) => p.principal === 'cognito-idp.amazonaws.com',
    );
    expect(perms).toHaveLength(1);
  });

  test('tables: encrypted, PITR, deletion protection from the input, list GSIs (no Scan needed)', () => {
    const tables = Object.values(resourcesOf(json, 'aws_dynamodb_table'));
    expect(tables.map((t) => t.name).sort()).toEqual([
      '${var.name_prefix}-tenant-registrations',
      '${var.name_prefix}-tenants',
    ]);
    for (const t of tables) {
      expect(t.point_in_time_recovery).toEqual({ enabled: true });
      expect((t.server_side_encryption as { enabled: boolean }).enabled).toBe(true);
      expect(t.deletion_protection_enabled).toBe('${var.deletion_protection}');
      expect(t.billing_mode).toBe('PAY_PER_REQUEST');
      expect((t.global_secondary_index as { name: string }[]).map((g) => g.name)).toEqual(
        expect.arrayContaining([expect.stringMatching(/ListIndex$/)]),
      );
    }
    const docs = JSON.stringify(json.data?.aws_iam_policy_document ?? {});
    expect(docs).not.toContain('dynamodb:Scan');
  });

  test('application-plane results: one rule per result event → the results Lambda (no API destination)', () => {
    const rules = Object.values(resourcesOf(json, 'aws_cloudwatch_event_rule'));
    const patterns = rules.map((r) => JSON.parse(String(r.event_pattern)));
    for (const dt of [
      'sbt_aws_provisionSuccess',
      'sbt_aws_provisionFailure',
      'sbt_aws_deprovisionSuccess',
      'sbt_aws_deprovisionFailure',
    ]) {
      // both SBT eras: ≥ 0.9 and the pre-0.9 names (un-prefixed, applicationPlaneEventSource)
      expect(patterns).toContainEqual({
        source: ['sbt.application.plane', 'applicationPlaneEventSource'],
        'detail-type': [dt, dt.replace('sbt_aws_', '')],
      });
    }
    const targets = Object.values(resourcesOf(json, 'aws_cloudwatch_event_target'));
    expect(targets).toHaveLength(4);
    for (const t of targets) expect(String(t.arn)).toBe('${aws_lambda_function.tenant_registration_results.arn}');
    expect(resourcesOf(json, 'aws_cloudwatch_event_api_destination')).toEqual({});
    const invoke = Object.values(resourcesOf(json, 'aws_lambda_permission')).filter(
      (p) => p.principal === 'events.amazonaws.com',
    );
    expect(invoke).toHaveLength(4);
  });

  test('outputs for the tutorial and machine clients', () => {
    expectOutputs(json, [
      'api_url',
      'control_plane_api_endpoint',
      'user_pool_id',
      'user_client_id',
      'machine_client_id',
      'machine_client_secret',
      'token_endpoint',
      'jwt_issuer',
      'event_bus_arn',
    ]);
    expect(json.output!.machine_client_secret.sensitive).toBe(true);
    expect(json.variable!.system_admin_email.default).toBeUndefined();
  });

  test('user management: Cognito user store bound with admin actions on this pool only', () => {
    expect(lambdaEnvironment(json, '-user-management')).toMatchObject({
      USER_STORE: 'cognito',
    });
    const doc = Object.entries(json.data?.aws_iam_policy_document ?? {}).find(
      ([k]) => k === 'user_management_api_role',
    )![1];
    const cognito = (doc.statement as { actions: string[]; resources: string[] }[]).find((s) =>
      s.actions.includes('cognito-idp:AdminEnableUser'),
    )!;
    expect(cognito.resources).toEqual([expect.stringMatching(/^\$\{aws_cognito_user_pool\..+\.arn\}$/)]);
  });
});

test('tenant-config can be made private: then no route at all is public', () => {
  const table = routeTable(synth({ tenantConfigPublic: false }));
  expect(table.filter((r) => r.auth === 'NONE')).toEqual([]);
  expect(table.find((r) => r.route === 'GET /tenant-config')!.scopes).toEqual([R]);
});

test('OidcAuth: any issuer plugs in by configuration; users go to a DynamoDB user table', () => {
  const json = synth({
    auth: (s) =>
      new OidcAuth(s, 'auth', {
        issuer: 'https://acme.eu.auth0.com/',
        audience: ['https://api.acme.example'],
        scopes: { tenantRead: 'read:tenants', tenantWrite: 'write:tenants' },
      }),
  });
  const [authz] = Object.values(resourcesOf(json, 'aws_apigatewayv2_authorizer'));
  expect(authz.jwt_configuration).toEqual({
    issuer: 'https://acme.eu.auth0.com/',
    audience: ['https://api.acme.example'],
  });
  expect(resourcesOf(json, 'aws_cognito_user_pool')).toEqual({});
  const table = routeTable(json);
  expect(table.find((r) => r.route === 'POST /tenants')!.scopes).toEqual(['write:tenants']);
  expect(table.find((r) => r.route === 'GET /users')!.scopes).toEqual([UR]);
  expect(Object.values(resourcesOf(json, 'aws_dynamodb_table')).map((t) => t.name)).toContain(
    '${var.name_prefix}-users',
  );
  expect(Object.keys(json.output ?? {})).toContain('user_table_name');
});

test('private: a REST API with a PRIVATE endpoint, VPC-endpoint-only policy, and the same scopes on every method', () => {
  const json = synth({ private: { vpcEndpointIds: ['vpce-0123456789abcdef0'] } });
  expect(resourcesOf(json, 'aws_apigatewayv2_api')).toEqual({});
  const [rest] = Object.values(resourcesOf(json, 'aws_api_gateway_rest_api'));
  expect(rest.endpoint_configuration).toEqual({ types: ['PRIVATE'], vpc_endpoint_ids: ['vpce-0123456789abcdef0'] });
  const [policy] = Object.values(resourcesOf(json, 'aws_api_gateway_rest_api_policy'));
  expect(String(policy.policy)).toContain('aws:SourceVpce');
  expect(String(policy.policy)).toContain('vpce-0123456789abcdef0');
  const [authz] = Object.values(resourcesOf(json, 'aws_api_gateway_authorizer'));
  expect(authz.type).toBe('COGNITO_USER_POOLS');
  const methods = restApiMethods(json).sort((a, b) => a.route.localeCompare(b.route));
  expect(methods.map((m) => [m.route, m.authorization === 'NONE' ? null : m.scope])).toEqual(CORE);
  for (const m of methods) expect(m.authorization).toBe(PUBLIC.has(m.route) ? 'NONE' : 'COGNITO_USER_POOLS');
  const [deployment] = Object.values(resourcesOf(json, 'aws_api_gateway_deployment'));
  expect((deployment.depends_on as string[]).length).toBe(CORE.length * 2);
  expect(json.output!.api_url.value).toMatch(/aws_api_gateway_stage\..+\.invoke_url/);
});

test('private with an OIDC issuer: a Lambda token authorizer (CUSTOM) that knows every route scope', () => {
  const json = synth({
    private: { vpcEndpointIds: ['vpce-1'] },
    auth: (s) => new OidcAuth(s, 'auth', { issuer: 'https://idp.example.com/', audience: ['api'] }),
  });
  const [authz] = Object.values(resourcesOf(json, 'aws_api_gateway_authorizer'));
  expect(authz).toMatchObject({
    type: 'TOKEN',
    identity_source: 'method.request.header.Authorization',
    authorizer_result_ttl_in_seconds: 300,
  });
  const methods = Object.values(resourcesOf(json, 'aws_api_gateway_method'));
  for (const m of methods) expect(['CUSTOM', 'NONE']).toContain(m.authorization);
  expect(methods.filter((m) => m.authorization === 'NONE')).toHaveLength(2); // the tenant-config lookups
  const env = lambdaEnvironment(json, '-control-plane-authorizer');
  expect(env).toMatchObject({
    JWT_ISSUER: 'https://idp.example.com/',
    JWT_AUDIENCE: '["api"]',
    JWKS_URI: 'https://idp.example.com/.well-known/jwks.json',
  });
  const routeScopes = JSON.parse(env.ROUTE_SCOPES);
  expect(Object.entries(routeScopes).sort()).toEqual(
    CORE.filter(([, sc]) => sc)
      .map(([r, sc]) => [r, sc])
      .sort(),
  );
  const perm = Object.values(resourcesOf(json, 'aws_lambda_permission')).find((p) =>
    String(p.source_arn).endsWith('/authorizers/*'),
  );
  expect(perm).toBeDefined();
});

test('custom domain: regional TLS 1.2 domain mapped to the $default stage; api_url uses it', () => {
  const json = synth({
    controlPlane: {
      api: {
        domain: {
          domainName: 'api.saas.example.com',
          certificateArn: 'arn:aws:acm:us-east-1:111122223333:certificate/abc',
          disableExecuteApiEndpoint: true,
        },
      },
    },
  });
  const [domain] = Object.values(resourcesOf(json, 'aws_apigatewayv2_domain_name'));
  expect(domain).toMatchObject({
    domain_name: 'api.saas.example.com',
    domain_name_configuration: { endpoint_type: 'REGIONAL', security_policy: 'TLS_1_2' },
  });
  expect(Object.values(resourcesOf(json, 'aws_apigatewayv2_api_mapping'))).toHaveLength(1);
  expect(Object.values(resourcesOf(json, 'aws_apigatewayv2_api'))[0].disable_execute_api_endpoint).toBe(true);
  expect(json.output!.api_url.value).toMatch(/^https:\/\/\$\{aws_apigatewayv2_domain_name\..+\.domain_name\}$/);
  expect(Object.keys(json.output!)).toContain('api_domain_target');
});
