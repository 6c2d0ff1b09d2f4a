// Tenants and registrations through the real handlers against DynamoDB Local, events captured from the
// bus client: onboarding (tutorial and registration paths), results, failures + retry, updates,
// (de)activation, offboarding, pagination and every client-error class.
import { handler as registrations } from '../../../lambda/tenant-registration/api';
import { handler as results } from '../../../lambda/tenant-registration/results';
import { handler as tenantConfig } from '../../../lambda/tenant-config/get';
import { handler as tenants } from '../../../lambda/tenant-management/api';
import { busEvent, caller, listAll, setUp, type Harness } from './harness';

let h: Harness;
const tenantsApi = caller(tenants);
const registrationsApi = caller(registrations);
const configApi = caller(tenantConfig);

beforeAll(async () => {
  h = await setUp('cp-lifecycle');
  process.env.TENANT_CONFIG_INDEX_NAME = 'tenantConfigIndex';
});
afterAll(() => h.bus.stop());
beforeEach(() => h.bus.clear());

const name = () => `tenant${Math.floor(Math.random() * 1e9)}`;
const types = () => h.bus.events.map((e) => e.DetailType);

/** What the SBT ProvisioningScriptJob puts on the bus when the tutorial's script finishes. */
const tutorialExports = (tenantRegistrationId: string) => ({
  tenantRegistrationId,
  jobOutput: {
    tenantData: {
      tenantS3Bucket: 'tenanttemplatestack-bucket',
      someOtherVariable: 'this is a test',
      tenantConfig: JSON.stringify({
        userPoolId: 'MY_SAAS_APP_USERPOOL_ID',
        appClientId: 'MY_SAAS_APP_CLIENT_ID',
        apiGatewayUrl: 'MY_API_GATEWAY_URL',
      }),
      tenantStatus: 'created',
    },
    tenantRegistrationData: { registrationStatus: 'created' },
  },
});

test('the SBT tutorial: POST /tenants onboards, GET /tenants lists it, provisionSuccess exports land, tenant-config answers', async () => {
  const tenantName = name();
  const created = await tenantsApi({
    method: 'POST',
    path: '/tenants',
    body: { tenantName, email: 'tenant@example.com', tier: 'basic', tenantStatus: 'In progress' },
  });
  expect(created.status).toBe(201);
  const tenant = created.body.data;
  expect(tenant).toMatchObject({
    tenantName,
    email: 'tenant@example.com',
    tier: 'basic',
    tenantStatus: 'In progress',
    sbtaws_active: true,
    lifecycleState: 'PROVISIONING',
  });
  expect(tenant.lifecycleHistory.map((r: { to: string }) => r.to)).toEqual(['REGISTERED', 'PROVISIONING']);

  // same path as a registration: a registration exists and onboardingRequest carries SBT's payload
  const reg = await registrationsApi({
    method: 'GET',
    path: `/tenant-registrations/${tenant.tenantRegistrationId}`,
    route: '/tenant-registrations/{tenantRegistrationId}',
    pathParameters: { tenantRegistrationId: tenant.tenantRegistrationId },
  });
  expect(reg.body.data).toMatchObject({ tenantId: tenant.tenantId, lifecycleState: 'PROVISIONING' });
  const [onboarding] = h.bus.ofType('sbt_aws_onboardingRequest');
  expect(onboarding.Source).toBe('sbt.control.plane');
  expect(onboarding.EventBusName).toBe('sbt-events');
  expect(onboarding.detail).toMatchObject({
    tenantId: tenant.tenantId,
    tenantRegistrationId: tenant.tenantRegistrationId,
    tenantName,
    tier: 'basic',
    email: 'tenant@example.com',
  });
  expect(onboarding.detail).not.toHaveProperty('lifecycleHistory');

  const list = await tenantsApi({ method: 'GET', path: '/tenants', query: { limit: '100' } });
  expect(list.status).toBe(200);
  expect(list.body.data.map((t: { tenantId: string }) => t.tenantId)).toContain(tenant.tenantId);

  h.bus.clear();
  expect(await results(busEvent('sbt_aws_provisionSuccess', tutorialExports(tenant.tenantRegistrationId)))).toEqual({
    outcome: 'applied',
  });
  const after = (
    await tenantsApi({
      method: 'GET',
      path: `/tenants/${tenant.tenantId}`,
      route: '/tenants/{tenantId}',
      pathParameters: { tenantId: tenant.tenantId },
    })
  ).body.data;
  expect(after).toMatchObject({
    lifecycleState: 'ACTIVE',
    tenantStatus: 'created',
    tenantS3Bucket: 'tenanttemplatestack-bucket',
    someOtherVariable: 'this is a test',
  });
  const updated = h.bus.ofType('sbt_aws_tenantUpdated');
  expect(updated).toHaveLength(1);
  expect(updated[0].detail.changedFields).toEqual(
    expect.arrayContaining(['lifecycleState', 'tenantStatus', 'tenantConfig', 'tenantS3Bucket']),
  );
  expect((updated[0].detail.changes as Record<string, unknown>).lifecycleState).toBe('ACTIVE');
  expect((updated[0].detail.previous as Record<string, unknown>).tenantStatus).toBe('In progress');
  const regAfter = await registrationsApi({
    method: 'GET',
    path: '/x',
    route: '/tenant-registrations/{tenantRegistrationId}',
    pathParameters: { tenantRegistrationId: tenant.tenantRegistrationId },
  });
  expect(regAfter.body.data).toMatchObject({ registrationStatus: 'created', lifecycleState: 'ACTIVE' });

  expect(await configApi({ method: 'GET', path: '/tenant-config', query: { tenantName } })).toEqual({
    status: 200,
    body: {
      userPoolId: 'MY_SAAS_APP_USERPOOL_ID',
      appClientId: 'MY_SAAS_APP_CLIENT_ID',
      apiGatewayUrl: 'MY_API_GATEWAY_URL',
    },
  });

  // a duplicate delivery (EventBridge is at-least-once) changes nothing and emits nothing
  h.bus.clear();
  expect(await results(busEvent('sbt_aws_provisionSuccess', tutorialExports(tenant.tenantRegistrationId)))).toEqual({
    outcome: 'duplicate',
  });
  expect(h.bus.events).toHaveLength(0);
});

