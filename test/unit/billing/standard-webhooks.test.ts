// Our webhook signatures judged by the Standard Webhooks reference library (`standardwebhooks` on npm): the
// spec's published vector, the reference library's own verification scenarios replayed against both, and
// signatures made by one side verified by the other for any key, id, timestamp and body.
// The handler keeps its own 90 lines (node:crypto) rather than bundling the library: verification there is
// pure (the clock is injected; the library reads Date.now()), accepts rotated secrets in one value, reports
// why it refused (logged), and HMACs with node:crypto instead of the library's pure-JS SHA-256.
import * as fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import { signWebhook, verifyWebhook, webhookHeaders } from '../../../lambda/billing/domain/webhook-signature';

// The example of the spec and of every reference library (javascript/src/webhook.test.ts "sign function works").
const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  payload: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};

const ours = (secretValue: string, h: Record<string, string | undefined>, rawBody: string, nowSeconds: number) =>
  verifyWebhook({
    secretValue,
    headers: { id: h['webhook-id'], timestamp: h['webhook-timestamp'], signature: h['webhook-signature'] },
    rawBody,
    nowSeconds,
  });

/** The reference library's verdict at `nowSeconds` (it reads the wall clock, so the clock is set). */
function theirs(secret: string, h: Record<string, string | undefined>, rawBody: string, nowSeconds: number): boolean {
  jest.setSystemTime(nowSeconds * 1000);
  try {
    new Webhook(secret).verify(
      rawBody,
      Object.fromEntries(Object.entries(h).filter(([, v]) => v !== undefined)) as Record<string, string>,
      {
        jsonParse: false,
      },
    );
    return true;
  } catch {
    return false;
  }
}

beforeAll(() => jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'setTimeout', 'clearTimeout'] }));
afterAll(() => jest.useRealTimers());

test("the published vector: our signature is the spec's, and we accept it", () => {
  expect(signWebhook(VECTOR.secret, VECTOR.id, VECTOR.timestamp, VECTOR.payload)).toBe(VECTOR.signature);
  expect(new Webhook(VECTOR.secret).sign(VECTOR.id, new Date(VECTOR.timestamp * 1000), VECTOR.payload)).toBe(
    VECTOR.signature,
  );
  const h = {
    'webhook-id': VECTOR.id,
    'webhook-timestamp': String(VECTOR.timestamp),
    'webhook-signature': VECTOR.signature,
  };
  expect(ours(VECTOR.secret, h, VECTOR.payload, VECTOR.timestamp)).toEqual({
    ok: true,
    id: VECTOR.id,
    timestamp: VECTOR.timestamp,
  });
});

describe("the reference library's verification scenarios: same verdict from both", () => {
  const T = VECTOR.timestamp;
  const valid = webhookHeaders(VECTOR.secret, VECTOR.id, T, VECTOR.payload);
  const without = (k: string) => Object.fromEntries(Object.entries(valid).filter(([n]) => n !== k));
  const bogus = 'v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=';
  const cases: [string, Record<string, string | undefined>, string, number, boolean][] = [
    ['valid signature', valid, VECTOR.payload, T, true],
    ['missing id', without('webhook-id'), VECTOR.payload, T, false],
    ['missing timestamp', without('webhook-timestamp'), VECTOR.payload, T, false],
    ['missing signature', without('webhook-signature'), VECTOR.payload, T, false],
    ['invalid timestamp', { ...valid, 'webhook-timestamp': 'hello' }, VECTOR.payload, T, false],
    ['invalid signature', { ...valid, 'webhook-signature': 'v1,dawfeoifkpqwoekfpqoekf' }, VECTOR.payload, T, false],
    [
      'partial signature',
      { ...valid, 'webhook-signature': valid['webhook-signature']!.slice(0, 8) },
      VECTOR.payload,
      T,
      false,
    ],
    ['empty v1 signature', { ...valid, 'webhook-signature': 'v1,' }, VECTOR.payload, T, false],
    [
      'several signatures, one valid, v2 ignored',
      { ...valid, 'webhook-signature': `${bogus} v2,${bogus.slice(3)} ${valid['webhook-signature']} ${bogus}` },
      VECTOR.payload,
      T,
      true,
    ],
    [
      'the valid signature only as v2',
      { ...valid, 'webhook-signature': `v2,${valid['webhook-signature']!.slice(3)}` },
      VECTOR.payload,
      T,
      false,
    ],
    ['tampered body', valid, VECTOR.payload.replace('2', '3'), T, false],
    ['timestamp too old (tolerance + 1 s)', valid, VECTOR.payload, T + 301, false],
    ['timestamp too new (tolerance + 1 s)', valid, VECTOR.payload, T - 301, false],
    ['at the edge of the 5-minute tolerance', valid, VECTOR.payload, T + 300, true],
  ];
  test.each(cases)('%s', (_name, headers, body, now, expected) => {
    expect(theirs(VECTOR.secret, headers, body, now)).toBe(expected);
    expect(ours(VECTOR.secret, headers, body, now).ok).toBe(expected);
  });
});

