/**
 * Seed 000's tutorial code compiles and synthesizes against us with only import paths changed (issue 12;
 * the files and the exact edits: test/fixtures/seed-000-tutorial/README.md), plus the seed's other
 * snippets: ScriptJob props with `PolicyDocument.fromJson`, an IBilling object with `ingestor`, and an
 * auth plug-in written against SBT's IAuth members.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ts from 'typescript';
import type { App } from '../../src/core/cdktf';
import * as sbt from '../../src';
import { PolicyDocument, Stack } from '../../src/sbt-compat';
import { resourcesOf, synthStack, testApp, type StackJson } from '../support/synth';

const FIXTURE = join(__dirname, '../fixtures/seed-000-tutorial');

test('the tutorial files type-check with the TypeScript compiler (strict)', () => {
  const config = ts.readConfigFile(join(__dirname, '../../tsconfig.json'), ts.sys.readFile).config;
  const { options } = ts.parseJsonConfigFileContent(config, ts.sys, join(__dirname, '../..'));
  const files = ['lib/control-plane.ts', 'lib/application-plane.ts', 'lib/app-plane.ts', 'bin/hello-cdk.ts'].map((f) =>
    join(FIXTURE, f),
  );
  const program = ts.createProgram(files, { ...options, noEmit: true, incremental: false, tsBuildInfoFile: undefined });
  const diagnostics = ts
    .getPreEmitDiagnostics(program)
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  expect(diagnostics).toEqual([]);
}, 120_000);

describe('the tutorial app synthesizes', () => {
  let cp: StackJson;
  let ap: StackJson;
  let app: App;
  let apiUrl: string;
  beforeAll(() => {
    // bin/hello-cdk.ts as the seed writes it (its App, its stacks), synthesized as `cdktf synth` would.
    const out = mkdtempSync(join(tmpdir(), 'seed-000-'));
    process.env.CDKTF_OUTDIR = out;
    try {
      jest.isolateModules(() => {
        const bin =
          require('../fixtures/seed-000-tutorial/bin/hello-cdk') as typeof import('../fixtures/seed-000-tutorial/bin/hello-cdk');
        app = bin.app;
        apiUrl = bin.controlPlaneStack.regApiGatewayUrl;
        bin.app.synth();
      });
      const read = (stack: string) =>
        JSON.parse(readFileSync(join(out, 'stacks', stack, 'cdk.tf.json'), 'utf8')) as StackJson;
      cp = read('ControlPlaneStack');
      ap = read('AppPlaneStack');
    } finally {
      delete process.env.CDKTF_OUTDIR;
      rmSync(out, { recursive: true, force: true });
    }
  });

  test('ControlPlaneStack: name_prefix from the stack name, controlPlaneAPIGatewayUrl with a trailing slash, advanced security off', () => {
    expect(cp.variable?.name_prefix).toMatchObject({ default: 'control-plane-stack' });
    expect(apiUrl).toMatch(/\/$/);
    const pool = Object.values(resourcesOf(cp, 'aws_cognito_user_pool'))[0]!;
    expect(pool).toMatchObject({
      name: '${var.name_prefix}-control-plane',
      user_pool_tier: 'ESSENTIALS',
      user_pool_add_ons: { advanced_security_mode: 'OFF' },
    });
    expect(Object.keys(resourcesOf(cp, 'aws_apigatewayv2_route')).length).toBeGreaterThan(10);
    expect(Object.keys(resourcesOf(cp, 'aws_cloudwatch_event_bus'))).toHaveLength(1);
  });

  test('setAPIGWScopes: false is reported as a synth warning (scopes stay)', () => {
    const warnings = (app.node.findAll().flatMap((c) => c.node.metadata) as { type: string; data: unknown }[]).filter(
      (m) => m.type === '@cdktf/warn',
    );
    expect(JSON.stringify(warnings)).toContain('setAPIGWScopes: false is not applied');
    const routes = Object.values(resourcesOf(cp, 'aws_apigatewayv2_route')).filter(
      (r) => r.authorization_type === 'JWT',
    );
    expect(routes.every((r) => (r.authorization_scopes as string[]).length === 1)).toBe(true);
  });

  test("AppPlaneStack: the provisioning job with the PolicyDocument's statements, triggered by a rule on the control plane's bus (both eras)", () => {
    const project = Object.values(resourcesOf(ap, 'aws_codebuild_project'))[0]!;
    expect(project.name).toBe('${var.name_prefix}-provisioning-job-script');
    const statements = Object.values(ap.data?.aws_iam_policy_document ?? {}).flatMap(
      (d) => (d.statement as { actions: string[]; resources: string[] }[]) ?? [],
    );
    expect(statements).toContainEqual(
      expect.objectContaining({
        actions: ['cloudformation:CreateStack', 'cloudformation:DescribeStacks', 's3:CreateBucket'],
        resources: ['*'],
      }),
    );
    const rule = Object.values(resourcesOf(ap, 'aws_cloudwatch_event_rule'))[0]!;
    expect(JSON.parse(String(rule.event_pattern))).toEqual({
      source: ['sbt.control.plane', 'controlPlaneEventSource'],
      'detail-type': ['sbt_aws_onboardingRequest', 'onboardingRequest'],
    });
    // the bus ARN crosses stacks through Terraform remote state, as cdktf wires cross-stack references
    expect(String(rule.event_bus_name)).toContain('terraform_remote_state');
    expect(ap.data?.terraform_remote_state).toBeDefined();
  });
});

test('ScriptJob props as the seed writes them: PolicyDocument.fromJson permissions', () => {
  const stack = new Stack(testApp(), 'AppPlaneStack');
  const eventManager = new sbt.EventManager(stack, 'events', { busName: 'bus' });
  const scriptJobProps: sbt.TenantLifecycleScriptJobProps = {
    permissions: PolicyDocument.fromJson({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: ['cloudformation:CreateStack', 's3:CreateBucket'], Resource: '*' }],
    }),
    script: 'echo "tenantId: $tenantId"',
    environmentStringVariablesFromIncomingEvent: ['tenantId', 'tier'],
    environmentVariablesToOutgoingEvent: ['tenantS3Bucket', 'someOtherVariable', 'tenantConfig'],
    scriptEnvironmentVariables: { TEST: 'test' },
    eventManager: eventManager,
  };
  const job = new sbt.ProvisioningScriptJob(stack, 'provisioningJobScript', scriptJobProps);
  new sbt.CoreApplicationPlane(stack, 'CoreApplicationPlane', { eventManager, scriptJobs: [job] });
  const json = synthStack(stack);
  const statements = Object.values(json.data?.aws_iam_policy_document ?? {}).flatMap(
    (d) => (d.statement as { actions: string[] }[]) ?? [],
  );
  expect(statements).toContainEqual(
    expect.objectContaining({ actions: ['cloudformation:CreateStack', 's3:CreateBucket'] }),
  );
  expect(() => PolicyDocument.fromJson({ Statement: [{ Effect: 'Allow', NotAction: 'x' } as never] })).toThrow(
    /NotAction/,
  );
});

test('IBilling as the seed writes it (with ingestor) is accepted; its ingestor name becomes output dataIngestorName', () => {
  const stack = new Stack(testApp(), 'ControlPlaneStack');
  const fn = (id: string) =>
    new sbt.LambdaFunction(stack, id, { archive: 'billing-create-customer', functionName: `seed-${id}` });
  const billing: sbt.IBilling = {
    createCustomerFunction: { handler: fn('create') },
    deleteCustomerFunction: { handler: fn('delete') },
    ingestor: { dataIngestorName: 'seed-billing-ingestor' },
  };
  new sbt.ControlPlane(stack, 'ControlPlane', {
    systemAdminEmail: 'a@example.com',
    billing,
    disableAPILogging: true,
    apiCorsConfig: { allowOrigins: ['https://admin.example.com'], maxAge: { toSeconds: () => 600 } },
  });
  const json = synthStack(stack);
  expect(Object.values(json.output ?? {}).map((o) => o.value)).toContain('seed-billing-ingestor');
  const api = Object.values(resourcesOf(json, 'aws_apigatewayv2_api'))[0]!;
  expect(api.cors_configuration).toMatchObject({ allow_origins: ['https://admin.example.com'], max_age: 600 });
  expect(resourcesOf(json, 'aws_apigatewayv2_stage')).toBeDefined();
  expect(Object.keys(resourcesOf(json, 'aws_cloudwatch_log_group')).filter((k) => k.includes('access'))).toEqual([]);
});

/** An auth plug-in written against SBT's IAuth (the members seed 000 lists), e.g. an external IdP. */
class SbtStyleAuth implements sbt.IAuth {
  readonly jwtIssuer = 'https://auth.example.com/';
  readonly jwtAudience = ['sbt-client'];
  readonly tokenEndpoint = 'https://auth.example.com/oauth2/token';
  readonly userClientId = 'user-client';
  readonly machineClientId = 'machine-client';
  readonly machineClientSecret = 'secret';
  readonly machineClientAudience = 'sbt-api';
  readonly fetchTenantRegistrationScope = 'sbt:tenant.read';
  readonly fetchAllTenantRegistrationsScope = 'sbt:tenant.read';
  readonly deleteTenantRegistrationScope = 'sbt:tenant.write';
  readonly createTenantRegistrationScope = 'sbt:tenant.write';
  readonly updateTenantRegistrationScope = 'sbt:tenant.write';
  readonly activateTenantRegistrationScope = 'sbt:tenant.write';
  readonly deactivateTenantRegistrationScope = 'sbt:tenant.write';
  readonly fetchUserScope = 'sbt:user.read';
  readonly fetchAllUsersScope = 'sbt:user.read';
  readonly deleteUserScope = 'sbt:user.write';
  readonly createUserScope = 'sbt:user.write';
  readonly updateUserScope = 'sbt:user.write';
  readonly disableUserScope = 'sbt:user.write';
  readonly enableUserScope = 'sbt:user.write';
  readonly wellKnownEndpointUrl = 'https://auth.example.com/.well-known/openid-configuration';
  readonly createUserFunction: sbt.LambdaFunction;
  readonly fetchAllUsersFunction: sbt.LambdaFunction;
  readonly fetchUserFunction: sbt.LambdaFunction;
  readonly updateUserFunction: sbt.LambdaFunction;
  readonly deleteUserFunction: sbt.LambdaFunction;
  readonly disableUserFunction: sbt.LambdaFunction;
  readonly enableUserFunction: sbt.LambdaFunction;
  readonly admins: sbt.CreateAdminUserProps[] = [];
  constructor(stack: sbt.SbtStack) {
    const users = new sbt.LambdaFunction(stack, 'idp-users', {
      archive: 'user-management-api',
      functionName: 'idp-users',
    });
    this.createUserFunction = this.fetchAllUsersFunction = this.fetchUserFunction = this.updateUserFunction = users;
    this.deleteUserFunction = this.disableUserFunction = this.enableUserFunction = users;
  }
  createAdminUser(_scope: unknown, _id: string, props: sbt.CreateAdminUserProps): void {
    this.admins.push(props);
  }
}