async function register(extra: Record<string, unknown> = {}) {
  const res = await registrationsApi({
    method: 'POST',
    path: '/tenant-registrations',
    body: {
      tenantData: { tenantName: name(), tier: 'premium', ...extra },
      tenantRegistrationData: { registrationStatus: 'In progress' },
    },
  });
  expect(res.status).toBe(201);
  expect(res.body.data.message).toBe('Tenant registration initiated');
  return res.body.data as { tenantRegistrationId: string; tenantId: string };
}
const getTenant = async (tenantId: string) =>
  (await tenantsApi({ method: 'GET', path: '/x', route: '/tenants/{tenantId}', pathParameters: { tenantId } })).body
    .data;
const regRoute = (method: string, id: string, suffix = '', body?: unknown) =>
  registrationsApi({
    method,
    path: '/x',
    route: `/tenant-registrations/{tenantRegistrationId}${suffix}`,
    pathParameters: { tenantRegistrationId: id },
    body,
  });
const tenantRoute = (method: string, id: string, suffix = '', body?: unknown) =>
  tenantsApi({ method, path: '/x', route: `/tenants/{tenantId}${suffix}`, pathParameters: { tenantId: id }, body });

test('a provisioning failure is persisted with the job error, then retried to ACTIVE', async () => {
  const { tenantRegistrationId, tenantId } = await register();
  h.bus.clear();
  const failure = {
    tenantRegistrationId,
    jobOutput: { tenantStatus: 'Failed to provision tenant.' },
    error: 'States.TaskFailed',
    cause: 'Build failed: CodeBuild phase BUILD exited with 1',
  };
  expect(await results(busEvent('sbt_aws_provisionFailure', failure))).toEqual({ outcome: 'applied' });
  let t = await getTenant(tenantId);
  expect(t.lifecycleState).toBe('PROVISION_FAILED');
  expect(t.tenantStatus).toBe('Failed to provision tenant.'); // SBT drops this payload entirely
  expect(t.lastError).toMatchObject({
    error: 'States.TaskFailed',
    cause: failure.cause,
    jobOutput: failure.jobOutput,
    event: 'provisionFailed',
  });
  expect(t.lifecycleHistory.at(-1)).toMatchObject({
    from: 'PROVISIONING',
    to: 'PROVISION_FAILED',
    error: { error: 'States.TaskFailed' },
  });
  expect(h.bus.ofType('sbt_aws_tenantUpdated')[0].detail.changedFields).toEqual(
    expect.arrayContaining(['lifecycleState', 'lastError']),
  );

  h.bus.clear();
  const retried = await regRoute('POST', tenantRegistrationId, '/retry');
  expect(retried.status).toBe(202);
  expect(retried.body.data.lifecycleState).toBe('PROVISIONING');
  expect(types()).toEqual(['sbt_aws_onboardingRequest', 'sbt_aws_tenantUpdated']);
  expect(h.bus.ofType('sbt_aws_onboardingRequest')[0].detail).toMatchObject({
    tenantId,
    tenantRegistrationId,
    tier: 'premium',
  });

  await results(
    busEvent('sbt_aws_provisionSuccess', {
      tenantRegistrationId,
      jobOutput: { tenantData: { tenantStatus: 'created' }, tenantRegistrationData: {} },
    }),
  );
  t = await getTenant(tenantId);
  expect(t.lifecycleState).toBe('ACTIVE');
  expect(t.lastError).toBeUndefined();
  expect(t.lifecycleHistory.map((r: { to: string }) => r.to)).toEqual([
    'REGISTERED',
    'PROVISIONING',
    'PROVISION_FAILED',
    'PROVISIONING',
    'ACTIVE',
  ]);
  for (const r of t.lifecycleHistory) expect(typeof r.at === 'string' && typeof r.reason === 'string').toBe(true);

  // nothing left to retry → 409
  expect((await regRoute('POST', tenantRegistrationId, '/retry')).status).toBe(409);
});

