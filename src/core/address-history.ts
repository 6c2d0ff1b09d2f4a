/**
 * Address history of the product stacks / modules (src/address-history/<name>.json):
 *  - `addresses`: every managed-resource address any release has had (append-only: `npm run modules`
 *    adds new ones, nothing removes them). The address test fails when one of them is neither declared
 *    now nor moved (through a chain of `moved` entries) to a declared one — i.e. when an upgrade would
 *    make Terraform destroy a user's resource.
 *  - `moved`: from → to, shipped as `moved` blocks in the stack and the module.
 * Pure data and functions; the JSON files are bundled (no file reads at synth time).
 */
import applicationPlane from '../address-history/application-plane.json';
import controlPlane from '../address-history/control-plane.json';
import marketplace from '../address-history/marketplace.json';

export interface AddressHistory {
  readonly addresses: readonly string[];
  readonly moved: Readonly<Record<string, string>>;
}

const HISTORY: Record<string, AddressHistory> = {
  'application-plane': applicationPlane,
  'control-plane': controlPlane,
  marketplace,
};

export function loadAddressHistory(name: string): AddressHistory {
  const h = HISTORY[name];
  if (!h) throw new Error(`no address history '${name}' (known: ${Object.keys(HISTORY).sort().join(', ')})`);
  return h;
}

/** Where `address` ends up after following `moved` (itself when not moved); throws on a cycle. */
export function finalAddress(history: AddressHistory, address: string): string {
  let seen: Set<string> | undefined;
  let a = address;
  while (history.moved[a] !== undefined) {
    seen ??= new Set<string>();
    if (seen.has(a)) throw new Error(`moved entries form a cycle through ${a}`);
    seen.add(a);
    a = history.moved[a]!;
  }
  return a;
}

/** Primary weights (by char code) of the characters addresses use, in ICU root collation order; -1: other. */
const PRIMARY = new Int8Array(128).fill(-1);
[...'_-.[]0123456789abcdefghijklmnopqrstuvwxyz'].forEach((c, i) => {
  PRIMARY[c.charCodeAt(0)] = i;
  PRIMARY[c.toUpperCase().charCodeAt(0)] = i;
});
const COLLATABLE = /^[-_.[\]0-9A-Za-z]*$/;

/**
 * `a.localeCompare(b)` (ICU root collation: punctuation, then digits, then letters; case only breaks ties,
 * lowercase first, left to right) for strings of letters, digits and `_-.[]`, without `localeCompare`:
 * its first call loads ICU's collator, which cost more than the rest of the moved blocks together in a
 * synth profile. Any other character falls back to `localeCompare` (test/unit/core/address-order.test.ts
 * checks the two agree).
 */
export function compareAddresses(a: string, b: string): number {
  if (!COLLATABLE.test(a) || !COLLATABLE.test(b)) return a.localeCompare(b);
  let caseOrder = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if (PRIMARY[x] !== PRIMARY[y]) return PRIMARY[x]! < PRIMARY[y]! ? -1 : 1;
    if (caseOrder === 0) caseOrder = x >= 97 ? -1 : 1; // same letter, other case: lowercase first
  }
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return caseOrder;
}

/** `moved` blocks (Terraform JSON syntax: bare addresses) for the moves whose final target is declared. */
export function movedBlocks(history: AddressHistory, declared: ReadonlySet<string>): { from: string; to: string }[] {
  return Object.entries(history.moved)
    .filter(([from]) => declared.has(finalAddress(history, from)))
    .sort(([a], [b]) => compareAddresses(a, b))
    .map(([from, to]) => ({ from, to }));
}

/**
 * Problems of `history` against the addresses a generation declares now: a released address that is gone
 * without a move (an upgrade would destroy it), a move whose target is gone, a move whose source is still
 * declared (Terraform rejects that).
 */
export function addressProblems(history: AddressHistory, declared: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  for (const a of history.addresses) {
    const to = finalAddress(history, a);
    if (!declared.has(to)) {
      problems.push(
        to === a
          ? `${a} was released but is no longer declared: add a moved entry to its new address (or accept the destroy by removing it from the history, with a CHANGELOG line)`
          : `${a} moves to ${to}, which is not declared`,
      );
    }
  }
  for (const from of Object.keys(history.moved)) {
    if (declared.has(from)) problems.push(`${from} is still declared but also moved to ${history.moved[from]}`);
  }
  return problems.sort();
}
