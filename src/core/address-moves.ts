/**
 * Finds where each resource of an earlier generation of a module went in the current one, so a rename
 * ships `moved` blocks instead of a destroy (`npm run modules -- --record-moves <git-rev>`).
 *
 * Matching is by content, not by name: an old and a new resource of one type are the same resource when
 * their bodies are equal once the references inside them are rewritten through the matches found so far.
 * Resources without references to other resources match first (tables named after `var.name_prefix`,
 * data sources), and each round lets the ones referring to them match, until nothing changes. Attributes
 * every resource gained at once (`tags`) are left out of the comparison; `extraNormalize` lets a caller
 * fold other known, deliberate rewrites (e.g. `data.aws_region.x.region` → `.id`).
 * Pure functions over parsed `main.tf.json` content.
 */

type Json = Record<string, unknown>;

/** `type.name` (resources) and `data.type.name` (data sources) → body. */
export function elementsOf(main: Json): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [kind, prefix] of [
    ['resource', ''],
    ['data', 'data.'],
  ] as const) {
    for (const [type, byName] of Object.entries((main[kind] ?? {}) as Record<string, Json>)) {
      for (const [name, body] of Object.entries(byName)) out.set(`${prefix}${type}.${name}`, body);
    }
  }
  return out;
}

const typeOf = (address: string) =>
  address.replace(/^data\./, '').split('.')[0]! + (address.startsWith('data.') ? ':data' : '');

const REF = /\b(data\.)?(aws_[a-z0-9_]+)\.([A-Za-z0-9_-]+)/g;

function canonical(body: unknown, ignore: ReadonlySet<string>): string {
  const sort = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(sort);
    if (x && typeof x === 'object') {
      return Object.fromEntries(
        Object.keys(x as Json)
          .filter((k) => !ignore.has(k))
          .sort()
          .map((k) => [k, sort((x as Json)[k])]),
      );
    }
    return x;
  };
  return JSON.stringify(sort(body));
}

export interface MatchOptions {
  /** Top-level attributes left out of the comparison. @default tags, tags_all */
  readonly ignore?: readonly string[];
  /** Rewrites applied to the old canonical body before comparing. */
  readonly extraNormalize?: (canonicalOld: string) => string;
}

/** Old address → new address for every element matched (resources and data sources alike). */
export function matchElements(oldMain: Json, newMain: Json, o: MatchOptions = {}): Map<string, string> {
  const ignore = new Set(o.ignore ?? ['tags', 'tags_all']);
  const olds = elementsOf(oldMain);
  const news = elementsOf(newMain);
  const matched = new Map<string, string>();
  const taken = new Set<string>();
  // Same address, same type: kept (nothing to move), and a fixed point for references.
  for (const a of olds.keys()) {
    if (news.has(a)) {
      matched.set(a, a);
      taken.add(a);
    }
  }
  const newCanon = new Map<string, string>();
  for (const [a, body] of news) newCanon.set(a, canonical(body, ignore));
  for (let changed = true; changed; ) {
    changed = false;
    const candidates = new Map<string, string[]>();
    for (const [a, body] of olds) {
      if (matched.has(a)) continue;
      let c = canonical(body, ignore).replace(REF, (ref, data: string | undefined, type: string, name: string) => {
        const to = matched.get(`${data ?? ''}${type}.${name}`);
        return to ?? ref;
      });
      if (o.extraNormalize) c = o.extraNormalize(c);
      const hits = [...news.keys()].filter((n) => !taken.has(n) && typeOf(n) === typeOf(a) && newCanon.get(n) === c);
      candidates.set(a, hits);
    }
    // A match must be unique both ways: one new body for the old one, and no other old one claiming it.
    const claims = new Map<string, string[]>();
    for (const [a, hits] of candidates) for (const h of hits) claims.set(h, [...(claims.get(h) ?? []), a]);
    for (const [a, hits] of candidates) {
      if (hits.length === 1 && claims.get(hits[0]!)!.length === 1) {
        matched.set(a, hits[0]!);
        taken.add(hits[0]!);
        changed = true;
      }
    }
    if (changed) continue;
    // Equal bodies (e.g. the identical trust policies of every Lambda role): the names decide, when the
    // old and the new one are each other's unique best match by shared words.
    const best = (from: string, among: readonly string[]): string | undefined => {
      const scored = among.map((x) => [x, similarity(from, x)] as const).sort((p, q) => q[1] - p[1]);
      return scored.length && scored[0]![1] > 0 && (scored.length === 1 || scored[0]![1] > scored[1]![1])
        ? scored[0]![0]
        : undefined;
    };
    for (const [a, hits] of candidates) {
      const n = best(a, hits);
      if (
        n &&
        !taken.has(n) &&
        best(
          n,
          claims.get(n)!.filter((x) => !matched.has(x)),
        ) === a
      ) {
        matched.set(a, n);
        taken.add(n);
        changed = true;
      }
    }
  }
  return matched;
}

/** Words of an address name without cdktf's hash suffix and counters' separators. */
function nameWords(address: string): Set<string> {
  const name = address
    .split('.')
    .pop()!
    .replace(/_[0-9A-F]{8}$/, '');
  return new Set(
    name
      .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
      .split(/[^A-Za-z0-9]+/)
      .filter(Boolean)
      .map((w) => w.toLowerCase()),
  );
}

/** Jaccard similarity of the name words. */
function similarity(a: string, b: string): number {
  const x = nameWords(a);
  const y = nameWords(b);
  let both = 0;
  for (const w of x) if (y.has(w)) both++;
  return both / (x.size + y.size - both || 1);
}

/** The managed-resource moves (data sources are re-read, they need none). */
export function resourceMoves(matched: ReadonlyMap<string, string>): Record<string, string> {
  return Object.fromEntries(
    [...matched.entries()]
      .filter(([from, to]) => from !== to && !from.startsWith('data.'))
      .sort(([a], [b]) => a.localeCompare(b)),
  );
}