test('a bus that refuses onboardingRequest leaves a visible PROVISION_FAILED tenant (503), and retry recovers', async () => {
  h.bus.failNext(1);
  const res = await tenantsApi({ method: 'POST', path: '/tenants', body: { tenantName: name(), tier: 'basic' } });
  expect(res.status).toBe(503);
  expect(res.body.data.lifecycleState).toBe('PROVISION_FAILED');
  expect(res.body.data.lastError).toMatchObject({ error: 'EventDeliveryFailed' });
  const retried = await tenantRoute('POST', res.body.data.tenantId, '/retry');
  expect(retried.status).toBe(202);
  expect(retried.body.data.lifecycleState).toBe('PROVISIONING');
});

test('PUT /tenants/{id} merges a partial body and emits tenantUpdated with exactly the changed fields', async () => {
  const { tenantId } = await register({ email: 'a@example.com' });
  h.bus.clear();
  const res = await tenantRoute('PUT', tenantId, '', { tier: 'basic', email: 'a@example.com', plan: { seats: 5 } });
  expect(res.status).toBe(200);
  expect(res.body.data).toMatchObject({ tier: 'basic', email: 'a@example.com', plan: { seats: 5 }, tenantId });
  const [ev] = h.bus.ofType('sbt_aws_tenantUpdated');
  expect(ev.detail).toMatchObject({
    tenantId,
    changedFields: ['tier', 'plan'],
    changes: { tier: 'basic', plan: { seats: 5 } },
    previous: { tier: 'premium', plan: null },
  });
  // the same body again changes nothing → no event
  h.bus.clear();
  expect((await tenantRoute('PUT', tenantId, '', { tier: 'basic' })).status).toBe(200);
  expect(h.bus.events).toHaveLength(0);
  // SBT-style PATCH on the registration updates both and emits for the tenant part
  const { tenantRegistrationId } = (await getTenant(tenantId)) as { tenantRegistrationId: string };
  const patched = await regRoute('PATCH', tenantRegistrationId, '', {
    tenantData: { tier: 'gold' },
    tenantRegistrationData: { note: 'upgraded' },
  });
  expect(patched.status).toBe(200);
  expect(patched.body.data).toMatchObject({
    tenant: { tier: 'gold' },
    tenantRegistration: { note: 'upgraded' },
    message: 'Tenant registration updated successfully',
  });
  expect(h.bus.ofType('sbt_aws_tenantUpdated').at(-1)!.detail.changedFields).toEqual(['tier']);
});

