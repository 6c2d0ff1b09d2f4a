// The meter routes under the one body policy (lambda/shared/http.ts): every body the probe found to be
// a 500 — unsafe integers, 1e400, tiny numbers, empty keys, deep nesting, huge bodies, 5,000-deep arrays,
// prototype keys — is a 4xx naming the field or the limit; extra fields are refused by name; a forged
// next_token on GET /meters is a 400.
import { synthStack } from '../../support/synth';
import { createTablesFromSynth, uniquePrefix } from '../../../local/tables';
import { SynthHarness } from '../../../local/synth-harness';
import { billingTestStack } from '../billing/test-stack';

const WRITE = ['metering/metering_write'];
const READ = ['metering/metering_read'];
let h: SynthHarness;
let meterId: string;

beforeAll(async () => {
  const json = synthStack(billingTestStack());
  h = new SynthHarness(json, {
    tables: await createTablesFromSynth(json as never, uniquePrefix('meter-validation')),
    busName: 'test-bus',
  });
  meterId = (
    await h.request({
      method: 'POST',
      path: '/meters',
      scopes: WRITE,
      body: { label: 'm', meterApiName: 'valid-meter', meterType: 'sum_of_all_usage' },
    })
  ).body.data.meterId;
});

const base = { label: 'm', meterApiName: 'm-1', meterType: 'sum_of_all_usage' };
const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
const nested = (n: number): unknown => (n ? { a: nested(n - 1) } : 1);

const CASES: [string, string, number, RegExp][] = [
  [
    'unsafe integer',
    `{"label":"m","meterApiName":"m-1","meterType":"sum_of_all_usage","description":"x","useInBilling":true,"label2":9007199254740993}`,
    400,
    /label2|safe|2\^53/,
  ],
  ['1e400', `{"label":"m","meterApiName":"m-1","meterType":"sum_of_all_usage","x":1e400}`, 400, /'x'.*out of range/],
  ['tiny number', `{"label":"m","meterApiName":"m-1","meterType":"sum_of_all_usage","x":1e-400}`, 400, /too small/],
  ['1e-200', `{"label":"m","meterApiName":"m-1","meterType":"sum_of_all_usage","x":1e-200}`, 400, /'x'.*magnitude/],
  ['empty key', `{"label":"m","meterApiName":"m-1","meterType":"sum_of_all_usage","":1}`, 400, /empty attribute name/],
  [
    'nested empty key',
    `{"label":"m","meterApiName":"m-1","meterType":"sum_of_all_usage","x":{"":1}}`,
    400,
    /'x'.*empty attribute name/,
  ],
  ['depth 33', JSON.stringify({ ...base, x: nested(33) }), 400, /nested deeper than 32/],
  [
    '5,000-deep array',
    `{"label":"m","meterApiName":"m-1","meterType":"sum_of_all_usage","x":${deep(5000)}}`,
    400,
    /nested deeper than 32/,
  ],
  ['over 256 KB', JSON.stringify({ ...base, description: 'x'.repeat(300 * 1024) }), 413, /limit is 262144 bytes/],
  ['over 400 KB', JSON.stringify({ ...base, description: 'x'.repeat(410 * 1024) }), 413, /limit is 262144 bytes/],
  [
    '__proto__',
    `{"label":"m","meterApiName":"m-1","meterType":"sum_of_all_usage","__proto__":{"x":1}}`,
    400,
    /'__proto__'.*not allowed/,
  ],
  [
    'nested __proto__',
    `{"label":"m","meterApiName":"m-1","meterType":"sum_of_all_usage","x":{"__proto__":{"y":1}}}`,
    400,
    /'x.__proto__'.*not allowed/,
  ],
  ['extra field', JSON.stringify({ ...base, color: 'red' }), 400, /color/],
  ['wrong type', JSON.stringify({ ...base, label: 5 }), 400, /field 'label': .*expected string/],
  ['bad enum', JSON.stringify({ ...base, meterType: 'nope' }), 400, /field 'meterType': .*expected one of/],
];

test.each(CASES)('POST /meters, %s → %d naming it', async (_name, body, status, message) => {
  const res = await h.request({ method: 'POST', path: '/meters', scopes: WRITE, body });
  expect([res.status, res.body.message]).toEqual([status, expect.stringMatching(message)]);
});

test.each(CASES)('PUT /meters/{id}, %s → %d naming it', async (_name, body, status, message) => {
  const res = await h.request({ method: 'PUT', path: `/meters/${meterId}`, scopes: WRITE, body });
  expect([res.status, res.body.message]).toEqual([status, expect.stringMatching(message)]);
});

test('documented extras are kept; nothing else', async () => {
  const res = await h.request({
    method: 'POST',
    path: '/meters',
    scopes: WRITE,
    body: {
      ...base,
      meterApiName: 'with-extras',
      description: 'API calls',
      dimensions: ['region'],
      useInBilling: true,
    },
  });
  expect(res.status).toBe(201);
  expect(res.body.data).toMatchObject({ description: 'API calls', dimensions: ['region'], useInBilling: true });
});

test.each([
  ['a non-object', Buffer.from('"x"').toString('base64url')],
  ['an array', Buffer.from('[1]').toString('base64url')],
  ['a wrong partition', Buffer.from(JSON.stringify({ pk: 'NAME', sk: 'x' })).toString('base64url')],
  ['a number key', Buffer.from(JSON.stringify({ pk: 'METER', sk: 5 })).toString('base64url')],
  ['an extra attribute', Buffer.from(JSON.stringify({ pk: 'METER', sk: 'x', z: 1 })).toString('base64url')],
  ['a missing sk', Buffer.from(JSON.stringify({ pk: 'METER' })).toString('base64url')],
  ['an empty sk', Buffer.from(JSON.stringify({ pk: 'METER', sk: '' })).toString('base64url')],
  ['a map sk', Buffer.from(JSON.stringify({ pk: 'METER', sk: { S: 'x' } })).toString('base64url')],
  ['a huge sk', Buffer.from(JSON.stringify({ pk: 'METER', sk: 'x'.repeat(5000) })).toString('base64url')],
  ['garbage', '!!!'],
  ['an empty object', Buffer.from('{}').toString('base64url')],
])('GET /meters with a forged next_token (%s) → 400', async (_n, token) => {
  const res = await h.request({ method: 'GET', path: '/meters', scopes: READ, query: { next_token: token } });
  expect([res.status, res.body.message]).toEqual([400, expect.stringMatching(/next_token/)]);
});