test('an SBT-style auth plug-in implements our IAuth: its scopes guard the routes, its user functions back /users', () => {
  const stack = new Stack(testApp(), 'ControlPlaneStack');
  const auth = new SbtStyleAuth(stack);
  new sbt.ControlPlane(stack, 'ControlPlane', { auth, systemAdminEmail: 'a@example.com' });
  expect(auth.admins).toEqual([{ name: 'admin', email: 'a@example.com', role: 'SystemAdmin' }]);
  const json = synthStack(stack);
  const routes = Object.values(resourcesOf(json, 'aws_apigatewayv2_route'));
  const scopeOf = (key: string) => routes.find((r) => r.route_key === key)?.authorization_scopes;
  expect(scopeOf('GET /tenant-registrations')).toEqual(['sbt:tenant.read']);
  expect(scopeOf('POST /tenant-registrations')).toEqual(['sbt:tenant.write']);
  expect(scopeOf('GET /users')).toEqual(['sbt:user.read']);
  expect(scopeOf('PUT /users/{userId}/disable')).toEqual(['sbt:user.write']);
  const authorizer = Object.values(resourcesOf(json, 'aws_apigatewayv2_authorizer'))[0]!;
  expect(authorizer.jwt_configuration).toMatchObject({ issuer: 'https://auth.example.com/', audience: ['sbt-client'] });
  const integrations = Object.values(resourcesOf(json, 'aws_apigatewayv2_integration')).map((i) =>
    String(i.integration_uri),
  );
  expect(integrations.some((u) => /idp[-_]users/.test(u))).toBe(true);
});