test('deactivate / activate: ACTIVE ⇄ DEACTIVATED with request events; illegal repeats are 409', async () => {
  const { tenantRegistrationId, tenantId } = await register();
  // not yet ACTIVE → 409 naming the state
  const early = await tenantRoute('PUT', tenantId, '/deactivate');
  expect(early.status).toBe(409);
  expect(early.body.message).toMatch(/PROVISIONING/);
  await results(
    busEvent('sbt_aws_provisionSuccess', {
      tenantRegistrationId,
      jobOutput: { tenantData: {}, tenantRegistrationData: {} },
    }),
  );
  h.bus.clear();
  const off = await tenantRoute('PUT', tenantId, '/deactivate');
  expect(off.status).toBe(200);
  expect(off.body.data.lifecycleState).toBe('DEACTIVATED');
  expect(off.body.data.sbtaws_active).toBe(true);
  expect(types()).toEqual(['sbt_aws_deactivateRequest', 'sbt_aws_tenantUpdated']);
  expect(h.bus.ofType('sbt_aws_tenantUpdated')[0].detail).toMatchObject({
    changedFields: ['lifecycleState'],
    changes: { lifecycleState: 'DEACTIVATED' },
    previous: { lifecycleState: 'ACTIVE' },
  });
  const again = await tenantRoute('PUT', tenantId, '/deactivate');
  expect(again.status).toBe(409);
  expect(again.body).toMatchObject({ lifecycleState: 'DEACTIVATED', allowed: ['activate', 'offboard'] });
  h.bus.clear();
  const on = await tenantRoute('PUT', tenantId, '/activate');
  expect(on.status).toBe(200);
  expect(on.body.data.lifecycleState).toBe('ACTIVE');
  expect(types()).toEqual(['sbt_aws_activateRequest', 'sbt_aws_tenantUpdated']);
});

test('offboarding: DELETE registration → OFFBOARDING + offboardingRequest; deprovision failure, retry, success → OFFBOARDED (soft delete)', async () => {
  const { tenantRegistrationId, tenantId } = await register();
  await results(
    busEvent('sbt_aws_provisionSuccess', {
      tenantRegistrationId,
      jobOutput: { tenantData: { tenantStatus: 'created' }, tenantRegistrationData: {} },
    }),
  );
  h.bus.clear();
  const del = await regRoute('DELETE', tenantRegistrationId);
  expect(del.status).toBe(200);
  expect(del.body.data).toMatchObject({
    message: 'Tenant registration deletion initiated',
    lifecycleState: 'OFFBOARDING',
  });
  const [off] = h.bus.ofType('sbt_aws_offboardingRequest');
  expect(off.detail).toMatchObject({ tenantId, tenantRegistrationId, sbtaws_active: false, tenantStatus: 'created' });
  // Already offboarding: a repeated DELETE is 200 as in SBT (idempotent), and emits nothing new.
  const again = await regRoute('DELETE', tenantRegistrationId);
  expect(again.status).toBe(200);
  expect(again.body.data.lifecycleState).toBe('OFFBOARDING');
  expect(h.bus.ofType('sbt_aws_offboardingRequest')).toHaveLength(1);

  await results(
    busEvent('sbt_aws_deprovisionFailure', {
      tenantRegistrationId,
      jobOutput: { tenantStatus: 'Failed to deprovision tenant.' },
      error: 'States.Timeout',
    }),
  );
  expect((await getTenant(tenantId)).lifecycleState).toBe('DEPROVISION_FAILED');
  h.bus.clear();
  expect((await regRoute('POST', tenantRegistrationId, '/retry')).status).toBe(202);
  expect(types()).toEqual(['sbt_aws_offboardingRequest', 'sbt_aws_tenantUpdated']);
  await results(
    busEvent('sbt_aws_deprovisionSuccess', {
      tenantRegistrationId,
      jobOutput: { tenantData: { tenantStatus: 'deleted' }, tenantRegistrationData: { registrationStatus: 'deleted' } },
    }),
  );
  const t = await getTenant(tenantId);
  expect(t).toMatchObject({ lifecycleState: 'OFFBOARDED', sbtaws_active: false, tenantStatus: 'deleted' });
  // soft delete: still readable; but final
  expect((await tenantRoute('PUT', tenantId, '/activate')).status).toBe(409);
  const upd = await tenantRoute('PUT', tenantId, '', { tier: 'x' });
  expect(upd.status).toBe(409);
  expect(upd.body.message).toMatch(/OFFBOARDED/);
});