test('a secret without the whsec_ prefix: the library reads base64, we read UTF-8 (documented); whsec_ is the portable form', () => {
  const bare = VECTOR.secret.slice('whsec_'.length);
  const h = {
    'webhook-id': VECTOR.id,
    'webhook-timestamp': String(VECTOR.timestamp),
    'webhook-signature': VECTOR.signature,
  };
  expect(theirs(bare, h, VECTOR.payload, VECTOR.timestamp)).toBe(true);
  expect(ours(bare, h, VECTOR.payload, VECTOR.timestamp).ok).toBe(false);
  expect(ours(`whsec_${bare}`, h, VECTOR.payload, VECTOR.timestamp).ok).toBe(true);
});

// Printable ASCII ids (what both accept), any key bytes, any UTF-16 body (lone surrogates included: both encode
// them as U+FFFD), timestamps from 2001 to 2286.
const id = fc.string({
  unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)),
  minLength: 1,
  maxLength: 64,
});
const key = fc.uint8Array({ minLength: 1, maxLength: 64 });
const body = fc.string({ unit: 'binary', maxLength: 200 });
const ts = fc.integer({ min: 1_000_000_000, max: 9_999_999_999 });
const whsec = (k: Uint8Array) => `whsec_${Buffer.from(k).toString('base64')}`;

test('property: signed by the library, verified by us; signed by us, verified by the library', () => {
  fc.assert(
    fc.property(key, id, ts, body, (k, msgId, t, payload) => {
      const secret = whsec(k);
      const theirSignature = new Webhook(secret).sign(msgId, new Date(t * 1000), payload);
      expect(signWebhook(secret, msgId, t, payload)).toBe(theirSignature);
      const h = { 'webhook-id': msgId, 'webhook-timestamp': String(t), 'webhook-signature': theirSignature };
      expect(ours(secret, h, payload, t).ok).toBe(true);
      expect(theirs(secret, webhookHeaders(secret, msgId, t, payload), payload, t)).toBe(true);
    }),
    { numRuns: 300 },
  );
});

test('property: a body changed by one character fails both', () => {
  fc.assert(
    fc.property(key, id, ts, fc.string({ minLength: 1, maxLength: 100 }), fc.nat(), (k, msgId, t, payload, at) => {
      const secret = whsec(k);
      const i = at % payload.length;
      const changed = payload.slice(0, i) + String.fromCharCode(payload.charCodeAt(i) ^ 1) + payload.slice(i + 1);
      const h = webhookHeaders(secret, msgId, t, payload);
      expect(theirs(secret, h, changed, t)).toBe(false);
      expect(ours(secret, h, changed, t).ok).toBe(false);
    }),
    { numRuns: 200 },
  );
});
