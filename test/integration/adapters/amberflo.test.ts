/**
 * AmberfloMetering plugged into the control plane (ControlPlaneStack, synthesized), its real handlers
 * driven along the synthesized routes and rules against a loopback Amberflo that speaks Amberflo's wire
 * shapes and refuses malformed requests (test/support/vendor-fakes/amberflo-fake.ts).
 */
import { randomUUID } from 'node:crypto';
import { AmberfloMetering } from '../../../src/adapters/amberflo';
import { ControlPlaneStack } from '../../../src/control-plane/control-plane-stack';
import { SCOPES } from '../../../src/contracts/scopes';
import type { SbtStack } from '../../../src/core/sbt-stack';
import { clearSecretCache } from '../../../lambda/billing/domain/secret-cache';
import { SynthHarness } from '../../../local/synth-harness';
import { createTablesFromSynth, uniquePrefix } from '../../../local/tables';
import { synthStack, testApp } from '../../support/synth';
import { AmberfloFake } from '../../support/vendor-fakes/amberflo-fake';
import { SecretsManagerFake } from '../billing/secrets-fake';

const CP = 'sbt.control.plane';
const AP = 'sbt.application.plane';
const RW = [SCOPES.meteringRead, SCOPES.meteringWrite];
let amberflo: AmberfloFake;
let secrets: SecretsManagerFake;
let h: SynthHarness;

beforeAll(async () => {
  amberflo = await new AmberfloFake('af-key').start();
  const json = synthStack(
    new ControlPlaneStack(testApp(), 'control-plane', {
      systemAdminEmail: 'admin@example.com',
      billing: false,
      metering: (s) =>
        new AmberfloMetering(s, 'amberflo', {
          namePrefix: (s as SbtStack).namePrefix,
          baseUrl: amberflo.url,
          productPlanIdsByTier: { premium: 'plan-premium' },
        }),
    }),
  );
  const tables = await createTablesFromSynth(json, uniquePrefix('amberflo'));
  h = new SynthHarness(json, {
    tables,
    busName: 'amberflo-events',
    references: { 'aws_cognito_user_pool.*.id': 'us-east-1_Af' },
  });
  secrets = await new SecretsManagerFake().start();
  clearSecretCache();
  secrets.set(h.secretArnOf(h.secretLogical('amberflo_api_key')), 'af-key\n');
});
afterAll(async () => {
  await amberflo.stop();
  await secrets.stop();
});

