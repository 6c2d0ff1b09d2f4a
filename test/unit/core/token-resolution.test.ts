// The port of cdktf's token resolution (src/core/token-resolution.ts) against cdktf's own `resolve`: for
// every value, the same result or the same error (class and message, key path included), the same warnings,
// the same calls into token producers, the same contexts handed to tokens, and the same cross-stack
// references registered while preparing. Each comparison builds two identical apps from the same code
// (token creation stacks then read alike) and resolves the value in one with cdktf's `resolve`, in the
// other with the port.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import fc from 'fast-check';
import {
  App,
  cdktfResolve,
  DefaultTokenResolver,
  Fn,
  type IResolvable,
  type IResolveContext,
  type IResolveOptions,
  Lazy,
  Op,
  StringConcat,
  TerraformElement,
  TerraformIterator,
  TerraformLocal,
  TerraformStack,
  TerraformVariable,
  Token,
  resolveTokens,
} from '../../../src/core/cdktf';
import { buildReferenceApp } from '../../../src/reference-app';

type Resolve = (obj: unknown, options: IResolveOptions) => unknown;
const RESOLVERS: [string, Resolve][] = [
  ['cdktf', cdktfResolve],
  ['port', resolveTokens],
];

let outdir: string;
beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), 'sbt-token-resolution-'));
});
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

/** What a resolution did: its value or error, the warnings it printed, and what the producers saw. */
interface Outcome {
  value?: unknown;
  error?: string;
  warnings: string[];
  log: string[];
}

function outcome(run: () => unknown, log: string[]): Outcome {
  const warnings: string[] = [];
  const warn = jest.spyOn(console, 'warn').mockImplementation((...args) => warnings.push(args.join(' ')));
  try {
    return normalized({ value: run(), warnings, log: [...log] });
  } catch (e) {
    return normalized({ error: `${(e as Error).constructor.name}: ${(e as Error).message}`, warnings, log: [...log] });
  } finally {
    warn.mockRestore();
  }
}

/**
 * The two apps' tokens are registered one after the other in cdktf's process-wide token map, so what is
 * left unresolved (in a string, an error message) names different keys and encodes different numbers:
 * those are numbered in order of appearance, the same for both when both did the same.
 */
function normalized(o: Outcome): Outcome {
  const seen = new Map<string, number>();
  const id = (t: string) => {
    if (!seen.has(t)) seen.set(t, seen.size);
    return `<token ${seen.get(t)}>`;
  };
  const walk = (x: unknown): unknown => {
    if (typeof x === 'string') return x.replace(/TfToken\[[^\]]*\]|-\d\.\d+e\+(289|298)/g, id);
    if (Array.isArray(x)) return x.map(walk);
    if (x && typeof x === 'object' && Object.getPrototypeOf(x) === Object.prototype) {
      return Object.fromEntries(Object.entries(x).map(([k, v]) => [walk(k), walk(v)]));
    }
    return x;
  };
  return walk(o) as Outcome;
}

/** A token that reports the context it is resolved with (and logs it, so call counts compare too). */
function probe(log: string[], name: string): IResolvable {
  return {
    creationStack: [],
    resolve: (c: IResolveContext) => {
      const seen = `${name}: sb=${c.suppressBraces} ie=${c.ignoreEscapes} we=${c.warnEscapes} it=${c.iteratorContext} preparing=${c.preparing} scope=${c.scope.node.path} fields=${Object.keys(c)}`;
      log.push(seen);
      return seen;
    },
  };
}

/** A double carrying cdktf's number-token marker (0xfdff, a list element: 0xfbff) for a token never registered. */
function forgedTokenNumber(list: boolean): number {
  const ints = new Uint32Array(2);
  ints[0] = 0xfffffff0;
  ints[1] = ((list ? 0xfbff : 0xfdff) << 16) | 0xffff;
  return new Float64Array(ints.buffer)[0];
}

/** `x` nested so that, inside a list at the prefix ['doc'] (depth 1, its entries 2), it sits at depth 200. */
function atDepth200(x: unknown): unknown {
  let deep = x;
  for (let i = 0; i < 198; i++) deep = [deep];
  return deep;
}

