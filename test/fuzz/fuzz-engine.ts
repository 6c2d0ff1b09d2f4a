/**
 * The fuzz engine of test/fuzz: fast-check arbitraries for request bodies, path values and queries —
 * valid (from the route's schema), invalid (any JSON) and adversarial (prototype keys, huge, deep,
 * unicode, numbers at the edges) — a runner that sends them through the real handlers with a little
 * concurrency and keeps a status histogram per route, and the report `npm run fuzz` prints.
 *
 * Budget: FUZZ_RUNS inputs per route (default 40 under `npm test`; `npm run fuzz` sets 10,000).
 * FUZZ_SEED fixes the inputs (default: a new seed per run, printed in the report); FUZZ_REPORT_DIR moves the
 * reports (default build/fuzz).
 */
import fc from 'fast-check';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const RUNS = Number(process.env.FUZZ_RUNS ?? 40);
export const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const CONCURRENCY = Number(process.env.FUZZ_CONCURRENCY ?? 6);

export type Json = unknown;
export interface Reply {
  status: number;
  body?: unknown;
}
export interface RouteReport {
  runs: number;
  histogram: Record<string, number>;
  /** Up to 5 inputs that got a 5xx (or threw), for reproduction. */
  failures: { status: number | string; input: unknown; body?: unknown }[];
}

// ───────────────────────────── arbitraries ─────────────────────────────

/** Number literals JSON.parse changes or DynamoDB cannot store exactly. */
const EDGE_NUMBERS = [
  '9007199254740993',
  '-9007199254740993',
  '123456789012345678901234567890',
  '1e400',
  '-1e400',
  '1e-400',
  '-1e-400',
  '1e-131',
  '1e126',
  '9.99e125',
  '1e-130',
  '5e-324',
  '1.7976931348623157e308',
  '-0',
  '0.0',
  '0e10',
  '1E2',
  '-1.5e-7',
];
/** Keys that reach prototypes or that stores choke on. */
const NASTY_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  '',
  ' ',
  'toString',
  'hasOwnProperty',
  '\u0000',
  'a.b',
  '#f0',
  ':v',
  '$or',
];

const unicodeString = (maxLength: number) =>
  fc.oneof(
    fc.string({ maxLength }),
    fc.string({ unit: 'binary', maxLength }), // lone surrogates, astral planes
    fc.string({
      unit: fc.constantFrom(
        '\u0000',
        '\u001b',
        '\u202e',
        '\u2066',
        '\u200f',
        '\ufeff',
        '/',
        '\\',
        '<',
        '>',
        '"',
        '../',
        'é',
        '👩‍💻',
        'a',
      ),
      maxLength,
    }),
  );

/** A JSON value of bounded size, with unicode strings and edge (but representable) numbers. */
export const jsonValue: fc.Arbitrary<Json> = fc.letrec<{ v: Json }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    unicodeString(40),
    fc.array(tie('v'), { maxLength: 5 }),
    fc.dictionary(unicodeString(12), tie('v'), { maxKeys: 5 }),
  ),
})).v;

/** Inserts `"key": <rawValue>` into the JSON text of an object (raw: edge numbers stay as written). */
function inject(objectText: string, key: string, rawValue: string): string {
  const inner = objectText.trim().slice(1, -1).trim();
  return `{${inner ? `${inner},` : ''}${JSON.stringify(key)}:${rawValue}}`;
}
const nest = (depth: number, leaf: string, kind: 'array' | 'object') =>
  kind === 'array'
    ? `${'['.repeat(depth)}${leaf}${']'.repeat(depth)}`
    : `${'{"a":'.repeat(depth)}${leaf}${'}'.repeat(depth)}`;

/**
 * Adversarial JSON texts built around a valid body: prototype keys at some depth, deep nesting (to
 * 6,000), huge strings (to 420 KB), edge number literals, nasty keys, unicode and control characters,
 * and texts that are not JSON at all.
 */
export function adversarialText(valid: fc.Arbitrary<Record<string, Json>>): fc.Arbitrary<string> {
  const base = valid.map((v) => JSON.stringify(v));
  return fc.oneof(
    {
      weight: 3,
      arbitrary: fc
        .tuple(base, fc.constantFrom(...NASTY_KEYS), jsonValue)
        .map(([t, k, v]) => inject(t, k, JSON.stringify(v))),
    },
    {
      weight: 3,
      arbitrary: fc
        .tuple(base, fc.integer({ min: 0, max: 40 }), fc.constantFrom('__proto__', 'constructor'))
        .map(([t, d, k]) =>
          inject(t, 'x', nest(d, `{${JSON.stringify(k)}:{"tenantName":"ghost","polluted":true}}`, 'object')),
        ),
    },
    {
      weight: 3,
      arbitrary: fc
        .tuple(base, fc.constantFrom(...EDGE_NUMBERS), fc.string({ maxLength: 8 }))
        .map(([t, n, k]) => inject(t, k || 'n', n)),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(base, fc.integer({ min: 30, max: 6000 }), fc.constantFrom<'array' | 'object'>('array', 'object'))
        .map(([t, d, kind]) => inject(t, 'deep', nest(d, '1', kind))),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(base, fc.integer({ min: 60_000, max: 420_000 }))
        .map(([t, n]) => inject(t, 'huge', JSON.stringify('x'.repeat(n)))),
    },
    {
      weight: 2,
      arbitrary: fc.tuple(base, unicodeString(300)).map(([t, s]) => inject(t, 'tenantName', JSON.stringify(s))),
    },
    { weight: 2, arbitrary: base.map((t) => t.replace(/"([^"]*)":/, '"$1\\u0000":')) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '',
        ' ',
        'null',
        '[]',
        '"x"',
        '1e400',
        '{',
        '{"a":}',
        '{"a":1,}',
        '\ufeff{}',
        '{"a":"\\ud800"}',
        'true',
      ),
    },
    { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
  );
}