test('DELETE /tenants/{id} is the same offboarding (SBT soft delete)', async () => {
  const { tenantRegistrationId, tenantId } = await register();
  await results(busEvent('sbt_aws_provisionSuccess', { tenantRegistrationId, jobOutput: {} }));
  h.bus.clear();
  const res = await tenantRoute('DELETE', tenantId);
  expect(res.status).toBe(200);
  expect(res.body.data).toMatchObject({ sbtaws_active: false, lifecycleState: 'OFFBOARDING' });
  expect(types()).toContain('sbt_aws_offboardingRequest');
});

test('lists page with next_token over the GSI (Query), every tenant exactly once', async () => {
  const seen = (await listAll<{ tenantId: string }>(tenantsApi, '/tenants', 2)).map((t) => t.tenantId);
  expect(new Set(seen).size).toBe(seen.length);
  expect(seen.length).toBeGreaterThanOrEqual(6);
  expect(seen.some((id) => id.startsWith('TENANT_NAME#'))).toBe(false);
  const regs = await registrationsApi({ method: 'GET', path: '/tenant-registrations', query: { limit: '3' } });
  expect(regs.body.data).toHaveLength(3);
  expect(regs.body.next_token).toEqual(expect.any(String));
});

test('client errors: 400 naming the field, 404 for unknown ids, 409 for conflicts — never 5xx', async () => {
  const bad = async (p: Promise<{ status: number; body: { message: string } }>, status: number, field?: RegExp) => {
    const r = await p;
    expect(r.status).toBe(status);
    if (field) expect(r.body.message).toMatch(field);
  };
  await bad(tenantsApi({ method: 'POST', path: '/tenants', body: '{not json' }), 400, /not valid JSON/);
  await bad(tenantsApi({ method: 'POST', path: '/tenants', body: [1, 2] }), 400, /field 'body'/);
  await bad(tenantsApi({ method: 'POST', path: '/tenants', body: { tenantName: 42 } }), 400, /field 'tenantName'/);
  await bad(tenantsApi({ method: 'POST', path: '/tenants', body: { email: 'nope' } }), 400, /field 'email'/);
  await bad(
    tenantsApi({ method: 'POST', path: '/tenants', body: { lifecycleState: 'ACTIVE' } }),
    400,
    /field 'lifecycleState'.*managed/,
  );
  await bad(
    tenantsApi({ method: 'POST', path: '/tenants', body: JSON.parse('{"big": 12345678901234567890}') }),
    400,
    /field 'big'/,
  );
  await bad(tenantsApi({ method: 'POST', path: '/tenants', body: { blob: 'x'.repeat(70000) } }), 413, /field 'body'/);
  await bad(
    registrationsApi({ method: 'POST', path: '/tenant-registrations', body: { tenantData: 'x' } }),
    400,
    /field 'tenantData'/,
  );
  await bad(
    registrationsApi({ method: 'POST', path: '/tenant-registrations', body: { tenantData: { tier: ['a'] } } }),
    400,
    /field 'tenantData.tier'/,
  );
  await bad(tenantsApi({ method: 'GET', path: '/tenants', query: { limit: '0' } }), 400, /field 'limit'/);
  await bad(tenantsApi({ method: 'GET', path: '/tenants', query: { limit: 'ten' } }), 400, /field 'limit'/);
  await bad(
    tenantsApi({ method: 'GET', path: '/tenants', query: { next_token: 'garbage!' } }),
    400,
    /field 'next_token'/,
  );
  const forged = Buffer.from(JSON.stringify({ listPartition: 'TENANT', createdAt: 5, tenantId: {} })).toString(
    'base64url',
  );
  await bad(tenantsApi({ method: 'GET', path: '/tenants', query: { next_token: forged } }), 400, /field 'next_token'/);
  const regToken = (await registrationsApi({ method: 'GET', path: '/tenant-registrations', query: { limit: '1' } }))
    .body.next_token;
  await bad(
    tenantsApi({ method: 'GET', path: '/tenants', query: { next_token: regToken } }),
    400,
    /field 'next_token'/,
  );
  await bad(tenantRoute('PUT', 'some-id', '', {}), 400, /field 'body'/);
  await bad(regRoute('PATCH', 'some-id', '', {}), 400, /field 'tenantData'/);

  await bad(tenantRoute('GET', 'does-not-exist'), 404, /Tenant not found for id does-not-exist/);
  await bad(tenantRoute('PUT', 'does-not-exist', '', { tier: 'x' }), 404);
  await bad(tenantRoute('PUT', 'does-not-exist', '/activate'), 404);
  await bad(tenantRoute('DELETE', 'does-not-exist'), 404);
  await bad(tenantRoute('POST', 'does-not-exist', '/retry'), 404);
  await bad(regRoute('GET', 'nope'), 404, /Tenant registration not found for id nope/);
  await bad(regRoute('DELETE', 'nope'), 404);
  await bad(regRoute('PATCH', 'nope', '', { tenantRegistrationData: { a: 1 } }), 404);
  await bad(regRoute('POST', 'nope', '/retry'), 404);
  // name claims are not tenants
  const tenantName = name();
  await tenantsApi({ method: 'POST', path: '/tenants', body: { tenantName, tier: 'basic' } });
  await bad(tenantRoute('GET', `TENANT_NAME#${tenantName}`), 404);
  await bad(
    tenantsApi({ method: 'POST', path: '/tenants', body: { tenantName, tier: 'basic' } }),
    409,
    /already exists/,
  );
  // POST /tenants needs a tier (it selects what gets provisioned), named in the 400
  await bad(
    tenantsApi({ method: 'POST', path: '/tenants', body: { tenantName: name() } }),
    400,
    /field 'tier': is required/,
  );
  await bad(tenantsApi({ method: 'POST', path: '/tenants' }), 400, /field 'tier': is required/);
  // names: control and bidi characters, path and markup characters are refused by name
  await bad(
    tenantsApi({ method: 'POST', path: '/tenants', body: { tier: 'basic', tenantName: 'a\u0000b' } }),
    400,
    /tenantName': control characters are not allowed/,
  );
  await bad(
    tenantsApi({ method: 'POST', path: '/tenants', body: { tier: 'basic', tenantName: 'abc\u202eexe' } }),
    400,
    /tenantName': bidirectional/,
  );
  await bad(
    tenantsApi({ method: 'POST', path: '/tenants', body: { tier: 'basic', tenantName: '../etc' } }),
    400,
    /tenantName': the characters/,
  );
  await bad(
    tenantsApi({ method: 'POST', path: '/tenants', body: { tier: 'basic', tenantName: '<b>x</b>' } }),
    400,
    /tenantName': the characters/,
  );
  // what SBT clients send today stays valid
  for (const ok of ['tenant1', 'Acme Corp', 'basic-tier_tenant.01', 'Müller & Söhne', '東京テナント']) {
    expect(
      (await tenantsApi({ method: 'POST', path: '/tenants', body: { tier: 'basic', tenantName: `${ok} ${name()}` } }))
        .status,
    ).toBe(201);
  }
  // prototype keys are refused, at any depth, naming the key
  await bad(
    tenantsApi({ method: 'POST', path: '/tenants', body: '{"tier":"basic","__proto__":{"tenantName":"ghost"}}' }),
    400,
    /field '__proto__': the key '__proto__' is not allowed/,
  );
  await bad(
    tenantsApi({ method: 'POST', path: '/tenants', body: '{"tier":"basic","a":{"__proto__":{"x":1}}}' }),
    400,
    /field 'a\.__proto__': the key '__proto__' is not allowed/,
  );
  await bad(
    tenantRoute('PUT', 'some-id', '', '{"__proto__":{"tenantName":"ghost"}}'),
    400,
    /'__proto__' is not allowed/,
  );
});