/** One app with two stacks and the tokens a corpus case is made of; built alike for each resolver. */
function world() {
  const app = new App({ outdir, stackTraces: false });
  const one = new TerraformStack(app, 'one');
  const two = new TerraformStack(app, 'two');
  new AwsProvider(one, 'aws', { region: 'eu-west-1' });
  new AwsProvider(two, 'aws', { region: 'eu-west-1' });
  const bucket = new S3Bucket(one, 'bucket', { bucket: 'b' });
  const names = new TerraformVariable(one, 'names', { type: 'list(string)' });
  const ports = new TerraformVariable(one, 'ports', { type: 'list(number)' });
  const tags = new TerraformVariable(one, 'tags', { type: 'map(string)' });
  const count = new TerraformLocal(one, 'count', 2);
  const it = TerraformIterator.fromList(names.listValue);
  const log: string[] = [];
  let produced = 0;
  const counter = Lazy.stringValue({ produce: () => `produced-${produced++}` });
  return { app, one, two, bucket, names, ports, tags, count, it, log, counter };
}
type World = ReturnType<typeof world>;

interface Case {
  value: (w: World) => unknown;
  /** The stack resolved in (default: one). */
  scope?: 'one' | 'two';
  preparing?: boolean;
  /** Resolved with a previous context (as a token's `context.resolve` does), whose flags are these. */
  previous?: Partial<IResolveContext>;
}

