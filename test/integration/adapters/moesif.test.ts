/**
 * MoesifBilling plugged into the control plane (ControlPlaneStack, synthesized), its real handlers driven
 * along the synthesized rules and routes against a loopback Moesif that speaks Moesif's Management and
 * Collector wire shapes (test/support/vendor-fakes/moesif-fake.ts).
 */
import { MoesifBilling } from '../../../src/adapters/moesif';
import { SCOPES } from '../../../src/contracts/scopes';
import type { SynthHarness } from '../../../local/synth-harness';
import { resourcesOf, type synthStack } from '../../support/synth';
import { MoesifFake } from '../../support/vendor-fakes/moesif-fake';
import { scopedApi } from '../../support/scoped-api';
import { expectActiveVendorAccount } from '../billing/billing-account';
import type { SecretsManagerFake } from '../billing/secrets-fake';
import { namePrefixOf, vendorControlPlane } from './vendor-control-plane';
import { ACME_ONBOARDING, lifecycleOnlyUpdate, tierChange } from './tenant-events';

const CP = 'sbt.control.plane';
const READ = [SCOPES.billingRead];
const WRITE = [SCOPES.billingWrite];
let moesif: MoesifFake;
let secrets: SecretsManagerFake;
let h: SynthHarness;
let json: ReturnType<typeof synthStack>;
const read = scopedApi(() => h, READ);
const write = scopedApi(() => h, WRITE);

beforeAll(async () => {
  moesif = await new MoesifFake('mgmt-key', 'app-id').start();
  ({ json, h, secrets } = await vendorControlPlane(
    'moesif',
    {
      metering: false,
      billing: (s) =>
        new MoesifBilling(s, 'moesif', {
          namePrefix: namePrefixOf(s),
          managementApiBaseUrl: moesif.managementUrl,
          collectorApiBaseUrl: moesif.collectorUrl,
        }),
    },
    (cp) => ({
      [cp.secretArnOf(cp.secretLogical('management_api_key'))]: 'mgmt-key',
      [cp.secretArnOf(cp.secretLogical('application_id'))]: 'app-id\n',
    }),
  ));
});
afterAll(async () => {
  await moesif.stop();
  await secrets.stop();
});

test('a tenant becomes a company with a subscription; a tier change (seed 003) is the new plan; offboarding cancels', async () => {
  await h.publish(CP, 'sbt_aws_onboardingRequest', ACME_ONBOARDING);
  await h.publish(CP, 'sbt_aws_onboardingRequest', ACME_ONBOARDING); // redelivery
  expect(moesif.companies.get('acme')).toMatchObject({
    company_id: 'acme',
    metadata: { name: 'Acme', email: 'ops@acme.example', tier: 'basic' },
  });
  expect([...moesif.subscriptions.values()]).toEqual([
    expect.objectContaining({
      subscription_id: 'sbt-acme',
      company_id: 'acme',
      status: 'active',
      metadata: { plan: 'basic' },
    }),
  ]);
  expect(moesif.calls.find((c) => c.path === '/v1/search/~/companies')!.headers.authorization).toBe('Bearer mgmt-key');

  const billing = await read.get('/tenants/acme/billing');
  expectActiveVendorAccount(billing, 'moesif', { tenantId: 'acme', customerId: 'acme', plan: 'basic' });
  expect((await read.get('/tenants/nobody/billing')).status).toBe(404);

  const calls = moesif.calls.length;
  await h.publish(CP, 'sbt_aws_tenantUpdated', lifecycleOnlyUpdate('acme', 'basic'));
  await h.publish(CP, 'sbt_aws_tenantUpdated', { tenantId: 'acme', tier: 'echo', origin: 'billing' });
  expect(moesif.calls.length).toBe(calls);
  await h.publish(CP, 'sbt_aws_tenantUpdated', tierChange('acme', 'Acme', 'premium'));
  expect((await read.get('/tenants/acme/billing')).body.data.plan).toBe('premium');
  expect(moesif.companies.get('acme')!.metadata).toMatchObject({
    name: 'Acme',
    email: 'ops@acme.example',
    tier: 'premium',
  });

  moesif.failNext = 1;
  await expect(h.publish(CP, 'sbt_aws_offboardingRequest', { tenantId: 'acme' })).rejects.toThrow(/503/);
  await h.publish(CP, 'sbt_aws_offboardingRequest', { tenantId: 'acme' });
  expect(moesif.subscriptions.get('sbt-acme')).toMatchObject({ status: 'canceled' });
  expect(moesif.companies.has('acme')).toBe(true); // history stays unless deleteCompanyOnOffboarding
  expect((await read.get('/tenants/acme/billing')).body.data).toMatchObject({
    billingStatus: 'canceled',
    paymentState: 'none',
  });
});

