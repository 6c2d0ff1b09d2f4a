// DynamoDBBilling through the synthesized wiring (rules, routes, env) against DynamoDB Local, the
// EventBridge capture and a loopback Secrets Manager.
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { randomBytes, randomUUID } from 'node:crypto';
import { dynamo } from '../../../lambda/shared/aws-clients';
import { webhookHeaders } from '../../../lambda/billing/domain/webhook-signature';
import { EventBridgeCapture } from '../../../local/eventbridge-capture';
import { synthStack } from '../../support/synth';
import { createTablesFromSynth, uniquePrefix } from '../../../local/tables';
import { SynthHarness } from '../../../local/synth-harness';
import { SecretsManagerFake } from './secrets-fake';
import { billingTestStack } from './test-stack';

const CP = 'sbt.control.plane';
const READ = ['billing/billing_read'];
const WRITE = ['billing/billing_write'];
const SECRET = `whsec_${randomBytes(24).toString('base64')}`;

let h: SynthHarness;
let tables: Record<string, string>;
let capture: EventBridgeCapture;
let secrets: SecretsManagerFake;

const table = (part: string) => Object.entries(tables).find(([k]) => k.includes(part))![1];
const now = () => Math.floor(Date.now() / 1000);

beforeAll(async () => {
  const json = synthStack(billingTestStack());
  tables = await createTablesFromSynth(json, uniquePrefix('billing'));
  capture = await new EventBridgeCapture().start();
  secrets = await new SecretsManagerFake().start();
  h = new SynthHarness(json, { tables, busName: 'test-bus' });
  secrets.set(h.secretArnOf(h.secretLogical('signing')), SECRET);
});
afterAll(async () => {
  await capture.stop();
  await secrets.stop();
});

async function onboard(tenantId: string, extra: Record<string, unknown> = {}) {
  await dynamo().send(
    new PutCommand({ TableName: table('tenants'), Item: { tenantId, tenantName: `name-${tenantId}`, tier: 'basic' } }),
  );
  return h.publish(CP, 'sbt_aws_onboardingRequest', {
    tenantId,
    tenantName: `name-${tenantId}`,
    email: `${tenantId}@example.com`,
    tier: 'basic',
    tenantRegistrationId: `reg-${tenantId}`,
    ...extra,
  });
}
const billingOf = (tenantId: string) =>
  h.request({ method: 'GET', path: `/tenants/${tenantId}/billing`, scopes: READ });

function signed(body: unknown, o: { id?: string; timestamp?: number; secret?: string } = {}) {
  const raw = JSON.stringify(body);
  return {
    method: 'POST',
    path: '/billing/webhook',
    body: raw,
    headers: {
      ...webhookHeaders(o.secret ?? SECRET, o.id ?? `msg_${randomUUID()}`, o.timestamp ?? now(), raw),
      'content-type': 'application/json',
    },
  };
}

describe('customer lifecycle', () => {
  test('onboardingRequest creates the billing customer; a redelivery changes nothing', async () => {
    const targets = await onboard('t-onb');
    // metering keeps the tenant's tier too (seed 003: usage follows tier changes)
    expect(targets).toEqual([h.functionNamed('-billing-create-customer'), h.functionNamed('-metering-tenant-plan')]);
    const first = await billingOf('t-onb');
    expect(first).toEqual({
      status: 200,
      body: {
        data: expect.objectContaining({
          tenantId: 't-onb',
          plan: 'basic',
          billingStatus: 'active',
          paymentState: 'none',
          email: 't-onb@example.com',
          provider: 'dynamodb',
        }),
      },
    });
    await h.publish(CP, 'sbt_aws_onboardingRequest', { tenantId: 't-onb', tier: 'other' });
    const again = await billingOf('t-onb');
    expect(again.body.data.customerId).toBe(first.body.data.customerId);
    expect(again.body.data.plan).toBe('basic');
  });

  test('tenantUpdated reaches updateCustomer (flat or under tenantData); billing-originated updates are skipped', async () => {
    await onboard('t-upd');
    expect(await h.publish(CP, 'sbt_aws_tenantUpdated', { tenantId: 't-upd', tier: 'premium' })).toEqual([
      h.functionNamed('-billing-update-customer'),
      h.functionNamed('-metering-tenant-plan'),
    ]);
    expect((await billingOf('t-upd')).body.data.plan).toBe('premium');
    await h.publish(CP, 'sbt_aws_tenantUpdated', {
      tenantId: 't-upd',
      tenantData: { tier: 'enterprise', email: 'new@example.com' },
    });
    expect((await billingOf('t-upd')).body.data).toMatchObject({ plan: 'enterprise', email: 'new@example.com' });
    await h.publish(CP, 'sbt_aws_tenantUpdated', { tenantId: 't-upd', tier: 'echo', origin: 'billing' });
    expect((await billingOf('t-upd')).body.data.plan).toBe('enterprise');
  });

  test('offboardingRequest cancels the customer and removes its users', async () => {
    await onboard('t-off');
    await h.publish(CP, 'sbt_aws_tenantUserCreated', { tenantId: 't-off', userId: 'u1' });
    await h.publish(CP, 'sbt_aws_offboardingRequest', { tenantId: 't-off', sbtaws_active: false });
    expect((await billingOf('t-off')).body.data.billingStatus).toBe('canceled');
    expect((await h.request({ method: 'GET', path: '/tenants/t-off/billing/users/u1', scopes: READ })).status).toBe(
      404,
    );
  });
});