const cases: Record<string, Case> = {
  // references
  'same-stack reference': { value: (w) => w.bucket.arn },
  'reference inside text': { value: (w) => `arn=${w.bucket.arn}/*` },
  'two references and literals': { value: (w) => `${w.bucket.id}:${w.bucket.arn}-e-${w.count.asString}` },
  'cross-stack reference while preparing': { value: (w) => ({ a: w.bucket.arn }), scope: 'two', preparing: true },
  'cross-stack reference inside a function while preparing': {
    value: (w) => Fn.upper(`${w.bucket.arn}`),
    scope: 'two',
    preparing: true,
  },
  'cross-stack reference not prepared': { value: (w) => w.bucket.arn, scope: 'two' },
  // Fn expressions, with strings that need escaping
  'nested functions': {
    value: (w) => Fn.join(',', [Fn.upper(w.bucket.bucket), 'a${b}', 'x"y', 'line\nbreak', Fn.lower('Q')]),
  },
  'jsonencode of a structure': {
    value: (w) => Fn.jsonencode({ a: w.bucket.arn, b: [1, 'two', w.count.asNumber], c: { d: null, e: true } }),
  },
  'lookup with default': { value: (w) => Fn.lookup(w.tags.value, 'k', 'd') },
  'escape sequence beside a token in a function (warns)': { value: (w) => Fn.upper(`\${x}-${w.bucket.id}`) },
  'escape sequence without a token in a function': { value: (w) => Fn.format('%s-${x}', [w.bucket.id]) },
  'raw string': { value: () => Fn.rawString('${not-interpolated} "quoted"') },
  'lengthOf a list token': { value: (w) => Fn.lengthOf(w.names.listValue) },
  // conditionals and operators
  conditional: { value: (w) => Fn.conditional(Op.eq(w.count.asNumber, 1), 'a', w.bucket.arn) },
  operators: { value: (w) => [Op.add(w.count.asNumber, 1), Op.not(true), Op.negate(w.count.asNumber)] },
  'operator in text': { value: (w) => `n=${Token.asString(Op.sub(w.count.asNumber, 1))}` },
  // Lazy values
  'lazy string': { value: (w) => Lazy.stringValue({ produce: () => `lazy-${w.bucket.arn}` }) },
  'lazy number': { value: () => Lazy.numberValue({ produce: () => 42 }) },
  'lazy list': { value: (w) => Lazy.listValue({ produce: () => ['a', w.bucket.arn] }) },
  'lazy any (nested, with undefined)': {
    value: (w) => ({
      x: Lazy.anyValue({ produce: () => ({ nested: [w.bucket.arn, undefined, 1], gone: undefined }) }),
    }),
  },
  'lazy called once per occurrence': { value: (w) => [w.counter, w.counter, { k: `${w.counter}!` }] },
  // token-encoded numbers and number lists
  'number token': { value: (w) => w.count.asNumber },
  'number token in text': { value: (w) => `port-${w.count.asNumber}-x` },
  'number list token': { value: (w) => Token.asNumberList(w.ports.value) },
  'number list token with another number': { value: (w) => [...Token.asNumberList(w.ports.value), 1] },
  'unknown number token': { value: () => [forgedTokenNumber(false)] },
  'unknown number list token': { value: () => [forgedTokenNumber(true)] },
  'unknown number token in text': { value: () => 'x -8.3e298 y' },
  'numbers near the token range': { value: () => [-(2 ** 992), -(2 ** 960), -1e300, 1e300, Number.NaN, -0, -Infinity] },
  // string lists
  'string list token': { value: (w) => w.names.listValue },
  'string list token element alone': { value: (w) => ({ first: w.names.listValue[0] }) },
  'string list token with another string': { value: (w) => ['a', ...w.names.listValue] },
  'string list token element in text': { value: (w) => `x-${w.names.listValue}` },
  'string list token inside a function': { value: (w) => Fn.join('-', w.names.listValue) },
  // map tokens
  'string map token': { value: (w) => Token.asStringMap(w.tags.value) },
  'any map token nested': { value: (w) => ({ m: Token.asAnyMap(w.tags.value) }) },
  'map token with another key': { value: (w) => ({ ...Token.asStringMap(w.tags.value), other: 'x' }) },
  'map token value in string context': { value: () => ({ s: Token.STRING_MAP_TOKEN_VALUE }) },
  'any map token value in string context': { value: () => [Token.ANY_MAP_TOKEN_VALUE] },
  'map token value in number context': { value: () => ({ n: Token.NUMBER_MAP_TOKEN_VALUE }) },
  'unknown string token key': { value: () => ({ s: 'a ${TfToken[NOPE.999999]} b' }) },
  'unknown list token key in a string': { value: () => ['#{TfToken[NOPE.999999]}'] },
  'unknown map token key': { value: () => ({ m: { '&{TfToken[NOPE.999999]}': 'String Map Token Value' } }) },
  // iterators
  'iterator value and key': { value: (w) => [w.it.value, w.it.key, `${w.it.getString('name')}-x`] },
  'iterator dynamic (for expression)': {
    value: (w) => w.it.dynamic({ name: w.it.getString('name'), arn: w.bucket.arn, probe: probe(w.log, 'for') }),
  },
  'security group with a dynamic attribute (element block, a for expression)': {
    value: (w) =>
      new SecurityGroup(w.one, 'sg', {
        name: 'sg',
        ingress: w.it.dynamic({
          from_port: w.it.getNumber('from'),
          to_port: 443,
          protocol: 'tcp',
          description: Token.asString(probe(w.log, 'for-attribute')),
        }),
      }).toTerraform(),
  },
  'lifecycle configuration with a dynamic block (element block)': {
    value: (w) =>
      new S3BucketLifecycleConfiguration(w.one, 'lifecycle', {
        bucket: w.bucket.id,
        rule: w.it.dynamic({
          id: w.it.key,
          status: 'Enabled',
          filter: [{ prefix: `${w.it.value}/` }],
          expiration: [{ days: 30 }],
          abort_incomplete_multipart_upload: [{ days_after_initiation: Token.asNumber(probe(w.log, 'block')) }],
        }),
      }).toTerraform(),
  },
  'resource with for_each (element block)': {
    value: (w) => new S3Bucket(w.one, 'each', { forEach: w.it, bucket: w.it.value }).toTerraform(),
  },
  // escapes
  'literal ${ in a plain string': { value: () => ['${literal}', 'a ${b} c', '$${x}', 'only } brace', '{TfToken[x'] },
  'escape around a token': { value: (w) => `\${ ${Token.asString(probe(w.log, 'escaped'))} } and ${w.bucket.arn}` },
  'escape inside a function': { value: (w) => Fn.join('', ['${x}', w.bucket.arn, '}']) },
  // contexts tokens see, and what they do with them
  'probes in a function, a conditional and plain': {
    value: (w) => ({
      plain: probe(w.log, 'plain'),
      fn: Fn.join('', [Token.asString(probe(w.log, 'fn'))]),
      cond: Fn.conditional(true, Token.asString(probe(w.log, 'cond')), 'b'),
    }),
  },
  'a token changes its context for what it resolves': {
    value: (w) => ({
      resolve: (c: IResolveContext) => {
        c.suppressBraces = true;
        c.iteratorContext = 'FOR_EXPRESSION';
        c.ignoreEscapes = true;
        return [Token.asString(probe(w.log, 'inner')), w.bucket.arn, { deeper: [probe(w.log, 'deeper')] }];
      },
    }),
  },
  'a token changing a context it was not given, while values beside it resolve': {
    value: (w) => ({
      resolve: (c: IResolveContext) => {
        const leak = {
          resolve: () => {
            c.suppressBraces = !c.suppressBraces;
            c.iteratorContext = c.iteratorContext ? undefined : 'DYNAMIC_BLOCK';
            return 'changed';
          },
        };
        return [
          { a: leak, b: probe(w.log, 'beside') },
          probe(w.log, 'next element'),
          { [Token.asString(leak)]: probe(w.log, 'value of a token key'), k: [leak, `${w.count.asNumber}`] },
        ];
      },
    }),
  },
  'a token changing a context it was not given, while keys and values of its object resolve': {
    value: (w) => ({
      resolve: (c: IResolveContext) => {
        const leak = Lazy.stringValue({
          produce: () => {
            c.suppressBraces = !c.suppressBraces;
            return `changed${c.suppressBraces}`;
          },
        });
        return {
          a: leak,
          b: probe(w.log, 'value beside'),
          d: [leak, probe(w.log, 'after a change within the value')],
          [`${leak} ${w.count.asNumber}`]: 'a key that changes a context, then resolves a number token',
        };
      },
    }),
  },
  "a token calling its context's methods detached": {
    value: (w) => ({
      resolve: (c: IResolveContext) => {
        const { resolve, registerPostProcessor } = c;
        registerPostProcessor({ postProcess: (x) => [x] });
        return resolve({ arn: w.bucket.arn, p: probe(w.log, 'detached') });
      },
    }),
  },
  'post-processor registered by a token': {
    value: (w) => ({
      resolve: (c: IResolveContext) => {
        c.registerPostProcessor({ postProcess: (x, ctx) => ({ wrapped: x, sb: ctx.suppressBraces ?? null }) });
        c.suppressBraces = true;
        return { inner: w.bucket.arn };
      },
    }),
  },
  'resolved with a previous context': {
    value: (w) => [probe(w.log, 'prev'), w.bucket.arn, '${x}'],
    previous: { suppressBraces: true, ignoreEscapes: true, warnEscapes: true, iteratorContext: 'DYNAMIC_BLOCK' },
  },
  // plain JSON: undefined dropped, holes skipped, primitives as they are
  'undefined dropped': { value: () => [1, undefined, 'a', null, { a: undefined, b: null, c: [undefined] }] },
  // biome-ignore lint/suspicious/noSparseArray: a hole is what this case is about
  'sparse array': { value: () => [1, , 3] },
  'dates and other primitives': { value: () => ({ d: new Date(0), b: false, big: 10n, s: Symbol.for('s') }) },
  'strings the number pattern matches': { value: () => ['some-e-thing', '1e5', 'a|e|b', '-1.8e+289', '.e.'] },
  'keys with tokens': { value: (w) => ({ [w.bucket.bucket]: 1, [`k-${w.count.asString}`]: [2] }) },
  // errors
  'function value': { value: () => ({ a: [{ b: () => 1 }] }) },
  'function from a lazy': { value: () => ({ x: Lazy.anyValue({ produce: () => ({ y: () => 2 }) }) }) },
  construct: { value: (w) => ({ c: w.one }) },
  'map key resolving to a number': {
    value: () => ({ deep: { [Token.asString(Lazy.anyValue({ produce: () => 5 }))]: 'v' } }),
  },
  'circular structure': {
    value: () => {
      const cyc: Record<string, unknown> = { n: 1 };
      cyc.self = cyc;
      return { root: [cyc] };
    },
  },
  'circular through a lazy': {
    value: () => {
      const holder: { lazy?: IResolvable } = {};
      holder.lazy = Lazy.anyValue({ produce: () => ({ again: holder.lazy }) });
      return holder.lazy;
    },
  },
  'holes at depth 201 are skipped, undefined is not': {
    value: () => [atDepth200(new Array(3)), atDepth200([undefined])],
  },
  'a string at depth 201': { value: () => [atDepth200(['leaf'])] },
  'an object value at depth 201': { value: () => [atDepth200({ k: 'leaf' })] },
  'an undefined object value at depth 201': { value: () => [atDepth200({ k: undefined })] },
  'depth 200 is fine, 201 is not': {
    value: () => {
      let deep: unknown = 'leaf';
      for (let i = 0; i < 200; i++) deep = [deep];
      return { ok: deep, bad: [deep] };
    },
  },
};

