// Fuzz: the metering and billing routes along the synthesized route table (SynthHarness: JWT scopes,
// handlers with exactly their declared environment) against DynamoDB Local. Webhook bodies are signed,
// so adversarial bodies reach the parser. Property: no 5xx; afterwards every meter name claim points to
// a meter of that name and every meter holds its claim.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { randomBytes, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { webhookHeaders } from '../../lambda/billing/domain/webhook-signature';
import { queryAll } from '../../lambda/shared/dynamodb';
import { EventBridgeCapture } from '../../local/eventbridge-capture';
import { SynthHarness } from '../../local/synth-harness';
import { createTablesFromSynth, uniquePrefix } from '../../local/tables';
import { synthStack } from '../support/synth';
import { SecretsManagerFake } from '../integration/billing/secrets-fake';
import { billingTestStack } from '../integration/billing/test-stack';
import {
  bodies,
  fiveHundreds,
  startSuite,
  fuzzRoute,
  jsonValue,
  listQuery,
  pathValues,
  writeReport,
  type Reply,
} from './fuzz-engine';

jest.setTimeout(6 * 60 * 60 * 1000);
startSuite('metering-billing');
const SCOPES = ['metering/metering_read', 'metering/metering_write', 'billing/billing_read', 'billing/billing_write'];
const SECRET = `whsec_${randomBytes(24).toString('base64')}`;
let h: SynthHarness;
let tables: Record<string, string>;
let capture: EventBridgeCapture;
let secrets: SecretsManagerFake;
let meterId = '';
const db = DynamoDBDocumentClient.from(new DynamoDBClient({}));

beforeAll(async () => {
  const json = synthStack(billingTestStack());
  tables = await createTablesFromSynth(json as never, uniquePrefix('fuzz-mb'));
  capture = await new EventBridgeCapture().start();
  secrets = await new SecretsManagerFake().start();
  h = new SynthHarness(json, { tables, busName: 'test-bus' });
  secrets.set(h.secretArnOf(h.secretLogical('signing')), SECRET);
  meterId = (await req('POST', '/meters', { label: 'fuzz', meterApiName: 'fuzz-meter', meterType: 'sum_of_all_usage' }))
    .body.data.meterId;
  await h.publish('sbt.control.plane', 'sbt_aws_onboardingRequest', {
    tenantId: 't-fuzz',
    tenantName: 'fuzz',
    email: 'f@example.com',
    tier: 'basic',
    tenantRegistrationId: 'r-fuzz',
  });
});
afterAll(async () => {
  writeReport('metering-billing', await integrity());
  await capture.stop();
  await secrets.stop();
});

const req = (
  method: string,
  path: string,
  body?: unknown,
  query?: Record<string, string>,
  headers?: Record<string, string>,
) => h.request({ method, path, body, query, headers, scopes: SCOPES });
/** Path values the URL can carry (lone surrogates cannot be percent-encoded). */
const seg = (s: string) => encodeURIComponent(s);
const encodable = (arb: fc.Arbitrary<string>) =>
  arb.filter((s) => {
    try {
      return seg(s).length > 0;
    } catch {
      return false;
    }
  });

const meterBody = fc.record(
  {
    label: fc.string({ minLength: 1, maxLength: 30 }),
    meterApiName: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,20}$/),
    meterType: fc.constantFrom('sum_of_all_usage', 'max', 'unique_count', 'nope'),
    description: fc.string({ maxLength: 40 }),
    dimensions: fc.array(fc.string({ maxLength: 10 }), { maxLength: 3 }),
  },
  { requiredKeys: ['label', 'meterApiName', 'meterType'] },
);
const meterIds = encodable(pathValues(() => meterId));
const tenantIds = encodable(pathValues(() => 't-fuzz'));
const usageQuery = fc.record(
  {
    meterApiName: fc.oneof(fc.constant('fuzz-meter'), fc.string({ maxLength: 20 })),
    startTimeInSeconds: fc.oneof(fc.nat().map(String), fc.string({ maxLength: 12 })),
    endTimeInSeconds: fc.oneof(fc.nat().map(String), fc.constantFrom('1e400', '-1', '9007199254740993')),
    tenantId: fc.string({ maxLength: 20 }),
  },
  { requiredKeys: [] },
);
const cancelBody = fc.record({
  id: fc.string({ minLength: 1, maxLength: 20 }),
  meterApiName: fc.constantFrom('fuzz-meter', 'other'),
  tenantId: fc.string({ minLength: 1, maxLength: 20 }),
  ingestionTimeRange: fc.record({ startTimeInSeconds: fc.nat(), endTimeInSeconds: fc.nat() }),
});
const billingUser = fc.record(
  { email: fc.emailAddress(), name: fc.string({ maxLength: 30 }), billingRole: fc.string({ maxLength: 20 }) },
  { requiredKeys: [] },
);
const webhook = fc.record({
  type: fc.constantFrom('subscription.updated', 'payment.failed', 'x'),
  data: fc.record(
    {
      tenantId: fc.constantFrom('t-fuzz', 'unknown'),
      plan: fc.string({ maxLength: 10 }),
      billingStatus: fc.constantFrom('active', 'past_due', 'x'),
    },
    { requiredKeys: ['tenantId'] },
  ),
});