test('concurrent lifecycle requests serialize: exactly one of two deactivations wins, the other is a 409', async () => {
  const { tenantRegistrationId, tenantId } = await register();
  await results(busEvent('sbt_aws_provisionSuccess', { tenantRegistrationId, jobOutput: {} }));
  const [a, b] = await Promise.all([
    tenantRoute('PUT', tenantId, '/deactivate'),
    tenantRoute('PUT', tenantId, '/deactivate'),
  ]);
  expect([a.status, b.status].sort()).toEqual([200, 409]);
  const t = await getTenant(tenantId);
  expect(t.lifecycleHistory.filter((r: { to: string }) => r.to === 'DEACTIVATED')).toHaveLength(1);
});

test('huge job errors are clipped so the tenant item stays small', async () => {
  const { tenantRegistrationId, tenantId } = await register();
  await results(
    busEvent('sbt_aws_provisionFailure', {
      tenantRegistrationId,
      jobOutput: { log: 'y'.repeat(50000) },
      error: 'E',
      cause: 'x'.repeat(100000),
    }),
  );
  const t = await getTenant(tenantId);
  expect(t.lifecycleState).toBe('PROVISION_FAILED');
  expect(t.lastError.cause.length).toBeLessThan(2100);
  expect(typeof t.lastError.jobOutput).toBe('string');
  expect(JSON.stringify(t).length).toBeLessThan(120000);
});