/** Resolves `value` in a fresh world per resolver; returns both outcomes and each world's stacks afterwards. */
function compare(c: Case) {
  return RESOLVERS.map(([, resolve]) => {
    const w = world();
    const scope = c.scope === 'two' ? w.two : w.one;
    const value = c.value(w);
    const previous = c.previous ? ({ scope, preparing: !!c.preparing, ...c.previous } as IResolveContext) : undefined;
    const options: IResolveOptions = {
      scope,
      preparing: !!c.preparing,
      resolver: new DefaultTokenResolver(new StringConcat()),
      prefix: ['doc'],
      previousContext: previous,
    };
    const result = outcome(() => resolve(value, options), w.log);
    // what preparing registered (outputs, remote state, dependencies), as cdktf would synthesize it
    const stacks = outcome(() => [w.one.toTerraform(), w.two.toTerraform(), w.two.dependencies.length], []);
    return { result, stacks };
  });
}

describe('the port resolves like cdktf', () => {
  test.each(Object.keys(cases))('%s', (name) => {
    const [cdktf, port] = compare(cases[name]);
    expect(port.result).toStrictEqual(cdktf.result);
    expect(port.stacks).toStrictEqual(cdktf.stacks);
  });

  test('the corpus reaches every branch: results, errors, warnings, cross-stack outputs', () => {
    const outcomes = Object.values(cases).map((c) => compare(c)[0]);
    expect(outcomes.filter((o) => o.result.error).length).toBeGreaterThanOrEqual(12);
    expect(outcomes.some((o) => o.result.warnings.length > 0)).toBe(true);
    const errors = outcomes.map((o) => o.result.error ?? '').join('\n');
    for (const message of [
      'Unable to resolve object tree with circular reference at',
      "Trying to resolve a non-data object (e.g., a function) at '/doc/a/0/b'",
      "Trying to 'resolve()' a Construct",
      'a map uses the key',
      'Found an encoded list token string in a scalar string context',
      'Found an encoded map token in a scalar string context',
      'Found an encoded map token in a scalar number context',
      'Encoded representation of unknown number Token found',
      "Unrecognized Token Key 'NOPE.999999'",
      'Cannot add elements to list token',
      'Cannot add elements to map token',
    ]) {
      expect(errors).toContain(message);
    }
    const crossStack = JSON.stringify(compare(cases['cross-stack reference while preparing'])[0].stacks.value);
    expect(crossStack).toContain('terraform_remote_state');
    expect(JSON.stringify(compare(cases['lifecycle configuration with a dynamic block (element block)'])[0])).toContain(
      'it=DYNAMIC_BLOCK',
    );
  });
});

