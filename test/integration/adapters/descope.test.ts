/**
 * DescopeAuth as the control plane's IAuth (ControlPlaneStack, synthesized), against a loopback Descope
 * speaking Descope's management wire shapes and serving its project's OIDC discovery and JWKS
 * (test/support/vendor-fakes/descope-fake.ts):
 *  - the synthesized JWT authorizer trusts exactly the project's tokens (issuer discovered → JWKS);
 *  - /users, along the synthesized routes with their scopes, manages the project's users through the
 *    real user-management handler (USER_STORE=descope), events included;
 *  - the admin user is created on apply by the synthesized aws_lambda_invocation's function.
 */
import { JwtRsaVerifier } from 'aws-jwt-verify';
import { DescopeAuth } from '../../../src/adapters/descope';
import { SCOPES } from '../../../src/contracts/scopes';
import { EventBridgeCapture } from '../../../local/eventbridge-capture';
import type { SynthHarness } from '../../../local/synth-harness';
import { synthesizedAuthorizer } from '../../support/http-api-authorizer';
import { resourcesOf, type synthStack } from '../../support/synth';
import { DescopeFake } from '../../support/vendor-fakes/descope-fake';
import { scopedApi } from '../../support/scoped-api';
import type { SecretsManagerFake } from '../billing/secrets-fake';
import { namePrefixOf, vendorControlPlane } from './vendor-control-plane';

const KEY_ARN = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:descope-management-key';
const RW = [SCOPES.userRead, SCOPES.userWrite];
let descope: DescopeFake;
let secrets: SecretsManagerFake;
let bus: EventBridgeCapture;
let h: SynthHarness;
let json: ReturnType<typeof synthStack>;
const api = scopedApi(() => h, RW);

beforeAll(async () => {
  descope = await new DescopeFake('P2test', 'mgmt-key').start();
  bus = await new EventBridgeCapture().start();
  ({ json, h, secrets } = await vendorControlPlane(
    'descope',
    {
      billing: false,
      metering: false,
      auth: (s) =>
        new DescopeAuth(s, 'auth', {
          namePrefix: namePrefixOf(s),
          projectId: 'P2test',
          baseUrl: descope.url,
          managementKeySecretArn: KEY_ARN,
        }),
    },
    () => ({ [KEY_ARN]: 'mgmt-key\n' }),
    { 'var.system_admin_email': 'admin@example.com' },
  ));
});
afterAll(async () => {
  await descope.stop();
  await secrets.stop();
  await bus.stop();
});

test("the synthesized authorizer accepts the project's tokens and nothing else (issuer → discovery → JWKS)", async () => {
  const cfg = synthesizedAuthorizer(json, (e) => h.resolve(`\${${e}}`));
  expect(cfg).toMatchObject({ issuer: descope.issuer, audience: ['P2test'] });
  // What API Gateway does with the issuer: the discovery document names the JWKS.
  const discovery = (await (await fetch(`${cfg.issuer}/.well-known/openid-configuration`)).json()) as {
    issuer: string;
    jwks_uri: string;
  };
  expect(discovery.issuer).toBe(cfg.issuer);
  const verifier = JwtRsaVerifier.create({ issuer: cfg.issuer, audience: cfg.audience, jwksUri: discovery.jwks_uri });
  verifier.cacheJwks((await (await fetch(discovery.jwks_uri)).json()) as Parameters<typeof verifier.cacheJwks>[0]);
  await expect(verifier.verify(descope.token({ scope: 'user/user_read' }))).resolves.toMatchObject({
    aud: ['P2test'],
    scope: 'user/user_read',
  });
  await expect(verifier.verify(descope.token({ aud: ['P2other'] }))).rejects.toThrow();
  await expect(verifier.verify(descope.token({ iss: 'https://api.descope.com/P2other' }))).rejects.toThrow();
});