test('meters: create, read, list with pagination, update (merged into the full definition), delete', async () => {
  const created = await h.request({
    method: 'POST',
    path: '/meters',
    scopes: RW,
    body: { label: 'API calls', meterApiName: 'api-calls', meterType: 'sum_of_all_usage' },
  });
  expect(created.status).toBe(201);
  const meterId = created.body.data.meterId as string;
  expect(created.body.data).toMatchObject({
    meterId: expect.stringMatching(/^meter-/),
    label: 'API calls',
    meterApiName: 'api-calls',
  });
  expect(amberflo.calls.at(-1)).toMatchObject({
    method: 'POST',
    path: '/meters',
    headers: expect.objectContaining({ 'x-api-key': 'af-key' }),
  });
  await h.request({
    method: 'POST',
    path: '/meters',
    scopes: RW,
    body: { label: 'Tokens', meterApiName: 'tokens', meterType: 'sum_of_all_usage' },
  });
  await h.request({
    method: 'POST',
    path: '/meters',
    scopes: RW,
    body: { label: 'Seats', meterApiName: 'seats', meterType: 'max_of_all_usage' },
  });

  // Amberflo refuses a taken name: the caller's 400 with Amberflo's reason, never a 5xx.
  const dup = await h.request({
    method: 'POST',
    path: '/meters',
    scopes: RW,
    body: { label: 'x', meterApiName: 'api-calls', meterType: 'sum_of_all_usage' },
  });
  expect(dup).toEqual({ status: 400, body: { message: 'Amberflo refused the request: meterApiName already exists' } });
  // Our validation first: the field is named and Amberflo is not called.
  const before = amberflo.calls.length;
  const bad = await h.request({
    method: 'POST',
    path: '/meters',
    scopes: RW,
    body: { label: 'x', meterApiName: 'bad name!', meterType: 'sum_of_all_usage' },
  });
  expect(bad.status).toBe(400);
  expect(bad.body.message).toContain("field 'meterApiName'");
  expect(amberflo.calls.length).toBe(before);

  expect((await h.request({ method: 'GET', path: `/meters/${meterId}`, scopes: RW })).body.data).toMatchObject({
    meterId,
    meterApiName: 'api-calls',
  });
  expect((await h.request({ method: 'GET', path: '/meters/nope', scopes: RW })).status).toBe(404);

  const page1 = await h.request({ method: 'GET', path: '/meters', scopes: RW, query: { limit: '2', next_token: '' } });
  expect(page1.body.data).toHaveLength(2);
  const page2 = await h.request({
    method: 'GET',
    path: '/meters',
    scopes: RW,
    query: { limit: '2', next_token: page1.body.next_token },
  });
  expect(page2.body.data).toHaveLength(1);
  expect(page2.body.next_token).toBeUndefined();
  expect(
    (await h.request({ method: 'GET', path: '/meters', scopes: RW, query: { next_token: 'garbage' } })).status,
  ).toBe(400);

  const updated = await h.request({
    method: 'PUT',
    path: `/meters/${meterId}`,
    scopes: RW,
    body: { label: 'API requests' },
  });
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
  expect(
    (await h.request({ method: 'DELETE', path: `/meters/${String(seats.id)}`, scopes: RW })).body.data,
  ).toMatchObject({ meterApiName: 'seats' });
  expect((await h.request({ method: 'DELETE', path: `/meters/${String(seats.id)}`, scopes: RW })).status).toBe(404);
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

  const all = await h.request({ method: 'GET', path: `/usage/${meterId}`, scopes: RW, query: { period: 'total' } });
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
  const one = await h.request({ method: 'GET', path: `/usage/${meterId}`, scopes: RW, query: { tenantId: 't2' } });
  expect(one.body.data.tenants).toEqual([{ tenantId: 't2', total: '4' }]);
  expect(
    (
      await h.request({
        method: 'GET',
        path: `/usage/${meterId}`,
        scopes: RW,
        query: { startTimeInSeconds: '10', endTimeInSeconds: '5' },
      })
    ).status,
  ).toBe(400);

  const cancel = await h.request({
    method: 'DELETE',
    path: '/usage',
    scopes: RW,
    body: {
      id: 'oops',
      meterApiName: 'api-calls',
      ingestionTimeRange: { startTimeInSeconds: 0, endTimeInSeconds: t + 3600 },
    },
  });
  expect(cancel.status).toBe(201);
  expect(amberflo.rules).toEqual([expect.objectContaining({ id: 'oops', type: 'by_property_filter_out' })]);
  expect(
    (await h.request({ method: 'GET', path: `/usage/${meterId}`, scopes: RW, query: { period: 'total' } })).body.data
      .total,
  ).toBe('0');
  // A tenant-scoped cancellation is not something the adapter maps: named, refused, nothing sent.
  const scoped = await h.request({
    method: 'DELETE',
    path: '/usage',
    scopes: RW,
    body: {
      id: 'x',
      meterApiName: 'api-calls',
      tenantId: 't1',
      ingestionTimeRange: { startTimeInSeconds: 0, endTimeInSeconds: 1 },
    },
  });
  expect(scoped.status).toBe(400);
  expect(scoped.body.message).toContain('tenantId');
});

test('tenants: onboarding, a tier change (seed 003) and offboarding reach the Amberflo customer and its plan', async () => {
  await h.publish(CP, 'sbt_aws_onboardingRequest', {
    tenantId: 'acme',
    tenantName: 'Acme',
    email: 'ops@acme.example',
    tier: 'basic',
  });
  expect(amberflo.customers.get('acme')).toEqual({
    customerId: 'acme',
    customerName: 'Acme',
    customerEmail: 'ops@acme.example',
    traits: { tier: 'basic' },
  });
  expect(amberflo.plans.has('acme')).toBe(false); // no plan mapped for basic

  // A lifecycle-only tenantUpdated changes nothing; a tier change updates the trait and assigns the plan.
  const calls = amberflo.calls.length;
  await h.publish(CP, 'sbt_aws_tenantUpdated', {
    tenantId: 'acme',
    tier: 'basic',
    lifecycleState: 'ACTIVE',
    changedFields: ['lifecycleState'],
  });
  expect(amberflo.calls.length).toBe(calls);
  await h.publish(CP, 'sbt_aws_tenantUpdated', {
    tenantId: 'acme',
    tenantName: 'Acme',
    tier: 'premium',
    changedFields: ['tier'],
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
  secrets.set(h.secretArnOf(h.secretLogical('amberflo_api_key')), 'wrong');
  clearSecretCache();
  try {
    expect(await h.request({ method: 'GET', path: '/meters', scopes: RW })).toEqual({
      status: 502,
      body: { message: 'Amberflo error' },
    });
    await expect(
      h.publish(AP, 'sbt_aws_ingestUsage', { tenantId: 't1', meterApiName: 'api-calls', meterValue: 1 }),
    ).rejects.toThrow(/401/);
  } finally {
    secrets.set(h.secretArnOf(h.secretLogical('amberflo_api_key')), 'af-key');
    clearSecretCache();
  }
});
