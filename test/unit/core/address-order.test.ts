// compareAddresses orders the moved blocks without loading ICU's collator; it must order exactly as
// localeCompare did (the synthesized `moved` list must not change), for the shipped histories and for any
// string over the address alphabet, mixed case included, and fall back to localeCompare for anything else.
import fc from 'fast-check';
import { compareAddresses, loadAddressHistory } from '../../../src/core/address-history';

const sign = (n: number) => Math.sign(n);

test('every shipped address history sorts as localeCompare sorts it', () => {
  for (const name of ['control-plane', 'application-plane', 'marketplace']) {
    const h = loadAddressHistory(name);
    const all = [...new Set([...h.addresses, ...Object.keys(h.moved), ...Object.values(h.moved)])];
    expect(all.length).toBeGreaterThan(10);
    expect([...all].sort(compareAddresses)).toEqual([...all].sort((a, b) => a.localeCompare(b)));
  }
});

test('agrees with localeCompare on any pair of address-like strings (punctuation, digits, both cases)', () => {
  const address = fc.string({ unit: fc.constantFrom(...'_-.[]09aAbBzZ'), maxLength: 8 });
  fc.assert(
    fc.property(address, address, (a, b) => {
      expect(sign(compareAddresses(a, b))).toBe(sign(a.localeCompare(b)));
    }),
    { numRuns: 5000 },
  );
});

test('falls back to localeCompare outside the address alphabet', () => {
  for (const [a, b] of [
    ['aws_x.é', 'aws_x.f'],
    ['aws_x/a', 'aws_x.a'],
    ['a a', 'a_a'],
    ['aws_x.Ω', 'aws_x.z'],
  ])
    expect(sign(compareAddresses(a!, b!))).toBe(sign(a!.localeCompare(b!)));
});