describe('internal billing API', () => {
  test('answers machine clients with billing/billing_read; other tokens are refused', async () => {
    await onboard('t-api');
    expect((await billingOf('t-api')).status).toBe(200);
    expect((await h.request({ method: 'GET', path: '/tenants/t-api/billing' })).status).toBe(401);
    expect(
      (await h.request({ method: 'GET', path: '/tenants/t-api/billing', scopes: ['metering/metering_read'] })).status,
    ).toBe(403);
    expect(await billingOf('nobody')).toEqual({
      status: 404,
      body: { message: 'Billing customer not found for tenant nobody' },
    });
  });
});

describe('billing users', () => {
  test('created and deleted by events; read and updated through the API', async () => {
    await onboard('t-usr');
    expect(
      await h.publish(CP, 'sbt_aws_tenantUserCreated', {
        tenantId: 't-usr',
        userName: 'alice',
        email: 'alice@example.com',
        userRole: 'admin',
      }),
    ).toEqual([h.functionNamed('-billing-create-user')]);
    const path = '/tenants/t-usr/billing/users/alice';
    const read = await h.request({ method: 'GET', path, scopes: READ });
    expect(read).toEqual({
      status: 200,
      body: {
        data: expect.objectContaining({
          tenantId: 't-usr',
          userId: 'alice',
          email: 'alice@example.com',
          billingRole: 'admin',
        }),
      },
    });

    const upd = await h.request({ method: 'PUT', path, scopes: WRITE, body: { billingRole: 'owner', name: 'Alice' } });
    expect(upd.status).toBe(200);
    expect(upd.body.data).toMatchObject({ billingRole: 'owner', name: 'Alice', email: 'alice@example.com' });
    expect((await h.request({ method: 'GET', path, scopes: READ })).body.data.billingRole).toBe('owner');

    expect((await h.request({ method: 'PUT', path, scopes: READ, body: { name: 'x' } })).status).toBe(403);
    const bad = await h.request({ method: 'PUT', path, scopes: WRITE, body: { email: 'not-an-email' } });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/field 'email'/);
    expect((await h.request({ method: 'PUT', path, scopes: WRITE, body: {} })).status).toBe(400);
    expect((await h.request({ method: 'PUT', path, scopes: WRITE, body: { role: 'x' } })).status).toBe(400);
    expect(
      (await h.request({ method: 'PUT', path: '/tenants/t-usr/billing/users/bob', scopes: WRITE, body: { name: 'b' } }))
        .status,
    ).toBe(404);

    expect(await h.publish(CP, 'sbt_aws_tenantUserDeleted', { tenantId: 't-usr', userName: 'alice' })).toEqual([
      h.functionNamed('-billing-delete-user'),
    ]);
    expect((await h.request({ method: 'GET', path, scopes: READ })).status).toBe(404);
  });
});