test('SBT-only props: EventManager eventBus adopts a bus; ScriptJob source/projectProps compile and are reported, not silently dropped', () => {
  const app = testApp();
  const stack = new Stack(app, 'AppPlaneStack');
  const arn = 'arn:aws:events:us-east-1:123456789012:event-bus/sbt';
  const eventManager = new sbt.EventManager(stack, 'events', { eventBus: { eventBusArn: arn } });
  expect(eventManager.busArn).toBe(arn);
  const other = new Stack(testApp(), 'OtherStack');
  new sbt.EventManager(other, 'both', { eventBus: { eventBusArn: arn }, eventBusArn: arn });
  expect(() => synthStack(other)).toThrow(/not both/);
  const job = new sbt.ProvisioningScriptJob(stack, 'job', {
    script: 'echo hi',
    eventManager,
    source: { type: 'GITHUB' },
    projectProps: { timeout: 5 },
  });
  const warnings = job.node.metadata.filter((m) => m.type === '@cdktf/warn').map((m) => String(m.data));
  expect(warnings).toEqual([
    expect.stringContaining('source (an SBT CDK prop) is not applied'),
    expect.stringContaining('projectProps (an SBT CDK prop) is not applied'),
  ]);
  expect(Object.keys(resourcesOf(synthStack(stack), 'aws_cloudwatch_event_bus'))).toEqual([]);
});
