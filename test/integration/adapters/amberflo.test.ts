/**
 * AmberfloMetering plugged into the control plane (ControlPlaneStack, synthesized), its real handlers
 * driven along the synthesized routes and rules against a loopback Amberflo that speaks Amberflo's wire
 * shapes and refuses malformed requests (test/support/vendor-fakes/amberflo-fake.ts).
 */
import { randomUUID } from 'node:crypto';
import { AmberfloMetering } from '../../../src/adapters/amberflo';
import { SCOPES } from '../../../src/contracts/scopes';
import type { SynthHarness } from '../../../local/synth-harness';
import { AmberfloFake } from '../../support/vendor-fakes/amberflo-fake';
import { createMeter, scopedApi } from '../../support/scoped-api';
import type { SecretsManagerFake } from '../billing/secrets-fake';
import { namePrefixOf, vendorControlPlane } from './vendor-control-plane';
import { ACME_ONBOARDING, lifecycleOnlyUpdate, tierChange } from './tenant-events';

const CP = 'sbt.control.plane';
const AP = 'sbt.application.plane';
const RW = [SCOPES.meteringRead, SCOPES.meteringWrite];
let amberflo: AmberfloFake;
let secrets: SecretsManagerFake;
let h: SynthHarness;
const api = scopedApi(() => h, RW);

beforeAll(async () => {
  amberflo = await new AmberfloFake('af-key').start();
  ({ h, secrets } = await vendorControlPlane(
    'amberflo',
    {
      billing: false,
      metering: (s) =>
        new AmberfloMetering(s, 'amberflo', {
          namePrefix: namePrefixOf(s),
          baseUrl: amberflo.url,
          productPlanIdsByTier: { premium: 'plan-premium' },
        }),
    },
    (cp) => ({ [cp.secretArnOf(cp.secretLogical('amberflo_api_key'))]: 'af-key\n' }),
  ));
});
afterAll(async () => {
  await amberflo.stop();
  await secrets.stop();
});

test('meters: create, read, list with pagination, update (merged into the full definition), delete', async () => {
  const created = await createMeter(api, {
    label: 'API calls',
    meterApiName: 'api-calls',
    meterType: 'sum_of_all_usage',
  });
  const meterId = created.meterId;
  expect(created).toMatchObject({
    meterId: expect.stringMatching(/^meter-/),
    label: 'API calls',
    meterApiName: 'api-calls',
  });
  expect(amberflo.calls.at(-1)).toMatchObject({
    method: 'POST',
    path: '/meters',
    headers: expect.objectContaining({ 'x-api-key': 'af-key' }),
  });
  await createMeter(api, { label: 'Tokens', meterApiName: 'tokens', meterType: 'sum_of_all_usage' });
  await createMeter(api, { label: 'Seats', meterApiName: 'seats', meterType: 'max_of_all_usage' });

  // Amberflo refuses a taken name: the caller's 400 with Amberflo's reason, never a 5xx.
  const dup = await api.post('/meters', { label: 'x', meterApiName: 'api-calls', meterType: 'sum_of_all_usage' });
  expect(dup).toEqual({ status: 400, body: { message: 'Amberflo refused the request: meterApiName already exists' } });
  // Our validation first: the field is named and Amberflo is not called.
  const before = amberflo.calls.length;
  const bad = await api.post('/meters', { label: 'x', meterApiName: 'bad name!', meterType: 'sum_of_all_usage' });
  expect(bad.status).toBe(400);
  expect(bad.body.message).toContain("field 'meterApiName'");
  expect(amberflo.calls.length).toBe(before);

  expect((await api.get(`/meters/${meterId}`)).body.data).toMatchObject({
    meterId,
    meterApiName: 'api-calls',
  });
  expect((await api.get('/meters/nope')).status).toBe(404);

  const page1 = await api.get('/meters', { limit: '2', next_token: '' });
  expect(page1.body.data).toHaveLength(2);
  const page2 = await api.get('/meters', { limit: '2', next_token: page1.body.next_token });
  expect(page2.body.data).toHaveLength(1);
  expect(page2.body.next_token).toBeUndefined();
  expect((await api.get('/meters', { next_token: 'garbage' })).status).toBe(400);

  const updated = await api.put(`/meters/${meterId}`, { label: 'API requests' });
  expect(updated.body.data).toMatchObject({
    meterId,
    label: 'API requests',
    meterApiName: 'api-calls',
    meterType: 'sum_of_all_usage',
  });
  expect(amberflo.calls.at(-1)).toMatchObject({
    method: 'PUT',
    path: '/meters',
    body: expect.objectContaining({ id: meterId, label: 'API requests', meterApiName: 'api-calls' }),
  });

  const seats = [...amberflo.meters.values()].find((m) => m.meterApiName === 'seats')!;
  expect((await api.delete(`/meters/${String(seats.id)}`)).body.data).toMatchObject({ meterApiName: 'seats' });
  expect((await api.delete(`/meters/${String(seats.id)}`)).status).toBe(404);
});