describe('webhook', () => {
  const tenant = async (tenantId: string) =>
    (await dynamo().send(new GetCommand({ TableName: table('tenants'), Key: { tenantId }, ConsistentRead: true })))
      .Item;
  const updatedEvents = (tenantId: string) =>
    capture.ofType('sbt_aws_tenantUpdated').filter((e) => e.detail.tenantId === tenantId);

  test('a signed update changes the customer and the tenant once and emits tenantUpdated (public route, no token)', async () => {
    await onboard('t-wh');
    const res = await h.request(
      signed({ type: 'subscription.updated', data: { tenantId: 't-wh', plan: 'pro', billingStatus: 'active' } }),
    );
    expect(res).toEqual({ status: 200, body: { received: true, status: 'applied' } });
    expect((await billingOf('t-wh')).body.data).toMatchObject({ plan: 'pro', billingStatus: 'active' });
    expect(await tenant('t-wh')).toMatchObject({
      tier: 'pro',
      billingStatus: 'active',
      billingUpdatedAt: expect.any(String),
    });
    const events = updatedEvents('t-wh');
    expect(events).toHaveLength(1);
    expect(events[0]!.Source).toBe(CP);
    expect(events[0]!.EventBusName).toBe('test-bus');
    expect(events[0]!.detail).toMatchObject({
      tenantId: 't-wh',
      origin: 'billing',
      tier: 'pro',
      billingStatus: 'active',
    });
    // The event flows back to updateCustomer, which skips it (no echo to the vendor, no change).
    const before = (await billingOf('t-wh')).body.data.updatedAt;
    await h.publish(CP, 'sbt_aws_tenantUpdated', events[0]!.detail);
    expect((await billingOf('t-wh')).body.data.updatedAt).toBe(before);
  });

  test('payment.failed implies past_due/failed', async () => {
    await onboard('t-pay');
    expect((await h.request(signed({ type: 'payment.failed', data: { tenantId: 't-pay' } }))).status).toBe(200);
    expect((await billingOf('t-pay')).body.data).toMatchObject({ billingStatus: 'past_due', paymentState: 'failed' });
    // A later partial update keeps what it does not mention, on the customer and on the tenant.
    expect((await h.request(signed({ type: 'plan.changed', data: { tenantId: 't-pay', plan: 'pro' } }))).status).toBe(
      200,
    );
    expect((await billingOf('t-pay')).body.data).toMatchObject({
      plan: 'pro',
      billingStatus: 'past_due',
      paymentState: 'failed',
    });
    expect(await tenant('t-pay')).toMatchObject({ tier: 'pro', billingStatus: 'past_due', paymentState: 'failed' });
  });

  test('bad signature, wrong secret, missing headers or a tampered body → 401 and nothing changes', async () => {
    await onboard('t-bad');
    const body = { type: 'subscription.updated', data: { tenantId: 't-bad', plan: 'free-upgrade' } };
    const good = signed(body, { id: 'msg_bad_1' });
    const cases = [
      { ...good, headers: { ...good.headers, 'webhook-signature': 'v1,AAAA' } },
      signed(body, { id: 'msg_bad_1', secret: 'whsec_' + randomBytes(24).toString('base64') }),
      { ...good, headers: { 'content-type': 'application/json' } },
      { ...good, body: good.body.replace('free-upgrade', 'enterprise') },
    ];
    for (const c of cases)
      expect(await h.request(c)).toEqual({ status: 401, body: { message: 'Invalid webhook signature' } });
    expect((await billingOf('t-bad')).body.data.plan).toBe('basic');
    expect(updatedEvents('t-bad')).toHaveLength(0);
    // Rejected requests leave no replay record: the genuine message with that id still applies.
    expect((await h.request(good)).body.status).toBe('applied');
  });

  test('a stale (or future) timestamp → 401 even with a valid signature', async () => {
    await onboard('t-stale');
    const body = { type: 'subscription.updated', data: { tenantId: 't-stale', plan: 'x' } };
    expect((await h.request(signed(body, { timestamp: now() - 400 }))).status).toBe(401);
    expect((await h.request(signed(body, { timestamp: now() + 400 }))).status).toBe(401);
    expect((await billingOf('t-stale')).body.data.plan).toBe('basic');
  });

  test('duplicate deliveries (sequential and concurrent) → exactly one effect and one event', async () => {
    await onboard('t-dup');
    const req = signed({ type: 'subscription.updated', data: { tenantId: 't-dup', plan: 'pro' } }, { id: 'msg_dup' });
    expect((await h.request(req)).body.status).toBe('applied');
    const after = (await billingOf('t-dup')).body.data.updatedAt;
    expect((await h.request(req)).body).toEqual({ received: true, status: 'duplicate' });
    expect((await billingOf('t-dup')).body.data.updatedAt).toBe(after);

    await onboard('t-dup2');
    const req2 = signed(
      { type: 'subscription.updated', data: { tenantId: 't-dup2', plan: 'pro' } },
      { id: 'msg_dup2' },
    );
    const results = await Promise.all([h.request(req2), h.request(req2), h.request(req2)]);
    expect(results.map((r) => r.body.status).sort()).toEqual(['applied', 'duplicate', 'duplicate']);
    expect(updatedEvents('t-dup')).toHaveLength(1);
    expect(updatedEvents('t-dup2')).toHaveLength(1);
  });

  test('an older webhook arriving after a newer one is recorded but changes nothing', async () => {
    await onboard('t-order');
    const t = now();
    await h.request(
      signed({ type: 'subscription.updated', data: { tenantId: 't-order', plan: 'new' } }, { timestamp: t }),
    );
    const older = await h.request(
      signed({ type: 'subscription.updated', data: { tenantId: 't-order', plan: 'old' } }, { timestamp: t - 60 }),
    );
    expect(older.body.status).toBe('stale');
    expect((await billingOf('t-order')).body.data.plan).toBe('new');
  });

  test('when emitting fails the vendor gets 500; its retry finishes the work without a second change', async () => {
    await onboard('t-retry');
    const req = signed(
      { type: 'subscription.updated', data: { tenantId: 't-retry', plan: 'pro' } },
      { id: 'msg_retry' },
    );
    capture.failNext(1);
    expect((await h.request(req)).status).toBe(500);
    expect((await billingOf('t-retry')).body.data.plan).toBe('pro');
    expect(updatedEvents('t-retry')).toHaveLength(0);
    expect((await h.request(req)).body.status).toBe('resumed');
    expect(updatedEvents('t-retry')).toHaveLength(1);
    expect((await h.request(req)).body.status).toBe('duplicate');
    expect(updatedEvents('t-retry')).toHaveLength(1);
  });

  test('unknown tenant → 404 and no record; invalid body after a valid signature → 400', async () => {
    expect((await h.request(signed({ type: 'x', data: { tenantId: 'ghost' } }, { id: 'msg_ghost' }))).status).toBe(404);
    const bad = await h.request(signed({ type: 'x', data: { tenantId: 't-wh', billingStatus: 'bogus' } }));
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/billingStatus/);
  });

  test('the signing secret is read once and cached', async () => {
    const before = secrets.reads;
    await onboard('t-cache');
    for (let i = 0; i < 3; i++) await h.request(signed({ type: 'payment.succeeded', data: { tenantId: 't-cache' } }));
    expect(secrets.reads - before).toBe(0);
  });
});

