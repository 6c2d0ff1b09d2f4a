/**
 * The three vendor adapters plug into the control plane: a ControlPlaneStack with DescopeAuth,
 * MoesifBilling and AmberfloMetering synthesizes, each member lands on its SBT route or rule (scopes
 * included), secrets and least privileges are what the handlers need, and terraform validates the
 * synthesized configuration (offline, from the provider mirror; one skip line without terraform).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AmberfloMetering } from '../../src/adapters/amberflo';
import { DescopeAuth } from '../../src/adapters/descope';
import { MoesifBilling } from '../../src/adapters/moesif';
import { ControlPlaneStack } from '../../src/control-plane/control-plane-stack';
import type { SbtStack } from '../../src/core/sbt-stack';
import { resourcesOf, synthStack, testApp } from '../support/synth';
import { initAndValidate, terraformCli } from '../support/terraform-cli';
import { needsTool } from '../support/tools';

type Res = Record<string, unknown>;

function build(opts: { descopeKeyArn?: string } = {}) {
  return new ControlPlaneStack(testApp(), 'control-plane', {
    systemAdminEmail: 'admin@example.com',
    auth: (s) =>
      new DescopeAuth(s, 'auth', {
        namePrefix: (s as SbtStack).namePrefix,
        projectId: 'P2abc',
        managementKeySecretArn: opts.descopeKeyArn,
      }),
    billing: (s) => new MoesifBilling(s, 'moesif', { namePrefix: (s as SbtStack).namePrefix }),
    metering: (s) =>
      new AmberfloMetering(s, 'amberflo', {
        namePrefix: (s as SbtStack).namePrefix,
        productPlanIdsByTier: { premium: 'pp-1' },
      }),
  });
}

const json = synthStack(build({ descopeKeyArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:descope-key' }));
const fns = resourcesOf(json, 'aws_lambda_function');
const fnNamed = (suffix: string) => Object.entries(fns).find(([, f]) => String(f.function_name).endsWith(suffix));
const routes = Object.values(resourcesOf(json, 'aws_apigatewayv2_route'));
const integrationFn = (r: Res) => {
  const integ = /integrations\/\$\{aws_apigatewayv2_integration\.([^.]+)\.id\}/.exec(String(r.target))![1]!;
  return /aws_lambda_function\.([^.]+)\./.exec(
    String(resourcesOf(json, 'aws_apigatewayv2_integration')[integ]!.integration_uri),
  )![1];
};
const routeTo = (key: string) => routes.find((r) => r.route_key === key);

test('DescopeAuth: the authorizer trusts the project (issuer, audience); /users is backed by Descope with the key readable', () => {
  const [authorizer] = Object.values(resourcesOf(json, 'aws_apigatewayv2_authorizer'));
  expect(authorizer!.jwt_configuration).toEqual({ issuer: 'https://api.descope.com/P2abc', audience: ['P2abc'] });
  expect(resourcesOf(json, 'aws_cognito_user_pool')).toEqual({});
  const [usersFn, f] = fnNamed('-user-management')!;
  expect((f.environment as { variables: Res }).variables).toMatchObject({
    USER_STORE: 'descope',
    DESCOPE_BASE_URL: 'https://api.descope.com',
    DESCOPE_PROJECT_ID: 'P2abc',
    DESCOPE_MANAGEMENT_KEY_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:descope-key',
  });
  expect(integrationFn(routeTo('POST /users')!)).toBe(usersFn);
  expect(routeTo('POST /users')!.authorization_scopes).toEqual(['user/user_write']);
  const usersPolicy = (json.data as Record<string, Record<string, unknown>>).aws_iam_policy_document![
    `${usersFn}_role`
  ];
  expect(JSON.stringify(usersPolicy)).toContain('secret:descope-key');
  expect(Object.keys(resourcesOf(json, 'aws_lambda_invocation'))).toHaveLength(1);
});

test('without a management key secret the admin is not created on apply, and synth says so', () => {
  const stack = build();
  const out = synthStack(stack);
  expect(resourcesOf(out, 'aws_lambda_invocation')).toEqual({});
  const warnings = stack.node
    .findAll()
    .flatMap((c) => c.node.metadata.filter((m) => m.type === '@cdktf/warn').map((m) => String(m.data)));
  expect(warnings.join('\n')).toMatch(/system admin is not created on apply/);
  expect(
    Object.keys(resourcesOf(out, 'aws_secretsmanager_secret')).some(
      (k) => k.includes('management-key') || k.includes('management_key'),
    ),
  ).toBe(true);
});

test('AmberfloMetering: every SBT metering route on the one API function with its scope; events on their rules', () => {
  const [apiFn] = fnNamed('-amberflo-api')!;
  const expected: [string, string][] = [
    ['POST /meters', 'metering/metering_write'],
    ['GET /meters', 'metering/metering_read'],
    ['GET /meters/{meterId}', 'metering/metering_read'],
    ['PUT /meters/{meterId}', 'metering/metering_write'],
    ['DELETE /meters/{meterId}', 'metering/metering_write'],
    ['GET /usage/{meterId}', 'metering/metering_read'],
    ['DELETE /usage', 'metering/metering_write'],
  ];
  for (const [key, scope] of expected) {
    expect({ key, fn: integrationFn(routeTo(key)!), scopes: routeTo(key)!.authorization_scopes }).toEqual({
      key,
      fn: apiFn,
      scopes: [scope],
    });
  }
  const rules = resourcesOf(json, 'aws_cloudwatch_event_rule');
  const targets = Object.values(resourcesOf(json, 'aws_cloudwatch_event_target'));
  const ruleOf = (fnSuffix: string) => {
    const [logical] = fnNamed(fnSuffix)!;
    const t = targets.find((x) => String(x.arn).includes(`aws_lambda_function.${logical}.`))!;
    const rule = /aws_cloudwatch_event_rule\.([^.]+)\./.exec(String(t.rule))![1]!;
    return JSON.parse(String(rules[rule]!.event_pattern)) as { 'detail-type': string[] };
  };
  expect(ruleOf('-amberflo-ingest-usage')['detail-type']).toEqual(
    expect.arrayContaining(['sbt_aws_ingestUsage', 'ingestUsage']),
  );
  expect(ruleOf('-amberflo-update-customer')['detail-type']).toEqual(expect.arrayContaining(['sbt_aws_tenantUpdated']));
  expect((fnNamed('-amberflo-create-customer')![1].environment as { variables: Res }).variables).toMatchObject({
    AMBERFLO_OPERATION: 'createCustomer',
    AMBERFLO_BASE_URL: 'https://app.amberflo.io',
    AMBERFLO_PLAN_IDS: '{"premium":"pp-1"}',
  });
});

test('MoesifBilling: billing routes, webhook, lifecycle rules and the usage ingestor', () => {
  const [apiFn] = fnNamed('-moesif-api')!;
  for (const key of [
    'GET /tenants/{tenantId}/billing',
    'GET /tenants/{tenantId}/billing/users/{userId}',
    'PUT /tenants/{tenantId}/billing/users/{userId}',
  ]) {
    expect(integrationFn(routeTo(key)!)).toBe(apiFn);
  }
  expect(routeTo('POST /billing/moesif')!.authorization_type).toBe('NONE');
  expect(fnNamed('-moesif-usage')).toBeDefined();
  const ingestor = Object.entries(json.output ?? {}).find(([k]) => k.includes('dataIngestorName'));
  expect(ingestor![1]).toMatchObject({
    value: `\${aws_lambda_function.${fnNamed('-moesif-usage')![0]}.function_name}`,
  });
  expect((fnNamed('-moesif-delete-customer')![1].environment as { variables: Res }).variables).toMatchObject({
    MOESIF_DELETE_COMPANY: 'false',
    MOESIF_MANAGEMENT_BASE_URL: 'https://api.moesif.com/v1',
  });
});

test('bad adapter props fail at synth with the prop named', () => {
  expect(() => new DescopeAuth(testApp(), 'a', { namePrefix: 'x', projectId: 'P2 bad' })).toThrow(/projectId/);
  expect(() => new AmberfloMetering(testApp(), 'a', { namePrefix: 'x', baseUrl: 'app.amberflo.io' })).toThrow(
    /baseUrl/,
  );
  expect(() => new MoesifBilling(testApp(), 'a', { namePrefix: 'x', collectorApiBaseUrl: 'nope' })).toThrow(
    /collectorApiBaseUrl/,
  );
});

const cli = terraformCli();
needsTool(
  'terraform',
  typeof cli === 'string' ? undefined : 'terraform',
  `adapter synth validation (${typeof cli === 'string' ? cli : ''})`,
  'terraform ≥ 1.11 on PATH + the hashicorp/aws filesystem mirror',
).describe('terraform', () => {
  test('terraform validates the control plane with all three adapters', () => {
    if (typeof cli === 'string') return;
    const dir = mkdtempSync(join(tmpdir(), 'sbt-adapters-'));
    try {
      writeFileSync(join(dir, 'cdk.tf.json'), JSON.stringify(json));
      const r = initAndValidate(cli, dir);
      expect(r.output).toBe('');
      expect(r.ok).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