test('/users manages the Descope project: create (invited), list with pagination, update, disable/enable, delete', async () => {
  const created = await api.post('/users', { userName: 'alice', email: 'alice@example.com', userRole: 'TenantAdmin' });
  expect(created).toMatchObject({
    status: 201,
    body: {
      data: {
        userName: 'alice',
        email: 'alice@example.com',
        userRole: 'TenantAdmin',
        status: 'INVITED',
        enabled: true,
      },
    },
  });
  expect(descope.users.get('alice')).toMatchObject({
    email: 'alice@example.com',
    roleNames: ['TenantAdmin'],
    status: 'invited',
  });
  expect(descope.calls.find((c) => c.path === '/v1/mgmt/user/create')!.headers.authorization).toBe(
    'Bearer P2test:mgmt-key',
  );
  expect(bus.ofType('sbt_aws_tenantUserCreated').map((e) => e.detail)).toEqual([
    { userName: 'alice', email: 'alice@example.com', userRole: 'TenantAdmin' },
  ]);

  const dup = await api.post('/users', { userName: 'alice', email: 'a@example.com', userRole: 'x' });
  expect(dup.status).toBe(409);
  await api.post('/users', { userName: 'bob', email: 'bob@example.com', userRole: 'TenantUser' });
  await api.post('/users', { userName: 'carol', email: 'carol@example.com', userRole: 'TenantUser' });

  const p1 = await api.get('/users', { limit: '2', next_token: '' });
  expect(p1.body.data.map((u: { userName: string }) => u.userName)).toEqual(['alice', 'bob']);
  const p2 = await api.get('/users', { limit: '2', next_token: p1.body.next_token });
  expect(p2.body.data.map((u: { userName: string }) => u.userName)).toEqual(['carol']);
  expect(p2.body.next_token).toBeUndefined();
  expect((await api.get('/users', { limit: '3', next_token: p1.body.next_token })).status).toBe(400);

  // Descope's update replaces the user: the adapter sends what it has, so nothing else is lost.
  descope.users.get('alice')!.name = 'Alice A.';
  const upd = await api.put('/users/alice', { userRole: 'SystemAdmin' });
  expect(upd.body.data).toMatchObject({ userName: 'alice', userRole: 'SystemAdmin', email: 'alice@example.com' });
  expect(descope.users.get('alice')).toMatchObject({
    name: 'Alice A.',
    email: 'alice@example.com',
    roleNames: ['SystemAdmin'],
  });

  expect((await api.put('/users/alice/disable')).body.data).toMatchObject({
    enabled: false,
    status: 'DISABLED',
  });
  expect(descope.users.get('alice')!.status).toBe('disabled');
  expect((await api.put('/users/alice/enable')).body.data).toMatchObject({
    enabled: true,
  });
  expect((await api.get('/users/nobody')).status).toBe(404);
  expect((await api.put('/users/nobody/disable')).status).toBe(404);

  expect((await api.delete('/users/bob')).status).toBe(200);
  expect(descope.users.has('bob')).toBe(false);
  expect((await api.delete('/users/bob')).status).toBe(404);
  expect((await h.request({ method: 'GET', path: '/users', scopes: [SCOPES.tenantRead] })).status).toBe(403);
});

test('Descope refusing a value is the caller’s 400; Descope down or our key refused is a 502, never a 500', async () => {
  const bad = await api.post('/users', { userName: 'dave', email: 'dave@x', userRole: 'TenantUser' });
  expect(bad.status).toBe(400);
  expect(bad.body.message).toContain('Descope refused it: invalid email');
  descope.failNext = 1;
  expect(await api.get('/users/alice')).toEqual({
    status: 502,
    body: { message: 'Descope error' },
  });
  await secrets.withSecret(KEY_ARN, 'wrong', async () => {
    expect((await api.get('/users')).status).toBe(502);
  });
});

test('the system admin is created on apply by the synthesized invocation (idempotent)', async () => {
  const [inv] = Object.values(resourcesOf(json, 'aws_lambda_invocation'));
  expect(inv).toBeDefined();
  const fn = h.functionNamed('-descope-admin-user');
  expect(String(inv!.function_name)).toContain(`aws_lambda_function.${fn}.function_name`);
  expect(String(inv!.input)).toContain('jsonencode');
  const input = { userName: 'admin', email: 'admin@example.com', userRole: 'SystemAdmin' };
  expect(await h.invoke(fn, input)).toEqual({ userName: 'admin', created: true });
  expect(descope.users.get('admin')).toMatchObject({
    email: 'admin@example.com',
    roleNames: ['SystemAdmin'],
    status: 'invited',
  });
  expect(await h.invoke(fn, input)).toEqual({ userName: 'admin', created: false });
});
