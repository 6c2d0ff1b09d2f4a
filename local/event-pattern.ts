/**
 * EventBridge event-pattern matcher for the local runtime and end-to-end tests: delivers events along the
 * synthesized `aws_cloudwatch_event_rule.event_pattern`s. No npm dependency (no maintained library exists; see
 * the project's shared reference notes, local-runtime.md §3); IP addresses and CIDR blocks are node:net's.
 *
 * API: `validatePattern` (throws `InvalidEventPatternError` naming the offending path for what PutRule rejects),
 * `matchesPattern` (validates first, caches the compiled pattern per object / JSON string) and `compilePattern`
 * (returns a predicate for hot paths). Patterns may be given as objects or as their JSON text (the Terraform form).
 *
 * Rules implemented. Sources: [P] = "Amazon EventBridge event patterns" (eb-event-patterns.html / eb-create-pattern),
 * [C] = "Content filtering in Amazon EventBridge event patterns", [O] = "Comparison operators for use in event
 * patterns". Rows marked (ours) are our reading where the docs are silent; they are NOT verified against AWS
 * (replay through TestEventPattern when AWS access exists).
 *
 * | Rule                                                                                   | Source |
 * |----------------------------------------------------------------------------------------|--------|
 * | Pattern is a JSON object; each field maps to a non-empty array (leaf) or an object     | [P] syntax, values in arrays |
 * | Leaf array values: string, number, boolean, null, or a one-key operator object         | [P] matching event values |
 * | Exact match is case-sensitive, character-by-character; numbers compare numerically     | [P] matching values |
 * | A string never equals a number (`["5"]` vs 5) (ours: JSON types are kept distinct)     | [P] |
 * | OR within a leaf array; AND across fields; nested objects follow the event's nesting   | [P] multiple values / [O] And |
 * | A field missing from the event never matches (only `exists:false` matches absence)    | [P], [C] exists |
 * | Event value is an array → matches if ANY element matches (intersection non-empty)       | [P] arrays |
 * | Nested pattern over an array of objects: all fields must match within ONE element       | [P] arrays (ours: Event Ruler array consistency) |
 * | `[null]` matches a JSON null (not a missing field); `[""]` matches the empty string    | [C] null values and empty strings |
 * | `prefix: "s"` / `prefix: {equals-ignore-case: "s"}` — string values only               | [C] prefix matching (+ ignoring case) |
 * | `suffix: "s"` / `suffix: {equals-ignore-case: "s"}` — string values only               | [C] suffix matching (+ ignoring case) |
 * | `equals-ignore-case: "s"` — string values only                                         | [C] equals-ignore-case |
 * | `anything-but: v` / `[v…]` (all strings or all numbers) — leaf present and not in set  | [C] anything-but |
 * | `anything-but: {prefix|suffix: s|[s…]}`, `{equals-ignore-case: s|[s…]}`, `{wildcard: s|[s…]}` | [C] anything-but prefix/suffix/ignore case/wildcard |
 * | anything-but matches any present leaf not excluded, incl. other JSON types (ours: Event Ruler byte semantics) | (ours) |
 * | `numeric: [op, n]` or `[lowerOp, n, upperOp, m]` (lower first); ops = < <= > >=; `=` alone | [C] numeric matching |
 * | numeric only matches JSON numbers (a string "5" does not); operands within ±5.0e9      | [C] numeric matching |
 * | `exists: true` matches a present leaf value (null counts; an object / [] does not)      | [C] exists matching ("leaf nodes only") |
 * | `exists: false` matches absence, including under a missing parent object               | [C] exists matching |
 * | `cidr: "a.b.c.d/n"` IPv4; IPv6 `"x::/n"` too (ours: docs show IPv4 only)                | [C] IP address matching |
 * | `wildcard`: `*` = zero or more chars; `\*` literal star, `\\` literal backslash; no `**` | [C] wildcard matching |
 * | `$or: [obj, obj, …]` (≥ 2 non-empty objects) at top level or nested; recursive          | [C] $or matching |
 * | Operator objects have exactly one key; unknown operators / empty arrays / {} rejected  | [C] (PutRule validation) |
 *
 * | `anything-but: {prefix|suffix: s|[s…]}` — a list of prefixes / suffixes is accepted      | Event Ruler |
 * | numeric range: lower bound first (`[">", 0, "<", 5]`); `["<", 5, ">", 0]` is rejected    | Event Ruler |
 * | `$or` expanding to more than 1,000 combinations is rejected                             | [C] $or matching |
 * | field lookups are own properties only (`constructor`, `toString` are ordinary missing keys) | Event Ruler (JSON) |
 * | wildcards match in linear time (segments placed greedily, no regex backtracking)        | (ours) |
 *
 * Not supported / known gaps: AWS limits (pattern size, wildcard complexity); exact numeric
 * normalisation (Event Ruler keeps 6 decimals / 15 digits); how AWS treats `exists:false` across elements of an
 * array of objects (we evaluate per element); IPv4-mapped IPv6 addresses are not folded into IPv4.
 */