/** A body: valid per the route's schema, any JSON, or adversarial text. */
export function bodies(valid: fc.Arbitrary<Record<string, Json>>): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 3, arbitrary: valid },
    { weight: 2, arbitrary: jsonValue },
    {
      weight: 2,
      arbitrary: fc
        .tuple(valid, fc.dictionary(unicodeString(10), jsonValue, { maxKeys: 3 }))
        .map(([v, extra]) => ({ ...v, ...extra })),
    },
    { weight: 4, arbitrary: adversarialText(valid) },
  );
}

/** A path value: one that exists, or anything (empty, unicode, prototype names, over-long). */
export function pathValues(...existing: (() => string)[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...existing).map((f) => f()) },
    { weight: 2, arbitrary: unicodeString(80) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '',
        '__proto__',
        'constructor',
        'TENANT_NAME#x',
        '../x',
        '%2F',
        'x'.repeat(300),
        'null',
        '0',
      ),
    },
    { weight: 1, arbitrary: fc.uuid() },
  );
}

/** List queries: limits at the edges and forged continuation tokens. */
export const listQuery: fc.Arbitrary<Record<string, string>> = fc.record(
  {
    limit: fc.oneof(
      fc.integer({ min: -5, max: 200 }).map(String),
      fc.constantFrom('', '1e3', 'NaN', '10.5', '0x10', ' 5'),
    ),
    next_token: fc.oneof(
      fc.string({ maxLength: 60 }),
      jsonValue.map((v) => Buffer.from(JSON.stringify(v) ?? 'null').toString('base64url')),
      fc
        .record(
          {
            pk: fc.constantFrom('METER', 'NAME', 'x'),
            sk: jsonValue,
            listPartition: fc.constantFrom('TENANT', 'REGISTRATION', 'x'),
            tenantId: jsonValue,
            createdAt: jsonValue,
          },
          { requiredKeys: [] },
        )
        .map((v) => Buffer.from(JSON.stringify(v)).toString('base64url')),
    ),
  },
  { requiredKeys: [] },
);

// ───────────────────────────── runner + report ─────────────────────────────

const report: Record<string, RouteReport> = {};
let suiteName = '';

/** Names this file's report (build/fuzz/<suite>.json); it is rewritten after every route, so a long run that is stopped still leaves its figures. */
export function startSuite(name: string): void {
  suiteName = name;
}

/**
 * Sends `RUNS` inputs of `arb` through `call`, `CONCURRENCY` at a time; records each status (a thrown
 * error counts as "threw") and keeps examples of every 5xx. Returns the route's report.
 */
export async function fuzzRoute<T>(
  route: string,
  arb: fc.Arbitrary<T>,
  call: (input: T) => Promise<Reply>,
): Promise<RouteReport> {
  const inputs = fc.sample(arb, { numRuns: RUNS, seed: SEED ^ hash(route) });
  const r: RouteReport = (report[route] ??= { runs: 0, histogram: {}, failures: [] });
  let next = 0;
  const worker = async () => {
    while (next < inputs.length) {
      const input = inputs[next++];
      let status: number | string;
      let body: unknown;
      try {
        const res = await call(input);
        status = res.status;
        body = res.body;
      } catch (e) {
        status = 'threw';
        body = String((e as Error).stack ?? e).slice(0, 500);
      }
      r.runs++;
      r.histogram[String(status)] = (r.histogram[String(status)] ?? 0) + 1;
      if ((status === 'threw' || Number(status) >= 500) && r.failures.length < 5) {
        r.failures.push({
          status,
          input:
            typeof input === 'string' && input.length > 400 ? `${input.slice(0, 400)}…(${input.length} chars)` : input,
          body,
        });
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  if (suiteName) writeReport(suiteName, {});
  return r;
}

function hash(s: string): number {
  let h = 0;
  for (const c of s) h = (Math.imul(h, 31) + c.charCodeAt(0)) | 0;
  return h;
}

export const fiveHundreds = (r: RouteReport) =>
  Object.entries(r.histogram)
    .filter(([s]) => s === 'threw' || Number(s) >= 500)
    .reduce((n, [, c]) => n + c, 0);

/** Writes this suite's report (routes, histograms, 5xx examples, integrity findings) for scripts/fuzz.mjs. */
export function writeReport(suite: string, integrity: Record<string, string[]> | undefined): void {
  // The budgeted slice of `npm test` leaves the reports of the last `npm run fuzz` alone.
  if (process.env.FUZZ_RUNS === undefined && process.env.FUZZ_REPORT_DIR === undefined) return;
  const dir = process.env.FUZZ_REPORT_DIR ?? join(__dirname, '..', '..', 'build', 'fuzz');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, `${suite}.json`),
    JSON.stringify({ suite, seed: SEED, runsPerRoute: RUNS, routes: report, integrity }, null, 1),
  );
}