test('results that do not fit are dropped, not retried forever', async () => {
  expect(await results(busEvent('sbt_aws_provisionSuccess', { jobOutput: {} }))).toEqual({ outcome: 'ignored' });
  expect(await results(busEvent('sbt_aws_provisionSuccess', { tenantRegistrationId: 'unknown' }))).toEqual({
    outcome: 'ignored',
  });
  const { tenantRegistrationId } = await register();
  // a deprovision result for a tenant that is provisioning
  expect(await results(busEvent('sbt_aws_deprovisionSuccess', { tenantRegistrationId }))).toEqual({
    outcome: 'ignored',
  });
  expect(await results(busEvent('sbt_aws_somethingElse', { tenantRegistrationId }))).toEqual({ outcome: 'ignored' });
});

test('tenantName is unique and immutable once set; a tenant without one may claim a free name', async () => {
  const { tenantId } = await register();
  const current = (await getTenant(tenantId)).tenantName;
  expect((await tenantRoute('PUT', tenantId, '', { tenantName: current, tier: 'x' })).status).toBe(200);
  const rename = await tenantRoute('PUT', tenantId, '', { tenantName: name() });
  expect(rename.status).toBe(409);
  expect(rename.body.message).toMatch(/cannot be changed/);
  const unnamed = (await tenantsApi({ method: 'POST', path: '/tenants', body: { tier: 'basic' } })).body.data;
  expect((await tenantRoute('PUT', unnamed.tenantId, '', { tenantName: current })).status).toBe(409); // taken
  const fresh = name();
  expect((await tenantRoute('PUT', unnamed.tenantId, '', { tenantName: fresh })).body.data.tenantName).toBe(fresh);
  expect((await configApi({ method: 'GET', path: '/tenant-config', query: { tenantName: fresh } })).status).toBe(404); // no config yet, but resolvable
});

test('Idempotency-Key: a retried POST returns the first tenant (200) and emits nothing new; bad keys are 400', async () => {
  const key = `k-${Date.now()}`;
  const body = { tier: 'basic' }; // no tenantName: without the key a retry would create a second tenant
  const first = await tenantsApi({ method: 'POST', path: '/tenants', body, headers: { 'Idempotency-Key': key } });
  expect(first.status).toBe(201);
  h.bus.clear();
  const again = await tenantsApi({ method: 'POST', path: '/tenants', body, headers: { 'Idempotency-Key': key } });
  expect(again.status).toBe(200);
  expect(again.body.data.tenantId).toBe(first.body.data.tenantId);
  expect(h.bus.events).toHaveLength(0);
  const reg1 = await registrationsApi({
    method: 'POST',
    path: '/tenant-registrations',
    body: { tenantData: {} },
    headers: { 'idempotency-key': key },
  });
  expect(reg1.status).toBe(201); // same key, other route: its own key space
  const reg2 = await registrationsApi({
    method: 'POST',
    path: '/tenant-registrations',
    body: { tenantData: {} },
    headers: { 'idempotency-key': key },
  });
  expect(reg2.status).toBe(200);
  expect(reg2.body.data.tenantRegistrationId).toBe(reg1.body.data.tenantRegistrationId);
  const bad = await tenantsApi({ method: 'POST', path: '/tenants', body, headers: { 'Idempotency-Key': 'has space' } });
  expect(bad.status).toBe(400);
  expect(bad.body.message).toMatch(/idempotency-key/);
});