import { BlockList, isIP } from 'node:net';

export class InvalidEventPatternError extends Error {
  constructor(
    readonly path: string,
    detail: string,
  ) {
    super(`Invalid event pattern at ${path}: ${detail}`);
    this.name = 'InvalidEventPatternError';
  }
}

export type EventPattern = Record<string, unknown>;
export type EventPredicate = (event: Record<string, unknown>) => boolean;

type Json = unknown;
type Node = Record<string, unknown>;
/** Tests a node (an object of the event, or EMPTY when the parent is missing). */
type NodeMatcher = (node: Node) => boolean;
/** Tests one leaf value of the event. */
type LeafMatcher = (value: Json) => boolean;

const EMPTY: Node = Object.freeze({}) as Node;
const NUMERIC_LIMIT = 5e9;
const LOWER_OPS = new Set(['>', '>=']);
const UPPER_OPS = new Set(['<', '<=']);

const isObject = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);
const childPath = (path: string, key: string): string =>
  /^[A-Za-z_$][\w$-]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;

// ───────────────────────────── validation + compilation (one pass) ─────────────────────────────

function fail(path: string, detail: string): never {
  throw new InvalidEventPatternError(path, detail);
}

function compileObject(pattern: unknown, path: string): NodeMatcher {
  if (!isObject(pattern)) fail(path, 'must be a JSON object');
  const keys = Object.keys(pattern);
  if (keys.length === 0) fail(path, 'empty objects are not allowed');
  const parts: NodeMatcher[] = keys.map((key) => {
    const value = pattern[key];
    const p = childPath(path, key);
    if (key === '$or') return compileOr(value, p);
    if (Array.isArray(value)) return compileField(key, value, p);
    if (isObject(value)) return compileNested(key, compileObject(value, p));
    return fail(p, `must be an array of match values or a nested object, got ${describe(value)}`);
  });
  return parts.length === 1 ? parts[0] : (node) => parts.every((m) => m(node));
}

function compileOr(value: unknown, path: string): NodeMatcher {
  if (!Array.isArray(value) || value.length < 2) fail(path, '$or must be an array of at least 2 objects');
  const alternatives = value.map((alt, i) => compileObject(alt, `${path}[${i}]`));
  return (node) => alternatives.some((m) => m(node));
}

/** The event's own value at `key` — never an inherited one (`constructor`, `toString`, `__proto__`). */
const own = (node: Node, key: string): unknown => (Object.hasOwn(node, key) ? node[key] : undefined);

function compileNested(key: string, inner: NodeMatcher): NodeMatcher {
  return (node) => {
    const child = own(node, key);
    if (isObject(child)) return inner(child);
    if (Array.isArray(child)) {
      let sawObject = false;
      for (const el of flatten(child)) {
        if (isObject(el)) {
          sawObject = true;
          if (inner(el)) return true;
        }
      }
      if (sawObject) return false;
    }
    // Missing parent (or a leaf where an object was expected): only exists:false-style patterns can match.
    return inner(EMPTY);
  };
}

