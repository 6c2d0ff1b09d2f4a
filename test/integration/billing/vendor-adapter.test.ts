// HttpBillingVendorAdapter against a loopback fake vendor (no real vendor is called): events and routes
// reach the vendor's REST API with the API key from Secrets Manager and event ids as idempotency keys;
// vendor failures surface as retries (async) or 502 (sync); its webhook shares the signature scheme.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../../../lambda/shared/aws-clients';
import { webhookHeaders } from '../../../lambda/billing/domain/webhook-signature';
import { HttpBillingVendorAdapter } from '../../../src/control-plane/billing/http-billing-vendor-adapter';
import { EventBridgeCapture } from '../../../local/eventbridge-capture';
import { synthStack } from '../../support/synth';
import { createTablesFromSynth, uniquePrefix } from '../../../local/tables';
import { SynthHarness } from '../../../local/synth-harness';
import { expectActiveVendorAccount } from './billing-account';
import { SecretsManagerFake } from './secrets-fake';
import { billingTestStack } from './test-stack';

interface Call {
  method: string;
  path: string;
  auth?: string;
  idempotencyKey?: string;
  body?: unknown;
}

class FakeVendor {
  readonly calls: Call[] = [];
  readonly customers = new Map<string, Record<string, unknown>>();
  readonly users = new Map<string, Record<string, unknown>>();
  failNext = 0;
  private server?: Server;
  url = '';

