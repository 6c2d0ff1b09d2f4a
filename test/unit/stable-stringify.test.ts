// The synth bundle writes cdk.tf.json through scripts/lib/stable-stringify.cjs instead of cdktf's
// json-stable-stringify: the bytes must be the same for any JSON document cdktf could hand it.
import fc from 'fast-check';

const ours = require('../../scripts/lib/stable-stringify.cjs') as (obj: unknown, opts?: unknown) => string;
// The copy cdktf itself loads (its dependency, not ours), resolved from cdktf's folder.
const CDKTF_STRINGIFY = 'json-stable-stringify';
const original = require(require.resolve(CDKTF_STRINGIFY, { paths: [require.resolve('cdktf')] })) as (
  obj: unknown,
  opts?: unknown,
) => string;

// JSON values plus what a resolved document may still hold: undefined members and entries, empty
// containers, keys that look like numbers, unicode.
const value = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom(undefined, null, true, false, 0, -1.5, 1e21, '', 'x', '${aws_x.y.arn}', 'é\u2028"\\'),
    fc.string(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.array(tie('node'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.string(), fc.constantFrom('10', '9', '//', 'a', 'B', '_')), tie('node'), {
      maxKeys: 5,
    }),
  ),
})).node;

test('same bytes as json-stable-stringify for space 2, 0, 4 and a string indent', () => {
  fc.assert(
    fc.property(value, fc.constantFrom<number | string>(2, 0, 4, '\t'), (doc, space) => {
      expect(ours(doc, { space })).toBe(original(doc, { space }));
    }),
    { numRuns: 2000 },
  );
});

test('toJSON and circular structures behave as in the original; other options are refused', () => {
  const withToJson = { b: { toJSON: () => ({ z: 1, a: [] }) }, a: new Date(0) };
  expect(ours(withToJson, { space: 2 })).toBe(original(withToJson, { space: 2 }));
  const cyclic: Record<string, unknown> = { a: 1 };
  cyclic.self = cyclic;
  expect(() => ours(cyclic, { space: 2 })).toThrow('Converting circular structure to JSON');
  const cmp = (a: { key: string }, b: { key: string }) => (a.key < b.key ? 1 : -1);
  expect(() => ours({ a: 1, b: 2 }, { space: 2, cmp })).toThrow('supports only { space }');
  expect(() => ours({ b: [1], a: {} })).toThrow('supports only { space }');
});
