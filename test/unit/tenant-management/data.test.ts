// Client and job data (lambda/tenant-management/domain/data.ts) as a table: every refusal is a 400/413
// naming the field, managed attributes can never be written, what is accepted is kept verbatim.
import {
  checkConventionalFields,
  clientData,
  deepEqual,
  jobData,
  MANAGED_FIELDS,
  MAX_DATA_BYTES,
} from '../../../lambda/tenant-management/domain/data';
import { httpStatusOf } from '../../../lambda/shared/http';

const refusal = (fn: () => unknown): { status: number; message: string } | undefined => {
  try {
    fn();
    return undefined;
  } catch (e) {
    const status = httpStatusOf(e); // the status the HTTP edge answers this domain error with
    if (status === undefined) throw e;
    return { status, message: (e as Error).message };
  }
};
const nest = (depth: number): unknown => (depth === 0 ? 'leaf' : { a: nest(depth - 1) });

test("the managed fields are exactly the control plane's bookkeeping", () => {
  expect([...MANAGED_FIELDS].sort()).toEqual(
    [
      'createdAt',
      'lastError',
      'lifecycleHistory',
      'lifecycleState',
      'listPartition',
      'requestFingerprint',
      'sbtaws_active',
      'tenantId',
      'tenantRegistrationId',
      'updatedAt',
      'version',
    ].sort(),
  );
});

describe('clientData refuses, naming the field', () => {
  test.each<[string, unknown, string, { dropIds?: boolean }, number, string]>([
    ['a string body', 'x', '', {}, 400, "Invalid request body: field 'body': expected an object"],
    ['an array', [1], 'tenantData', {}, 400, "Invalid request body: field 'tenantData': expected an object"],
    ['a number', 5, 'tenantData', {}, 400, "Invalid request body: field 'tenantData': expected an object"],
    [
      'an empty attribute name',
      { '': 1 },
      'tenantData',
      {},
      400,
      "Invalid request body: field 'tenantData': empty attribute names are not allowed",
    ],
    [
      'an empty nested name',
      { a: { '': 1 } },
      '',
      {},
      400,
      "Invalid request body: field 'a': empty attribute names are not allowed",
    ],
    [
      'a managed field',
      { lifecycleState: 'ACTIVE' },
      'tenantData',
      {},
      400,
      "Invalid request body: field 'tenantData.lifecycleState': is managed by the control plane and cannot be set",
    ],
    [
      'a managed field at the top',
      { version: 3 },
      '',
      {},
      400,
      "Invalid request body: field 'version': is managed by the control plane and cannot be set",
    ],
    [
      'an id without dropIds',
      { tenantId: 'x' },
      '',
      {},
      400,
      "Invalid request body: field 'tenantId': is managed by the control plane and cannot be set",
    ],
    [
      'NaN-like Infinity',
      { n: Infinity },
      '',
      {},
      400,
      "Invalid request body: field 'n': number is out of range (magnitude ≥ 1e+126); send it as a string",
    ],
    [
      'an unsafe integer',
      { n: 2 ** 53 },
      '',
      {},
      400,
      "Invalid request body: field 'n': integer beyond ±(2^53 - 1) cannot be kept exactly; send it as a string",
    ],
    [
      'a too-large magnitude',
      { n: -1.5e126 },
      '',
      {},
      400,
      "Invalid request body: field 'n': integer beyond ±(2^53 - 1) cannot be kept exactly; send it as a string",
    ],
    [
      'a too-small magnitude',
      { n: 1.5e-131 },
      '',
      {},
      400,
      "Invalid request body: field 'n': number magnitude must be 0 or within [1e-130, 1e+126); send it as a string",
    ],
    [
      'a bad number in an array',
      { list: [1, Infinity] },
      'd',
      {},
      400,
      "Invalid request body: field 'd.list.1': number is out of range (magnitude ≥ 1e+126); send it as a string",
    ],
    // (nesting depth is one policy for every body, checked before parsing: lambda/shared/http.ts, its own tests)
    [
      'more than 200 fields',
      Object.fromEntries(Array.from({ length: 201 }, (_, i) => [`f${i}`, i])),
      'tenantData',
      {},
      400,
      "Invalid request body: field 'tenantData': more than 200 fields",
    ],
    [
      'more than 64 KiB',
      { big: 'x'.repeat(MAX_DATA_BYTES) },
      'tenantData',
      {},
      413,
      `Request body too large: field 'tenantData' exceeds ${MAX_DATA_BYTES} bytes`,
    ],
  ])('%s', (_label, raw, where, opts, status, message) => {
    expect(refusal(() => clientData(raw, where, opts))).toEqual({ status, message });
  });
});

