/**
 * SBT's client contract over HTTP against `npm run local` (issue 12): every tenant and registration
 * command of SBT's CLI (`scripts/sbt-aws.sh` in awslabs/sbt-aws) as that script sends it — same paths,
 * bodies and query strings (`curl -G …?limit=N --data-urlencode next_token=…` always sends `next_token`,
 * empty on the first page) — reading the fields the script and its test read (`.data.tenantId`,
 * `.data.tenantRegistrationId`, `.data.registrationStatus`, `.next_token`); and both event eras driving
 * provisioning (a runtime whose planes speak pre-0.9 names, and pre-0.9 events put on the bus).
 *
 * Users: SBT's user commands (`sbtUserCommands`) against the local runtime's /users, on cognito-local.
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { readFileSync } from 'node:fs';
import { type LocalInfo, type StartedLocal, startLocal } from './start-local';

/** SBT's CLI: `CONTROL_PLANE_API_ENDPOINT` ends with `/` and paths are appended to it. */
function sbtClient(rt: LocalInfo) {
  const endpoint = `${rt.url}/`;
  const curl = async (method: string, url: string, data?: unknown) => {
    const res = await fetch(url, {
      method,
      headers: { Authorization: `Bearer ${rt.adminToken}`, 'content-type': 'application/json' },
      body: data === undefined ? undefined : JSON.stringify(data),
    });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : undefined };
  };
  /** `curl -G --url "${ENDPOINT}x?limit=${MY_LIMIT}" --data-urlencode "next_token=${NEXT_TOKEN}"` */
  const list = (path: string, limit = '10', nextToken = '') =>
    curl('GET', `${endpoint}${path}?limit=${limit}&next_token=${encodeURIComponent(nextToken)}`);
  return {
    createTenantRegistration: (tenantName: string, email: string) =>
      curl('POST', `${endpoint}tenant-registrations`, {
        tenantData: {
          tenantName,
          email,
          tier: 'basic',
          prices: [
            { id: 'price_123456789Example', metricName: 'productsSold' },
            { id: 'price_123456789AnotherExample', metricName: 'plusProductsSold' },
          ],
        },
        tenantRegistrationData: { registrationStatus: 'In progress', tenantRegistrationData1: 'test' },
      }),
    getTenantRegistration: (id: string) => curl('GET', `${endpoint}tenant-registrations/${id}`),
    getAllTenantRegistrations: (limit?: string, nextToken?: string) => list('tenant-registrations', limit, nextToken),
    updateTenantRegistration: (id: string, key: string, value: string) =>
      curl('PATCH', `${endpoint}tenant-registrations/${id}`, {
        tenantRegistrationData: { [key]: value },
        tenantData: { [key]: value },
      }),
    deleteTenantRegistration: (id: string) => curl('DELETE', `${endpoint}tenant-registrations/${id}`),
    getTenant: (id: string) => curl('GET', `${endpoint}tenants/${id}`),
    getAllTenants: (limit?: string, nextToken?: string) => list('tenants', limit, nextToken),
    createUser: (userName: string, email: string) =>
      curl('POST', `${endpoint}users`, { userName, email, userRole: 'basicUser' }),
    getAllUsers: (limit?: string, nextToken?: string) => list('users', limit, nextToken),
    getUser: (id: string) => curl('GET', `${endpoint}users/${id}`),
    updateUser: (id: string, userRole: string, email: string) =>
      curl('PUT', `${endpoint}users/${id}`, { userRole, email }),
    deleteUser: (id: string) => curl('DELETE', `${endpoint}users/${id}`),
    /** Not a CLI command: a request after which the runtime has delivered everything put on its bus. */
    settle: () => curl('GET', `${endpoint}tenants?limit=1`),
    raw: curl,
  };
}

type SbtClient = ReturnType<typeof sbtClient>;

/**
 * `npm run local` (with `args`) for one describe block — started before its tests, stopped after — and
 * SBT's CLI client on it.
 */
function localWithSbtClient(args: string[] = []): { rt: StartedLocal; sbt: SbtClient } {
  const local = {} as { rt: StartedLocal; sbt: SbtClient };
  beforeAll(async () => {
    local.rt = await startLocal(args);
    local.sbt = sbtClient(local.rt.info);
  }, 180_000);
  afterAll(() => local.rt?.stop());
  return local;
}