  async start() {
    this.server = createServer((req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined;
        const path = (req.url ?? '').replace(/^\/v1/, '');
        this.calls.push({
          method: req.method!,
          path,
          auth: req.headers.authorization,
          idempotencyKey: req.headers['idempotency-key'] as string,
          body,
        });
        const send = (status: number, json?: unknown) => {
          res.statusCode = status;
          res.setHeader('content-type', 'application/json');
          res.end(json === undefined ? '' : JSON.stringify(json));
        };
        if (req.headers.authorization !== 'Bearer test-api-key') return send(401, { error: 'bad key' });
        if (this.failNext > 0) {
          this.failNext--;
          return send(503, { error: 'down' });
        }
        const seg = path.split('/').filter(Boolean).map(decodeURIComponent);
        if (seg[0] !== 'customers') return send(404);
        const [, cid, sub, uid] = seg;
        if (req.method === 'POST' && !cid) {
          if (this.customers.has(body.externalId)) return send(409, { error: 'exists' });
          const c = { id: `cus_${this.customers.size + 1}`, ...body, status: 'active', paymentStatus: 'ok' };
          this.customers.set(body.externalId, c);
          return send(201, c);
        }
        const c = cid ? this.customers.get(cid) : undefined;
        if (!c) return send(404);
        if (!sub) {
          if (req.method === 'GET') return send(200, c);
          if (req.method === 'PATCH') return send(200, Object.assign(c, body));
          if (req.method === 'DELETE') return (this.customers.delete(cid!), send(204));
        }
        if (sub === 'users') {
          if (req.method === 'POST' && !uid) {
            const key = `${cid}/${body.externalId}`;
            if (this.users.has(key)) return send(409);
            this.users.set(key, { ...body });
            return send(201, body);
          }
          const key = `${cid}/${uid}`;
          const u = this.users.get(key);
          if (!u) return send(404);
          if (req.method === 'GET') return send(200, u);
          if (req.method === 'PATCH')
            return send(200, Object.assign(u, Object.fromEntries(Object.entries(body).filter(([, v]) => v !== null))));
          if (req.method === 'DELETE') return (this.users.delete(key), send(204));
        }
        return send(405);
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', () => r()));
    const a = this.server.address();
    this.url = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}/v1`;
    return this;
  }
  async stop() {
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}

const CP = 'sbt.control.plane';
const READ = ['billing/billing_read'];
const WRITE = ['billing/billing_write'];
const SIGNING = 'vendor-signing-secret';

let vendor: FakeVendor;
let h: SynthHarness;
let tables: Record<string, string>;
let capture: EventBridgeCapture;
let secrets: SecretsManagerFake;

beforeAll(async () => {
  vendor = await new FakeVendor().start();
  const json = synthStack(
    billingTestStack({
      billing: (s) => new HttpBillingVendorAdapter(s, 'vendor', { namePrefix: s.namePrefix, baseUrl: vendor.url }),
    }),
  );
  tables = await createTablesFromSynth(json, uniquePrefix('billing-vendor'));
  capture = await new EventBridgeCapture().start();
  secrets = await new SecretsManagerFake().start();
  h = new SynthHarness(json, { tables, busName: 'test-bus' });
  secrets.set(h.secretArnOf(h.secretLogical('api_key')), 'test-api-key\n');
  secrets.set(h.secretArnOf(h.secretLogical('signing')), SIGNING);
});
afterAll(async () => {
  await vendor.stop();
  await capture.stop();
  await secrets.stop();
});

test('lifecycle events reach the vendor with the API key and the event id as idempotency key; retries are harmless', async () => {
  const id = randomUUID();
  await h.publish(CP, 'sbt_aws_onboardingRequest', { tenantId: 'v1', email: 'v1@example.com', tier: 'basic' }, id);
  await h.publish(CP, 'sbt_aws_onboardingRequest', { tenantId: 'v1', email: 'v1@example.com', tier: 'basic' }, id); // redelivery → 409 → ok
  expect(vendor.calls.filter((c) => c.method === 'POST')).toEqual([
    expect.objectContaining({
      path: '/customers',
      auth: 'Bearer test-api-key',
      idempotencyKey: id,
      body: { externalId: 'v1', email: 'v1@example.com', plan: 'basic' },
    }),
    expect.objectContaining({ path: '/customers', idempotencyKey: id }),
  ]);
  await h.publish(CP, 'sbt_aws_tenantUpdated', { tenantId: 'v1', tier: 'pro' });
  await h.publish(CP, 'sbt_aws_tenantUpdated', { tenantId: 'v1', tier: 'echo', origin: 'billing' }); // not sent
  expect(vendor.customers.get('v1')).toMatchObject({ plan: 'pro' });

  const billing = await h.request({ method: 'GET', path: '/tenants/v1/billing', scopes: READ });
  expectActiveVendorAccount(billing, 'http-vendor', { tenantId: 'v1', customerId: 'cus_1', plan: 'pro' });
  expect((await h.request({ method: 'GET', path: '/tenants/none/billing', scopes: READ })).status).toBe(404);

  vendor.failNext = 1;
  await expect(
    h.publish(CP, 'sbt_aws_tenantUserCreated', { tenantId: 'v1', userId: 'u1', email: 'u1@example.com' }),
  ).rejects.toThrow(/503/);
  await h.publish(CP, 'sbt_aws_tenantUserCreated', { tenantId: 'v1', userId: 'u1', email: 'u1@example.com' });
  const path = '/tenants/v1/billing/users/u1';
  expect((await h.request({ method: 'GET', path, scopes: READ })).body.data).toMatchObject({
    userId: 'u1',
    email: 'u1@example.com',
  });
  expect(
    (await h.request({ method: 'PUT', path, scopes: WRITE, body: { billingRole: 'owner' } })).body.data,
  ).toMatchObject({ billingRole: 'owner' });
  vendor.failNext = 1;
  expect(await h.request({ method: 'GET', path, scopes: READ })).toEqual({
    status: 502,
    body: { message: 'Billing vendor error' },
  });
  await h.publish(CP, 'sbt_aws_tenantUserDeleted', { tenantId: 'v1', userId: 'u1' });
  expect((await h.request({ method: 'GET', path, scopes: READ })).status).toBe(404);
  await h.publish(CP, 'sbt_aws_offboardingRequest', { tenantId: 'v1' });
  await h.publish(CP, 'sbt_aws_offboardingRequest', { tenantId: 'v1' }); // already gone → ok
  expect(vendor.customers.has('v1')).toBe(false);
});

test('the vendor webhook (same signature scheme) mirrors billing state on the tenant and emits tenantUpdated once', async () => {
  const tenants = Object.entries(tables).find(([k]) => k.includes('tenants'))![1];
  await dynamo().send(
    new PutCommand({ TableName: tenants, Item: { tenantId: 'v2', tenantName: 'v2', tier: 'basic' } }),
  );
  const raw = JSON.stringify({
    type: 'subscription.updated',
    data: { tenantId: 'v2', plan: 'pro', paymentState: 'ok' },
  });
  const req = {
    method: 'POST',
    path: '/billing/vendor',
    body: raw,
    headers: webhookHeaders(SIGNING, 'evt_1', Math.floor(Date.now() / 1000), raw),
  };
  expect((await h.request(req)).body.status).toBe('applied');
  expect((await h.request(req)).body.status).toBe('duplicate');
  expect((await h.request({ ...req, headers: { ...req.headers, 'webhook-signature': 'v1,nope' } })).status).toBe(401);
  const item = (await dynamo().send(new GetCommand({ TableName: tenants, Key: { tenantId: 'v2' } }))).Item;
  expect(item).toMatchObject({ tier: 'pro', paymentState: 'ok' });
  expect(capture.ofType('sbt_aws_tenantUpdated').map((e) => e.detail)).toEqual([
    expect.objectContaining({ tenantId: 'v2', origin: 'billing', tier: 'pro' }),
  ]);
});