describe('putUsage (usage source: DynamoDBMetering)', () => {
  test('rolls the closed period up into exact per-tenant usage lines shown by the internal billing API; reruns are stable', async () => {
    await onboard('t-use');
    const meter = await h.request({
      method: 'POST',
      path: '/meters',
      scopes: ['metering/metering_write'],
      body: { label: 'Tokens', meterApiName: 'tokens', meterType: 'sum_of_all_usage' },
    });
    expect(meter.status).toBe(201);
    const day = Math.floor(now() / 86400) * 86400 - 86400; // yesterday, UTC
    const ingest = (tenantId: string, meterValue: unknown, timestamp: number, id: string) =>
      h.publish(
        'sbt.application.plane',
        'sbt_aws_ingestUsage',
        { tenantId, meterApiName: 'tokens', meterValue, timestamp },
        id,
      );
    await ingest('t-use', 0.1, day + 10, 'u1');
    await ingest('t-use', 0.2, day + 20, 'u2');
    await ingest('t-use', 0.2, day + 20, 'u2');
    await ingest('t-use', 5, day + 86400, 'u3'); // today: not in the closed period
    await ingest('t-other', 1, day + 30, 'u4');

    const putUsage = h.functionNamed('-billing-put-usage');
    const scheduled = {
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      time: new Date().toISOString(),
      detail: {},
    };
    expect(await h.invoke(putUsage, scheduled)).toEqual({ lines: 2, periodStart: day });
    const first = (await billingOf('t-use')).body.data.usage;
    expect(first).toEqual([
      { meterApiName: 'tokens', periodStart: day, periodEnd: day + 86400, total: '0.3', events: 2 },
    ]);
    expect(await h.invoke(putUsage, { periodStart: day })).toEqual({ lines: 2, periodStart: day });
    expect((await billingOf('t-use')).body.data.usage).toEqual(first);
  });
});