test('every element block of the reference app, preparing in stack order, then the stacks cdktf synthesizes', () => {
  const runs = RESOLVERS.map(([, resolve]) => {
    const app = new App({ outdir, stackTraces: false });
    buildReferenceApp(app, 'root');
    const stacks = app.node.findAll().filter(TerraformStack.isStack);
    const resolver = new DefaultTokenResolver(new StringConcat());
    const blocks = stacks.map((stack) =>
      stack.node
        .findAll()
        .filter(TerraformElement.isTerraformElement)
        .map((e) => resolve(e.toTerraform(), { scope: stack, preparing: true, resolver })),
    );
    return { blocks, stacks: stacks.map((s) => s.toTerraform()) };
  });
  expect(runs[0].blocks.flat().length).toBeGreaterThan(300);
  expect(runs[1]).toStrictEqual(runs[0]);
});

// Arbitrary JSON-like trees around the same tokens: a recipe is made into a value in each world.
type Recipe =
  | { k: 'str'; v: string }
  | { k: 'num'; v: number }
  | { k: 'lit'; v: boolean | null | undefined }
  | { k: 'tok'; i: number }
  | { k: 'concat'; parts: (string | number)[] }
  | { k: 'arr'; items: Recipe[] }
  | { k: 'obj'; entries: [string | number, Recipe][] };