test('usage: both eras ingest once per event id; GET /usage is Amberflo’s query grouped by tenant; DELETE /usage is a filtering rule', async () => {
  const meterId = [...amberflo.meters.values()].find((m) => m.meterApiName === 'api-calls')!.id as string;
  const t = Math.floor(Date.now() / 1000);
  const id = randomUUID();
  await h.publish(
    AP,
    'sbt_aws_ingestUsage',
    { tenantId: 't1', meterApiName: 'api-calls', meterValue: 3, timestamp: t },
    id,
  );
  await h.publish(
    AP,
    'sbt_aws_ingestUsage',
    { tenantId: 't1', meterApiName: 'api-calls', meterValue: 3, timestamp: t },
    id,
  ); // redelivery
  await h.publish('applicationPlaneEventSource', 'ingestUsage', {
    tenantId: 't2',
    meter: { meterApiName: 'api-calls', meterValue: 4 },
  }); // pre-0.9, SBT plug-in shape
  await h.publish(AP, 'sbt_aws_ingestUsage', {
    tenantId: 't1',
    meterApiName: 'api-calls',
    meterValue: '2.5',
    eventId: 'e-3',
    dimensions: { region: 'eu' },
  });
  await h.publish(AP, 'sbt_aws_ingestUsage', { tenantId: 't1', meterApiName: 'api-calls', meterValue: 'lots' }); // dropped, not retried
  expect(amberflo.records).toEqual([
    expect.objectContaining({
      customerId: 't1',
      meterApiName: 'api-calls',
      meterValue: 3,
      meterTimeInMillis: t * 1000,
      uniqueId: id,
    }),
    expect.objectContaining({ customerId: 't2', meterValue: 4 }),
    expect.objectContaining({ customerId: 't1', meterValue: 2.5, uniqueId: 'e-3', dimensions: { region: 'eu' } }),
  ]);

  const all = await api.get(`/usage/${meterId}`, { period: 'total' });
  expect(all.status).toBe(200);
  expect(all.body.data).toMatchObject({
    meterId,
    meterApiName: 'api-calls',
    aggregation: 'SUM',
    total: '9.5',
    tenants: [
      { tenantId: 't1', total: '5.5' },
      { tenantId: 't2', total: '4' },
    ],
  });
  expect(amberflo.calls.at(-1)!.body).toMatchObject({
    meterApiName: 'api-calls',
    aggregation: 'SUM',
    groupBy: ['customerId'],
    timeRange: { startTimeInSeconds: expect.any(Number) },
  });
  const one = await api.get(`/usage/${meterId}`, { tenantId: 't2' });
  expect(one.body.data.tenants).toEqual([{ tenantId: 't2', total: '4' }]);
  expect((await api.get(`/usage/${meterId}`, { startTimeInSeconds: '10', endTimeInSeconds: '5' })).status).toBe(400);

  const cancel = await api.delete('/usage', {
    id: 'oops',
    meterApiName: 'api-calls',
    ingestionTimeRange: { startTimeInSeconds: 0, endTimeInSeconds: t + 3600 },
  });
  expect(cancel.status).toBe(201);
  expect(amberflo.rules).toEqual([expect.objectContaining({ id: 'oops', type: 'by_property_filter_out' })]);
  expect((await api.get(`/usage/${meterId}`, { period: 'total' })).body.data.total).toBe('0');
  // A tenant-scoped cancellation is not something the adapter maps: named, refused, nothing sent.
  const scoped = await api.delete('/usage', {
    id: 'x',
    meterApiName: 'api-calls',
    tenantId: 't1',
    ingestionTimeRange: { startTimeInSeconds: 0, endTimeInSeconds: 1 },
  });
  expect(scoped.status).toBe(400);
  expect(scoped.body.message).toContain('tenantId');
});

test('tenants: onboarding, a tier change (seed 003) and offboarding reach the Amberflo customer and its plan', async () => {
  await h.publish(CP, 'sbt_aws_onboardingRequest', ACME_ONBOARDING);
  expect(amberflo.customers.get('acme')).toEqual({
    customerId: 'acme',
    customerName: 'Acme',
    customerEmail: 'ops@acme.example',
    traits: { tier: 'basic' },
  });
  expect(amberflo.plans.has('acme')).toBe(false); // no plan mapped for basic

  // A lifecycle-only tenantUpdated changes nothing; a tier change updates the trait and assigns the plan.
  const calls = amberflo.calls.length;
  await h.publish(CP, 'sbt_aws_tenantUpdated', lifecycleOnlyUpdate('acme', 'basic'));
  expect(amberflo.calls.length).toBe(calls);
  await h.publish(CP, 'sbt_aws_tenantUpdated', {
    ...tierChange('acme', 'Acme', 'premium'),
    changes: { tier: 'premium' },
  });
  expect(amberflo.customers.get('acme')).toMatchObject({ customerName: 'Acme', traits: { tier: 'premium' } });
  expect(amberflo.plans.get('acme')).toBe('plan-premium');

  // Amberflo down: the event throws (Lambda retries it); after recovery the retry applies.
  amberflo.failNext = 1;
  await expect(h.publish(CP, 'sbt_aws_offboardingRequest', { tenantId: 'acme' })).rejects.toThrow(/503/);
  await h.publish(CP, 'sbt_aws_offboardingRequest', { tenantId: 'acme' });
  await h.publish(CP, 'sbt_aws_offboardingRequest', { tenantId: 'acme' }); // already gone: fine
  expect(amberflo.customers.has('acme')).toBe(false);
});

test('a wrong API key is never the caller’s fault: 502 on routes, a retried error on events', async () => {
  await secrets.withSecret(h.secretArnOf(h.secretLogical('amberflo_api_key')), 'wrong', async () => {
    expect(await api.get('/meters')).toEqual({ status: 502, body: { message: 'Amberflo error' } });
    await expect(
      h.publish(AP, 'sbt_aws_ingestUsage', { tenantId: 't1', meterApiName: 'api-calls', meterValue: 1 }),
    ).rejects.toThrow(/401/);
  });
});
