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
  const seen = new Set<string>();
  let a = address;
  while (history.moved[a] !== undefined) {
    if (seen.has(a)) throw new Error(`moved entries form a cycle through ${a}`);
    seen.add(a);
    a = history.moved[a]!;
  }
  return a;
}

/** `moved` blocks (Terraform JSON syntax: bare addresses) for the moves whose final target is declared. */
export function movedBlocks(history: AddressHistory, declared: ReadonlySet<string>): { from: string; to: string }[] {
  return Object.entries(history.moved)
    .filter(([from]) => declared.has(finalAddress(history, from)))
    .sort(([a], [b]) => a.localeCompare(b))
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