async function run(route: string, arb: fc.Arbitrary<unknown>, call: (x: never) => Promise<Reply>) {
  const r = await fuzzRoute(route, arb, call as (x: unknown) => Promise<Reply>);
  expect([route, fiveHundreds(r), r.failures]).toEqual([route, 0, []]);
}

test('POST /meters', () => run('POST /meters', bodies(meterBody), (b: unknown) => req('POST', '/meters', b)));
test('GET /meters', () =>
  run('GET /meters', listQuery, (q: Record<string, string>) => req('GET', '/meters', undefined, q)));
test('GET /meters/{meterId}', () =>
  run('GET /meters/{meterId}', meterIds, (id: string) => req('GET', `/meters/${seg(id)}`)));
test('PUT /meters/{meterId}', () =>
  run('PUT /meters/{meterId}', fc.tuple(meterIds, bodies(meterBody)), ([id, b]: [string, unknown]) =>
    req('PUT', `/meters/${seg(id)}`, b),
  ));
test('DELETE /meters/{meterId}', () =>
  run(
    'DELETE /meters/{meterId}',
    encodable(
      pathValues(
        () => 'not-the-anchor',
        () => randomUUID(),
      ),
    ),
    (id: string) => req('DELETE', `/meters/${seg(id)}`),
  ));
test('GET /usage/{meterId}', () =>
  run('GET /usage/{meterId}', fc.tuple(meterIds, usageQuery), ([id, q]: [string, Record<string, string>]) =>
    req('GET', `/usage/${seg(id)}`, undefined, q),
  ));
test('DELETE /usage', () => run('DELETE /usage', bodies(cancelBody), (b: unknown) => req('DELETE', '/usage', b)));
test('GET /tenants/{tenantId}/billing', () =>
  run('GET /tenants/{tenantId}/billing', tenantIds, (id: string) => req('GET', `/tenants/${seg(id)}/billing`)));
test('GET /tenants/{tenantId}/billing/users/{userId}', () =>
  run(
    'GET /tenants/{tenantId}/billing/users/{userId}',
    fc.tuple(tenantIds, encodable(pathValues(() => 'u-1'))),
    ([t, u]: [string, string]) => req('GET', `/tenants/${seg(t)}/billing/users/${seg(u)}`),
  ));
test('PUT /tenants/{tenantId}/billing/users/{userId}', () =>
  run(
    'PUT /tenants/{tenantId}/billing/users/{userId}',
    fc.tuple(tenantIds, encodable(pathValues(() => 'u-1')), bodies(billingUser)),
    ([t, u, b]: [string, string, unknown]) => req('PUT', `/tenants/${seg(t)}/billing/users/${seg(u)}`, b),
  ));
test('POST /billing/webhook (signed, so adversarial bodies reach the parser)', () =>
  run('POST /billing/webhook', fc.tuple(bodies(webhook), fc.boolean(), jsonValue), ([b, sign]: [unknown, boolean]) => {
    const raw = typeof b === 'string' ? b : JSON.stringify(b);
    const headers = sign
      ? {
          ...webhookHeaders(SECRET, `msg_${randomUUID()}`, Math.floor(Date.now() / 1000), raw),
          'content-type': 'application/json',
        }
      : { 'content-type': 'application/json' };
    return h.request({ method: 'POST', path: '/billing/webhook', body: raw, headers });
  }));

/** Meter name claims ↔ meters. */
async function integrity(): Promise<Record<string, string[]>> {
  const table = Object.entries(tables).find(([k]) => k.includes('meters'))![1];
  const all = (pk: string) =>
    queryAll(db, {
      TableName: table,
      KeyConditionExpression: 'pk = :p',
      ExpressionAttributeValues: { ':p': pk },
      ConsistentRead: true,
    });
  const meters = await all('METER');
  const names = await all('NAME');
  return {
    orphanedNameClaims: names
      .filter((n) => !meters.some((m) => m.meterId === n.meterId && m.meterApiName === n.sk))
      .map((n) => String(n.sk)),
    metersWithoutClaim: meters
      .filter((m) => !names.some((n) => n.sk === m.meterApiName && n.meterId === m.meterId))
      .map((m) => String(m.meterId)),
    pollutedPrototype: 'polluted' in {} ? ['Object.prototype was polluted'] : [],
  };
}

test('integrity after the fuzz: meter names and meters agree', async () => {
  expect(await integrity()).toEqual({ orphanedNameClaims: [], metersWithoutClaim: [], pollutedPrototype: [] });
});