test('clientData accepts and keeps verbatim: nothing → {}, ids dropped only with dropIds, undefined skipped, limits inclusive', () => {
  expect(clientData(undefined, 'x')).toEqual({});
  expect(clientData(null, 'x')).toEqual({});
  expect(clientData({ tenantId: 'a', tenantRegistrationId: 'b', tier: 'basic' }, '', { dropIds: true })).toEqual({
    tier: 'basic',
  });
  expect(refusal(() => clientData({ lifecycleState: 'x' }, '', { dropIds: true }))?.status).toBe(400); // only the ids are dropped
  const ok = {
    zero: 0,
    neg: -0.5,
    small: 1e-130,
    safe: 2 ** 53 - 1,
    s: '',
    b: false,
    n: null,
    nested: nest(15),
    list: [1, 'a', { k: [] }],
    u: undefined,
  };
  const { u: _u, ...kept } = ok;
  expect(clientData(ok, '')).toEqual(kept);
  expect(Object.keys(clientData(ok, ''))).not.toContain('u');
  expect(
    Object.keys(clientData(Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`f${i}`, i])), '')),
  ).toHaveLength(200);
  const atLimit = { big: 'x'.repeat(MAX_DATA_BYTES - '{"big":""}'.length) };
  expect(clientData(atLimit, '')).toEqual(atLimit);
});

describe('conventional fields: strings of 1–256 characters, email shaped like one', () => {
  test.each<[Record<string, unknown>, string, string | undefined]>([
    [
      { tenantName: 42 },
      'tenantData',
      "Invalid request body: field 'tenantData.tenantName': expected a string of 1-256 characters",
    ],
    [{ email: '' }, '', "Invalid request body: field 'email': expected a string of 1-256 characters"],
    [{ tier: 'x'.repeat(257) }, 'd', "Invalid request body: field 'd.tier': expected a string of 1-256 characters"],
    [{ email: 'no-at-sign' }, '', "Invalid request body: field 'email': not an email address"],
    [{ email: 'a b@c' }, 'd', "Invalid request body: field 'd.email': not an email address"],
    [{ email: 'a@b' }, '', undefined],
    [{ tier: 'x'.repeat(256), tenantName: 'y' }, '', undefined],
    [{ other: 42 }, '', undefined],
  ])('%j at %p', (data, where, message) => {
    expect(refusal(() => checkConventionalFields(data, where))?.message).toBe(message);
  });
});

test('jobData never fails: non-objects → {}, managed, empty-named and undefined fields dropped', () => {
  for (const raw of [undefined, null, 'x', 3, [1, 2]]) expect(jobData(raw)).toEqual({});
  expect(
    jobData({
      tenantStatus: 'created',
      '': 1,
      u: undefined,
      lifecycleState: 'ACTIVE',
      version: 9,
      tenantId: 'x',
      n: null,
      nested: { lifecycleState: 'kept inside' },
    }),
  ).toEqual({
    tenantStatus: 'created',
    n: null,
    nested: { lifecycleState: 'kept inside' },
  });
});

test('deepEqual compares by value', () => {
  expect(deepEqual({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toBe(true);
  expect(deepEqual({ a: 1 }, { a: '1' })).toBe(false);
  expect(deepEqual(undefined, undefined)).toBe(true);
  expect(deepEqual(undefined, null)).toBe(false);
});