function compileField(key: string, values: unknown[], path: string): NodeMatcher {
  if (values.length === 0) fail(path, 'empty arrays are not allowed');
  const matchers: LeafMatcher[] = [];
  let existsFalse = false;
  let existsTrue = false;
  values.forEach((v, i) => {
    const p = `${path}[${i}]`;
    if (isObject(v) && 'exists' in v && Object.keys(v).length === 1) {
      if (typeof v.exists !== 'boolean') fail(`${p}.exists`, 'must be true or false');
      if (v.exists) existsTrue = true;
      else existsFalse = true;
      return;
    }
    matchers.push(compileLeaf(v, p));
  });
  return (node) => {
    const raw = own(node, key);
    if (raw === undefined) return existsFalse;
    if (raw === null || typeof raw !== 'object') {
      // fast path: a single primitive leaf
      if (existsTrue) return true;
      for (const m of matchers) if (m(raw)) return true;
      return false;
    }
    const leaves = leafValues(raw);
    if (leaves.length === 0) return existsFalse;
    if (existsTrue) return true;
    for (const leaf of leaves) for (const m of matchers) if (m(leaf)) return true;
    return false;
  };
}

function compileLeaf(v: unknown, path: string): LeafMatcher {
  if (v === null) return (x) => x === null;
  if (typeof v === 'string' || typeof v === 'boolean') return (x) => x === v;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) fail(path, 'numbers must be finite');
    return (x) => x === v;
  }
  if (Array.isArray(v)) fail(path, 'nested arrays are not allowed in a match list');
  if (!isObject(v)) fail(path, `unsupported value ${describe(v)}`);
  const { op, arg, p } = soleOperator(v, path, (n) => `a match expression must have exactly one operator, got ${n}`);
  switch (op) {
    case 'prefix':
    case 'suffix': {
      const test = op === 'prefix' ? startsWith : endsWith;
      if (typeof arg === 'string') return (x) => typeof x === 'string' && test(x, arg);
      const ic = ignoreCaseOperand(arg, p);
      return (x) => typeof x === 'string' && test(fold(x), ic);
    }
    case 'equals-ignore-case': {
      if (typeof arg !== 'string') fail(p, 'must be a string');
      const folded = fold(arg);
      return (x) => typeof x === 'string' && fold(x) === folded;
    }
    case 'anything-but':
      return compileAnythingBut(arg, p);
    case 'numeric': {
      const test = compileNumeric(arg, p);
      return (x) => typeof x === 'number' && test(x);
    }
    case 'cidr': {
      const test = compileCidr(arg, p);
      return (x) => typeof x === 'string' && test(x);
    }
    case 'wildcard': {
      if (typeof arg !== 'string') fail(p, 'must be a string');
      const re = compileWildcard(arg, p);
      return (x) => typeof x === 'string' && re.test(x);
    }
    case 'exists':
      return fail(p, 'exists must be the only operator of its match expression');
    default:
      return fail(path, `unrecognized match type "${op}"`);
  }
}

/** The one operator of a match object (`{"prefix": "a"}`), its operand and its path; any other count fails. */
function soleOperator(
  o: Record<string, unknown>,
  path: string,
  message: (count: number) => string,
): { op: string; arg: unknown; p: string } {
  const keys = Object.keys(o);
  if (keys.length !== 1) fail(path, message(keys.length));
  const op = keys[0] as string;
  return { op, arg: o[op], p: childPath(path, op) };
}

function ignoreCaseOperand(arg: unknown, path: string): string {
  if (!isObject(arg)) fail(path, 'must be a string or {"equals-ignore-case": string}');
  const keys = Object.keys(arg);
  if (keys.length !== 1 || keys[0] !== 'equals-ignore-case') fail(path, 'only "equals-ignore-case" is allowed here');
  const s = arg['equals-ignore-case'];
  if (typeof s !== 'string') fail(`${path}.equals-ignore-case`, 'must be a string');
  return fold(s);
}