/** Puts one event on the runtime's bus as an application plane or an old control plane would. */
async function putEvent(rt: LocalInfo, source: string, detailType: string, detail: Record<string, unknown>) {
  const client = new EventBridgeClient({
    endpoint: rt.eventBridgeEndpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const res = await client.send(
    new PutEventsCommand({
      Entries: [
        { EventBusName: 'local-sbt-events', Source: source, DetailType: detailType, Detail: JSON.stringify(detail) },
      ],
    }),
  );
  expect(res.FailedEntryCount).toBe(0);
}

describe('SBT CLI commands against the local runtime (≥ 0.9 event names)', () => {
  const local = localWithSbtClient();

  test('create-tenant-registration → get-tenant-registration (registrationStatus created) → get-tenant', async () => {
    const created = await local.sbt.createTenantRegistration('tenant1001', 'admin+tenant1001@example.com');
    expect(created.status).toBe(201);
    const { tenantRegistrationId, tenantId } = created.json.data;
    expect(typeof tenantRegistrationId).toBe('string');
    expect(typeof tenantId).toBe('string');
    expect(created.json.data.message).toBe('Tenant registration initiated');

    // test-sbt-aws.sh polls `.data.registrationStatus` until the provisioning job reported "created".
    const reg = await local.sbt.getTenantRegistration(tenantRegistrationId);
    expect(reg.status).toBe(200);
    expect(reg.json.data).toMatchObject({
      tenantRegistrationId,
      tenantId,
      registrationStatus: 'created',
      tenantRegistrationData1: 'test',
    });

    const tenant = await local.sbt.getTenant(tenantId);
    expect(tenant.status).toBe(200);
    expect(tenant.json.data).toMatchObject({
      tenantId,
      tenantName: 'tenant1001',
      tier: 'basic',
      tenantRegistrationId,
      lifecycleState: 'ACTIVE',
    });
    expect(tenant.json.data.prices).toHaveLength(2);
  });

  test('get-all-tenants / get-all-tenant-registrations with the empty next_token, then walking .next_token', async () => {
    for (const n of ['tenant1002', 'tenant1003'])
      expect((await local.sbt.createTenantRegistration(n, `admin+${n}@example.com`)).status).toBe(201);
    for (const command of [local.sbt.getAllTenants, local.sbt.getAllTenantRegistrations]) {
      const first = await command(); // limit=10&next_token=
      expect(first.status).toBe(200);
      expect(first.json.data.length).toBeGreaterThanOrEqual(3);
      const seen: unknown[] = [];
      let token = '';
      do {
        const page = await command('1', token);
        expect(page.status).toBe(200);
        expect(page.json.data.length).toBeLessThanOrEqual(1);
        seen.push(...page.json.data);
        token = page.json.next_token ?? '';
      } while (token);
      expect(seen.length).toBe(first.json.data.length);
    }
  });

  test('update-tenant-registration <id> <key> <value> updates both parts; delete-tenant-registration twice is 200', async () => {
    const { tenantRegistrationId, tenantId } = (
      await local.sbt.createTenantRegistration('tenant1004', 'admin+tenant1004@example.com')
    ).json.data;
    const updated = await local.sbt.updateTenantRegistration(tenantRegistrationId, 'tier', 'premium');
    expect(updated.status).toBe(200);
    expect(updated.json.data).toMatchObject({
      message: 'Tenant registration updated successfully',
      tenantRegistration: { tenantRegistrationId, tier: 'premium' },
      tenant: { tenantId, tier: 'premium' },
    });
    const del = await local.sbt.deleteTenantRegistration(tenantRegistrationId);
    expect(del.status).toBe(200);
    expect(del.json.data.message).toBe('Tenant registration deletion initiated');
    expect((await local.sbt.deleteTenantRegistration(tenantRegistrationId)).status).toBe(200);
    // the deprovisioning job ran (the runtime settles before answering): test-sbt-aws.sh expects "deleted"
    expect((await local.sbt.getTenantRegistration(tenantRegistrationId)).json.data.registrationStatus).toBe('deleted');
    expect((await local.sbt.getTenant(tenantId)).json.data).toMatchObject({
      sbtaws_active: false,
      lifecycleState: 'OFFBOARDED',
    });
  });

  test("a pre-0.9 onboardingRequest put on the bus (the seed's sample event) runs the provisioning job", async () => {
    const tenantId = 'e6878e03-ae2c-43ed-a863-08314487318b';
    await putEvent(local.rt.info, 'controlPlaneEventSource', 'onboardingRequest', {
      tenantId,
      tier: 'standard',
      tenantRegistrationId: 'sbt-era-registration',
    });
    await local.sbt.settle();
    expect(readFileSync(local.rt.info.awsCallLog, 'utf8')).toContain(
      `create-stack --stack-name sbt-tenant-${tenantId}`,
    );
  });

  test('usage of both eras put on the bus is counted (seed: detailType DetailType.INGEST_USAGE)', async () => {
    const meter = await local.sbt.raw('POST', `${local.rt.info.url}/meters`, {
      label: 'SBT Meter',
      meterApiName: 'sbt-meter',
      meterType: 'sum_of_all_usage',
    });
    expect(meter.status).toBe(201);
    await putEvent(local.rt.info, 'sbt.application.plane', 'sbt_aws_ingestUsage', {
      tenantId: 't1',
      meterApiName: 'sbt-meter',
      meterValue: 1,
    });
    await putEvent(local.rt.info, 'sbt.application.plane', 'ingestUsage', {
      tenantId: 't1',
      meterApiName: 'sbt-meter',
      meterValue: 2,
    });
    await putEvent(local.rt.info, 'applicationPlaneEventSource', 'ingestUsage', {
      tenantId: 't2',
      meterApiName: 'sbt-meter',
      meterValue: 4,
    });
    await local.sbt.settle();
    const usage = await local.sbt.raw('GET', `${local.rt.info.url}/usage/${meter.json.data.meterId}`);
    expect(usage.status).toBe(200);
    expect(usage.json.data).toMatchObject({ total: '7', events: 3 });
  });

  // SBT's user commands (create-user, get-all-users, get-user, update-user, delete-user), against the
  // local runtime's /users on cognito-local.
  test('users: create-user → get-all-users (empty next_token) → get-user → update-user → delete-user', () =>
    sbtUserCommands(local.sbt));
});

/** SBT's user commands as sbt-aws.sh sends them. */
async function sbtUserCommands(sbt: SbtClient): Promise<void> {
  const created = await sbt.createUser('user1001', 'admin+user1001@example.com');
  expect(created.status).toBe(201);
  expect(created.json.data.userName).toBe('user1001');
  const all = await sbt.getAllUsers(); // limit=10&next_token=
  expect(all.status).toBe(200);
  expect(all.json.data.map((u: { userName: string }) => u.userName)).toContain('user1001');
  expect((await sbt.getUser('user1001')).json.data).toMatchObject({
    userName: 'user1001',
    userRole: 'basicUser',
    email: 'admin+user1001@example.com',
  });
  expect((await sbt.updateUser('user1001', 'advancedUser', 'admin+user1001b@example.com')).status).toBe(200);
  expect((await sbt.getUser('user1001')).json.data).toMatchObject({ userRole: 'advancedUser' });
  expect((await sbt.deleteUser('user1001')).status).toBe(200);
}

describe('pre-0.9 event names driving provisioning (npm run local -- --event-era pre-0.9)', () => {
  const local = localWithSbtClient(['--event-era', 'pre-0.9']);

  test('onboardingRequest from controlPlaneEventSource → provisioning job → provisionSuccess from applicationPlaneEventSource → ACTIVE', async () => {
    const created = await local.sbt.createTenantRegistration('legacy2001', 'admin+legacy2001@example.com');
    expect(created.status).toBe(201);
    const { tenantRegistrationId, tenantId } = created.json.data;
    expect((await local.sbt.getTenantRegistration(tenantRegistrationId)).json.data.registrationStatus).toBe('created');
    expect((await local.sbt.getTenant(tenantId)).json.data.lifecycleState).toBe('ACTIVE');
  });
});