test('billing users: created and deleted by events, read and updated through the routes, scoped to their tenant', async () => {
  await h.publish(CP, 'sbt_aws_onboardingRequest', { tenantId: 'beta', tier: 'basic' });
  await h.publish(CP, 'sbt_aws_tenantUserCreated', {
    tenantId: 'beta',
    userId: 'u1',
    email: 'u1@beta.example',
    userRole: 'owner',
  });
  expect(moesif.users.get('u1')).toMatchObject({
    user_id: 'u1',
    company_id: 'beta',
    email: 'u1@beta.example',
    metadata: { billing_role: 'owner' },
  });
  const path = '/tenants/beta/billing/users/u1';
  expect((await read.get(path)).body.data).toMatchObject({
    tenantId: 'beta',
    userId: 'u1',
    email: 'u1@beta.example',
    billingRole: 'owner',
  });
  expect((await read.get('/tenants/other/billing/users/u1')).status).toBe(404);

  const put = await write.put(path, { name: 'Una' });
  expect(put.body.data).toMatchObject({ userId: 'u1', name: 'Una', email: 'u1@beta.example', billingRole: 'owner' });
  expect(moesif.users.get('u1')!.metadata).toMatchObject({ name: 'Una', billing_role: 'owner' });
  const bad = await write.put(path, { email: 'not-an-email' });
  expect(bad.status).toBe(400);
  expect(bad.body.message).toContain("field 'email'");
  expect((await write.put(path, {})).status).toBe(400);
  expect((await read.put(path, { name: 'x' })).status).toBe(403);

  await h.publish(CP, 'sbt_aws_tenantUserDeleted', { tenantId: 'beta', userId: 'u1' });
  await h.publish(CP, 'sbt_aws_tenantUserDeleted', { tenantId: 'beta', userId: 'u1' }); // already gone
  expect((await read.get(path)).status).toBe(404);
});

test('the ingestor forwards usage of both eras as Moesif actions, once per event id; it is output dataIngestorName', async () => {
  await h.publish('sbt.application.plane', 'sbt_aws_ingestUsage', {
    tenantId: 'beta',
    meterApiName: 'api-calls',
    meterValue: 3,
    eventId: 'e1',
    dimensions: { region: 'eu' },
  });
  await h.publish('sbt.application.plane', 'sbt_aws_ingestUsage', {
    tenantId: 'beta',
    meterApiName: 'api-calls',
    meterValue: 3,
    eventId: 'e1',
  });
  await h.publish(
    'applicationPlaneEventSource',
    'ingestUsage',
    { tenantId: 'beta', meterApiName: 'api-calls', meterValue: '1.5' },
    'pre09-id',
  );
  expect(moesif.actions).toEqual([
    expect.objectContaining({
      action_name: 'api-calls',
      company_id: 'beta',
      transaction_id: 'e1',
      metadata: { meterApiName: 'api-calls', meterValue: 3, region: 'eu' },
    }),
    expect.objectContaining({
      transaction_id: 'pre09-id',
      metadata: { meterApiName: 'api-calls', meterValue: 1.5 },
      request: { time: expect.any(String) },
    }),
  ]);
  expect(moesif.calls.find((c) => c.path === '/v1/actions/batch')!.headers['x-moesif-application-id']).toBe('app-id');
  const outputs = JSON.stringify(json.output ?? {});
  expect(outputs).toContain('dataIngestorName');
  const fn = Object.values(resourcesOf(json, 'aws_lambda_function')).find((f) =>
    String(f.function_name).endsWith('-moesif-usage'),
  );
  expect(fn).toBeDefined();
});