function compileAnythingBut(arg: unknown, path: string): LeafMatcher {
  if (typeof arg === 'string') return (x) => x !== arg;
  if (typeof arg === 'number') {
    if (!Number.isFinite(arg)) fail(path, 'numbers must be finite');
    return (x) => x !== arg;
  }
  if (Array.isArray(arg)) {
    if (arg.length === 0) fail(path, 'empty arrays are not allowed');
    const allStrings = arg.every((s) => typeof s === 'string');
    const allNumbers = arg.every((n) => typeof n === 'number' && Number.isFinite(n));
    if (!allStrings && !allNumbers) fail(path, 'the anything-but list must contain only strings or only numbers');
    const set = new Set<unknown>(arg);
    return (x) => !set.has(x);
  }
  if (!isObject(arg)) fail(path, `must be a string, a number, a list, or an object, got ${describe(arg)}`);
  const { op, arg: inner, p } = soleOperator(arg, path, () => 'an anything-but object must have exactly one operator');
  switch (op) {
    case 'prefix':
    case 'suffix': {
      // Event Ruler accepts one string or a list of them (none empty).
      const list = stringOrStrings(inner, p);
      list.forEach((v, i) => {
        if (v === '') fail(Array.isArray(inner) ? `${p}[${i}]` : p, 'must not be empty');
      });
      const test = op === 'prefix' ? startsWith : endsWith;
      return (x) => typeof x !== 'string' || !list.some((v) => test(x, v));
    }
    case 'equals-ignore-case': {
      const list = stringOrStrings(inner, p);
      const set = new Set(list.map(fold));
      return (x) => typeof x !== 'string' || !set.has(fold(x));
    }
    case 'wildcard': {
      const res = stringOrStrings(inner, p).map((w, i) => compileWildcard(w, Array.isArray(inner) ? `${p}[${i}]` : p));
      return (x) => typeof x !== 'string' || !res.some((re) => re.test(x));
    }
    default:
      return fail(path, `unsupported anything-but operator "${op}"`);
  }
}

function stringOrStrings(v: unknown, path: string): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) && v.length > 0) {
    v.forEach((s, i) => {
      if (typeof s !== 'string') fail(`${path}[${i}]`, 'must be a string');
    });
    return v as string[];
  }
  return fail(path, 'must be a string or a non-empty array of strings');
}

function compileNumeric(arg: unknown, path: string): (x: number) => boolean {
  if (!Array.isArray(arg) || (arg.length !== 2 && arg.length !== 4)) {
    fail(path, 'must be [op, number] or [op, number, op, number]');
  }
  const ops: string[] = [];
  const nums: number[] = [];
  for (let i = 0; i < arg.length; i += 2) {
    const op = arg[i];
    const n = arg[i + 1];
    if (typeof op !== 'string' || !['=', '<', '<=', '>', '>='].includes(op))
      fail(`${path}[${i}]`, `unknown numeric operator ${describe(op)}`);
    if (typeof n !== 'number' || !Number.isFinite(n)) fail(`${path}[${i + 1}]`, `must be a number, got ${describe(n)}`);
    if (Math.abs(n) > NUMERIC_LIMIT) fail(`${path}[${i + 1}]`, 'numeric values must be between -5.0e9 and 5.0e9');
    ops.push(op);
    nums.push(n);
  }
  if (ops.length === 2) {
    if (ops.includes('=')) fail(path, '"=" cannot be combined with another comparison');
    // Event Ruler reads a range as [lower op, n, upper op, m] only: an upper bound first is rejected.
    if (!LOWER_OPS.has(ops[0]) || !UPPER_OPS.has(ops[1])) {
      fail(path, 'a range is [lower op (> or >=), n, upper op (< or <=), m], lower bound first');
    }
    if (!(nums[0] < nums[1])) fail(path, 'the lower bound must be less than the upper bound');
  }
  const tests = ops.map((op, i) => comparison(op, nums[i]));
  return tests.length === 1 ? tests[0] : (x) => tests[0](x) && tests[1](x);
}

