/**
 * No partial writes (issue 12): a request answered 4xx changes nothing. PATCH /tenant-registrations/{id}
 * writes its two parts (registration data, tenant data) in one DynamoDB transaction, so a refused tenant
 * part leaves the registration as it was. Through the synthesized routes and DynamoDB Local.
 */
import { ControlPlaneStack } from '../../../src/control-plane/control-plane-stack';
import { SCOPES } from '../../../src/contracts/scopes';
import { EventBridgeCapture } from '../../../local/eventbridge-capture';
import type { SynthHarness } from '../../../local/synth-harness';
import { controlPlaneHarness } from '../../support/control-plane-harness';
import { scopedApi } from '../../support/scoped-api';
import { synthStack, testApp } from '../../support/synth';

const ADMIN = [SCOPES.tenantRead, SCOPES.tenantWrite];
const bus = new EventBridgeCapture();
let h: SynthHarness;
const api = scopedApi(() => h, ADMIN);

beforeAll(async () => {
  await bus.start();
  const json = synthStack(
    new ControlPlaneStack(testApp(), 'control-plane', {
      systemAdminEmail: 'a@example.com',
      billing: false,
      metering: false,
    }),
  );
  h = await controlPlaneHarness(json, 'nopartial');
});
afterAll(() => bus.stop());

async function registerActive(tenantName: string) {
  const res = await api.post('/tenant-registrations', {
    tenantData: { tenantName, tier: 'basic' },
    tenantRegistrationData: { registrationStatus: 'In progress' },
  });
  const { tenantRegistrationId, tenantId } = res.body.data as { tenantRegistrationId: string; tenantId: string };
  await h.publish('sbt.application.plane', 'sbt_aws_provisionSuccess', {
    tenantRegistrationId,
    jobOutput: { tenantRegistrationData: { registrationStatus: 'created' } },
  });
  return { tenantRegistrationId, tenantId };
}

/** PATCH /tenant-registrations/{id} with both parts: the registration's data and the tenant's. */
const patchRegistration = (id: string, tenantRegistrationData: object, tenantData: object) =>
  api.patch(`/tenant-registrations/${id}`, { tenantRegistrationData, tenantData });
const getReg = async (id: string) => (await api.get(`/tenant-registrations/${id}`)).body.data;
const getTenant = async (id: string) => (await api.get(`/tenants/${id}`)).body.data;

test('PATCH refused for its tenant part (renaming, 409) writes neither part', async () => {
  const { tenantRegistrationId, tenantId } = await registerActive('partial-a');
  await registerActive('partial-taken');
  const regBefore = await getReg(tenantRegistrationId);
  const tenantBefore = await getTenant(tenantId);
  bus.clear();
  const res = await patchRegistration(
    tenantRegistrationId,
    { registrationStatus: 'renamed' },
    { tenantName: 'partial-taken', tier: 'gold' },
  );
  expect(res.status).toBe(409);
  expect(await getReg(tenantRegistrationId)).toEqual(regBefore);
  expect(await getTenant(tenantId)).toEqual(tenantBefore);
  expect(bus.events).toEqual([]);
});

test('PATCH on an offboarded tenant (409) leaves the registration unchanged', async () => {
  const { tenantRegistrationId, tenantId } = await registerActive('partial-b');
  expect((await api.delete(`/tenant-registrations/${tenantRegistrationId}`)).status).toBe(200);
  await h.publish('sbt.application.plane', 'sbt_aws_deprovisionSuccess', { tenantRegistrationId, jobOutput: {} });
  expect((await getTenant(tenantId)).lifecycleState).toBe('OFFBOARDED');
  const regBefore = await getReg(tenantRegistrationId);
  const res = await patchRegistration(tenantRegistrationId, { note: 'late' }, { tier: 'gold' });
  expect(res.status).toBe(409);
  expect(await getReg(tenantRegistrationId)).toEqual(regBefore);
});

test('an accepted PATCH writes both parts and emits one tenantUpdated with the changed field', async () => {
  const { tenantRegistrationId, tenantId } = await registerActive('partial-c');
  bus.clear();
  const res = await patchRegistration(tenantRegistrationId, { registrationStatus: 'upgraded' }, { tier: 'gold' });
  expect(res.status).toBe(200);
  expect(res.body.data).toMatchObject({
    message: 'Tenant registration updated successfully',
    tenantRegistration: { tenantRegistrationId, registrationStatus: 'upgraded' },
    tenant: { tenantId, tier: 'gold' },
  });
  expect((await getReg(tenantRegistrationId)).registrationStatus).toBe('upgraded');
  expect((await getTenant(tenantId)).tier).toBe('gold');
  const updates = bus.events.filter((e) => e.DetailType === 'sbt_aws_tenantUpdated');
  expect(updates).toHaveLength(1);
  expect(updates[0]!.detail).toMatchObject({ changedFields: ['tier'], previous: { tier: 'basic' }, tier: 'gold' });
});

test('a nameless tenant claiming a taken name (409) writes nothing; a free name is claimed with the rest', async () => {
  const res = await api.post('/tenant-registrations', { tenantData: { tier: 'basic' } });
  const { tenantRegistrationId, tenantId } = res.body.data as { tenantRegistrationId: string; tenantId: string };
  await registerActive('partial-claimed');
  const regBefore = await getReg(tenantRegistrationId);
  const taken = await patchRegistration(tenantRegistrationId, { note: 'x' }, { tenantName: 'partial-claimed' });
  expect(taken.status).toBe(409);
  expect(taken.body.field).toBe('tenantName');
  expect(await getReg(tenantRegistrationId)).toEqual(regBefore);
  const free = await patchRegistration(tenantRegistrationId, { note: 'named' }, { tenantName: 'partial-fresh' });
  expect(free.status).toBe(200);
  expect((await getTenant(tenantId)).tenantName).toBe('partial-fresh');
  // the name is now taken for everyone else
  const other = await registerActive('partial-other');
  const clash = await api.put(`/tenants/${other.tenantId}`, { tenantName: 'partial-fresh' });
  expect(clash.status).toBe(409);
});