const stringTokens: ((w: World) => string)[] = [
  (w) => w.bucket.arn,
  (w) => Fn.upper(w.bucket.id),
  (w) => Fn.join('${', [w.bucket.arn, 'x}']),
  (w) => Token.asString(Fn.conditional(true, w.bucket.arn, '${lit}')),
  (w) => Lazy.stringValue({ produce: () => `lazy "${w.bucket.arn}"` }),
  (w) => `<${w.count.asNumber}>`, // delimited: an unresolved encoding (a digit appended) differs per world
  (w) => w.it.getString('x'),
  (w) => Token.asString(probe(w.log, 'prop')),
];
const valueTokens: ((w: World) => unknown)[] = [
  (w) => w.names.listValue,
  (w) => Token.asNumberList(w.ports.value),
  (w) => Token.asStringMap(w.tags.value),
  (w) => w.count.asNumber,
  (w) => Lazy.anyValue({ produce: () => ({ a: [w.bucket.arn, undefined] }) }),
  (w) => w.it.dynamic({ v: w.it.value }),
  (w) => probe(w.log, 'value'),
];

function make(r: Recipe, w: World): unknown {
  switch (r.k) {
    case 'str':
    case 'num':
    case 'lit':
      return r.v;
    case 'tok':
      return r.i < stringTokens.length
        ? stringTokens[r.i](w)
        : valueTokens[(r.i - stringTokens.length) % valueTokens.length](w);
    case 'concat':
      return r.parts.map((p) => (typeof p === 'number' ? stringTokens[p % stringTokens.length](w) : p)).join('');
    case 'arr':
      return r.items.map((x) => make(x, w));
    case 'obj':
      return Object.fromEntries(
        r.entries.map(([key, x]) => [
          typeof key === 'number' ? stringTokens[key % stringTokens.length](w) : key,
          make(x, w),
        ]),
      );
  }
}

const text = fc.oneof(
  fc.string(),
  fc.constantFrom('${', '}', '${x}', '$${y}', '-e-', '1e5', '-8.3e298', '{TfToken[', 'a"b', '\n'),
);
const recipe = fc.letrec<{ node: Recipe }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    text.map((v): Recipe => ({ k: 'str', v })),
    fc.oneof(fc.double(), fc.integer()).map((v): Recipe => ({ k: 'num', v })),
    fc.constantFrom(true, false, null, undefined).map((v): Recipe => ({ k: 'lit', v })),
    fc.nat(stringTokens.length + valueTokens.length - 1).map((i): Recipe => ({ k: 'tok', i })),
    fc.array(fc.oneof(text, fc.nat()), { maxLength: 5 }).map((parts): Recipe => ({ k: 'concat', parts })),
    fc.array(tie('node'), { maxLength: 4 }).map((items): Recipe => ({ k: 'arr', items })),
    fc
      .array(fc.tuple(fc.oneof(text, fc.nat()), tie('node')), { maxLength: 4 })
      .map((entries): Recipe => ({ k: 'obj', entries })),
  ),
})).node;

test('arbitrary trees of plain values and tokens: the same outcome (property)', () => {
  // One world per resolver for the whole run: what a resolution registers or produces stays alike too.
  const worlds = RESOLVERS.map(() => world());
  fc.assert(
    fc.property(recipe, fc.boolean(), fc.boolean(), (r, preparing, inTwo) => {
      const [cdktf, port] = RESOLVERS.map(([, resolve], i) => {
        const w = worlds[i];
        const options = {
          scope: inTwo ? w.two : w.one,
          preparing,
          resolver: new DefaultTokenResolver(new StringConcat()),
        };
        return outcome(() => resolve(make(r, w), options), w.log);
      });
      expect(port).toStrictEqual(cdktf);
    }),
    { numRuns: 400 },
  );
  expect(worlds[1].one.toTerraform()).toStrictEqual(worlds[0].one.toTerraform());
  expect(worlds[1].two.toTerraform()).toStrictEqual(worlds[0].two.toTerraform());
});