function comparison(op: string, n: number): (x: number) => boolean {
  switch (op) {
    case '=':
      return (x) => x === n;
    case '<':
      return (x) => x < n;
    case '<=':
      return (x) => x <= n;
    case '>':
      return (x) => x > n;
    default:
      return (x) => x >= n;
  }
}

/**
 * `*` matches any run (including empty); `\*` is a literal star, `\\` a literal backslash. Compiled to
 * literal segments matched greedily left to right (each placed once, at its leftmost position): no regex,
 * no backtracking — time linear in the value for a fixed pattern, whatever the pattern.
 */
export interface Wildcard {
  test(x: string): boolean;
}
function compileWildcard(w: string, path: string): Wildcard {
  const segments: string[] = [''];
  let prevStar = false;
  for (let i = 0; i < w.length; i++) {
    const c = w[i];
    if (c === '\\') {
      const next = w[i + 1];
      if (next !== '*' && next !== '\\') fail(path, `invalid escape at character ${i}: only \\* and \\\\ are allowed`);
      segments[segments.length - 1] += next;
      i++;
      prevStar = false;
    } else if (c === '*') {
      if (prevStar) fail(path, 'consecutive wildcard characters (**) are not allowed');
      segments.push('');
      prevStar = true;
    } else {
      segments[segments.length - 1] += c;
      prevStar = false;
    }
  }
  return { test: (x) => globMatch(segments, x) };
}

/** segments = the pattern split at its stars: [head, middle…, tail]; one segment means no star. */
function globMatch(segments: string[], x: string): boolean {
  if (segments.length === 1) return x === segments[0];
  const head = segments[0];
  const tail = segments[segments.length - 1];
  if (x.length < head.length + tail.length || !x.startsWith(head) || !x.endsWith(tail)) return false;
  let at = head.length;
  const end = x.length - tail.length;
  for (let i = 1; i < segments.length - 1; i++) {
    const seg = segments[i];
    if (!seg) continue;
    const found = x.indexOf(seg, at);
    if (found < 0 || found + seg.length > end) return false;
    at = found + seg.length;
  }
  return true;
}

// ───────────────────────────── CIDR (IPv4 + IPv6) ─────────────────────────────

type IpFamily = 'ipv4' | 'ipv6';

/**
 * The family of a plain IP address, or undefined (node:net's parser: no leading zeros in IPv4 octets, `::`
 * compression and an embedded IPv4 tail in IPv6). A zone id (`fe80::1%eth0`) is a host-local name, not part of
 * an address EventBridge would compare: refused.
 */
function ipFamily(s: string): IpFamily | undefined {
  if (s.includes('%')) return undefined;
  const v = isIP(s);
  return v === 4 ? 'ipv4' : v === 6 ? 'ipv6' : undefined;
}

/** A `cidr` operand as a predicate; the block arithmetic is node:net's BlockList. */
function compileCidr(arg: unknown, path: string): (x: string) => boolean {
  if (typeof arg !== 'string') fail(path, 'must be a string such as "10.0.0.0/24"');
  const slash = arg.indexOf('/');
  if (slash < 0) fail(path, `"${arg}" is not a CIDR block (missing /prefix-length)`);
  const network = arg.slice(0, slash);
  const lenText = arg.slice(slash + 1);
  const family = ipFamily(network);
  if (!family || !/^\d{1,3}$/.test(lenText)) fail(path, `"${arg}" is not a valid CIDR block`);
  const bits = family === 'ipv4' ? 32 : 128;
  const len = Number(lenText);
  if (len > bits) fail(path, `prefix length ${len} exceeds ${bits}`);
  const block = new BlockList();
  block.addSubnet(network, len, family);
  // BlockList also matches across families (an IPv4 block contains ::ffff:a.b.c.d and the reverse); a pattern
  // compares like with like: an IPv4 block never matches an IPv6 address.
  return (x) => ipFamily(x) === family && block.check(x, family);
}

// ───────────────────────────── helpers ─────────────────────────────

/** Leaf values of an event field: arrays are flattened; objects are not leaves ("exists" works on leaves only). */
function leafValues(v: unknown): unknown[] {
  if (v === undefined) return [];
  if (Array.isArray(v)) return flatten(v).filter((x) => !isObject(x));
  return isObject(v) ? [] : [v];
}

function flatten(arr: unknown[]): unknown[] {
  return arr.some(Array.isArray) ? arr.flat(Infinity) : arr;
}

const fold = (s: string): string => s.toLowerCase();
const startsWith = (x: string, p: string): boolean => x.startsWith(p);
const endsWith = (x: string, p: string): boolean => x.endsWith(p);

function describe(v: unknown): string {
  if (v === undefined) return 'undefined';
  if (Array.isArray(v)) return 'an array';
  if (v === null) return 'null';
  return typeof v === 'object' ? 'an object' : `${typeof v} ${JSON.stringify(v)}`;
}

function parse(pattern: unknown): unknown {
  if (typeof pattern !== 'string') return pattern;
  try {
    return JSON.parse(pattern) as unknown;
  } catch (e) {
    return fail('$', `not valid JSON (${(e as Error).message})`);
  }
}

// ───────────────────────────── public API ─────────────────────────────

/** EventBridge's limit on the combinations a pattern's `$or`s expand to. */
export const MAX_OR_COMBINATIONS = 1000;

/**
 * How many plain patterns the `$or`s expand to: a product over an object's fields, a sum over the
 * alternatives of a `$or` (Event Ruler's "rule complexity"); capped early so huge patterns stay cheap.
 */
function combinations(pattern: Node): number {
  let n = 1;
  for (const [key, value] of Object.entries(pattern)) {
    if (key === '$or' && Array.isArray(value))
      n *= value.reduce((sum: number, alt) => sum + (isObject(alt) ? combinations(alt) : 1), 0);
    else if (isObject(value)) n *= combinations(value);
    if (n > MAX_OR_COMBINATIONS) return n;
  }
  return n;
}

function build(pattern: unknown): EventPredicate {
  const parsed = parse(pattern);
  const root = compileObject(parsed, '$');
  const n = combinations(parsed as Node);
  if (n > MAX_OR_COMBINATIONS)
    fail('$', `the $or alternatives expand to more than ${MAX_OR_COMBINATIONS} combinations (EventBridge's limit)`);
  return (event) => isObject(event) && root(event);
}

/** Throws InvalidEventPatternError (naming the offending path) for anything PutRule would reject. */
export function validatePattern(pattern: unknown): void {
  build(pattern);
}

/** Validates once and returns a fast predicate. */
export function compilePattern(pattern: EventPattern | string): EventPredicate {
  return build(pattern);
}

const byObject = new WeakMap<object, EventPredicate>();
const byJson = new Map<string, EventPredicate>();
const JSON_CACHE_MAX = 1000;

/**
 * Does `event` match `pattern`? Validates first (throws InvalidEventPatternError). The compiled pattern is cached
 * per pattern object (by identity — do not mutate a pattern after first use) or per JSON string.
 */
export function matchesPattern(pattern: EventPattern | string, event: Record<string, unknown>): boolean {
  let predicate: EventPredicate | undefined;
  if (typeof pattern === 'string') {
    predicate = byJson.get(pattern);
    if (!predicate) {
      predicate = build(pattern);
      if (byJson.size >= JSON_CACHE_MAX) byJson.clear();
      byJson.set(pattern, predicate);
    }
  } else {
    predicate = isObject(pattern) ? byObject.get(pattern) : undefined;
    if (!predicate) {
      predicate = build(pattern);
      byObject.set(pattern, predicate);
    }
  }
  return predicate(event);
}
