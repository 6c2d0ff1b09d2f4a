/**
 * A port of cdktf 0.21's token resolution (`resolve` in cdktf/lib/tokens/private/resolve.js), imported only
 * by src/core/cdktf.ts (the one cdktf seam). It returns what cdktf's returns for every input, throws the same
 * errors, gives tokens the same contexts and registers the same cross-stack references while preparing; it
 * is just cheaper, which matters because a synth runs mostly in V8's interpreter, where the number of calls
 * and allocations is what costs. Per call, cdktf joins the key path into a string (used only in error
 * messages), spreads its options into a new object, builds a context with two closures plus a post-processor
 * closure (twice for a string, once only to read two flags), and runs its TokenString regular expressions on
 * every string. Here:
 *
 * - the key path is a linked list ({@link KeyPath}) joined only when an error message needs it;
 * - a context (cdktf's object, {@link makeContext}) is built only where cdktf hands one to code outside this
 *   file (a token, the token resolver, `mapTokens`); for a nested value cdktf makes a context only to copy
 *   four fields from the previous one, which here is a small {@link Inherited} copy, made only below a
 *   context some code was given (at the top there is none);
 * - a string without a token marker (`${TfToken[`, `#{TfToken[`) and without an encoded number is returned
 *   after plain `includes` checks; cdktf's TokenString (its own regular expressions, split and escape
 *   handling) runs only when a marker is there.
 *
 * The branches keep cdktf's order and each cites the cdktf branch it mirrors, so a cdktf upgrade can be
 * checked against it. The token resolver (DefaultTokenResolver: resolveToken, resolveString, resolveList,
 * resolveNumberList, resolveMap), TokenizedStringFragments, TokenMap, the encoding helpers and the error
 * constructors stay cdktf's. test/unit/core/token-resolution.test.ts compares the two on a broad corpus.
 */
import type { IPostProcessor, IResolvable, IResolveContext, ITokenResolver } from 'cdktf';
import { StringConcat, Token } from 'cdktf';
import {
  cannotResolveFunction,
  constructsCannotBeResolved,
  encodedListTokenInScalarStringContext,
  encodedMapTokenInScalarNumberContext,
  encodedMapTokenInScalarStringContext,
  mapKeyMustResolveToString,
  unableToResolveCircularReference,
} from 'cdktf/lib/errors';
import {
  BEGIN_LIST_TOKEN_MARKER,
  BEGIN_MAP_TOKEN_MARKER,
  BEGIN_STRING_TOKEN_MARKER,
  extractTokenDouble,
  TokenString,
} from 'cdktf/lib/tokens/private/encoding';
import type { IResolveOptions } from 'cdktf/lib/tokens/private/resolve';
import { TokenMap } from 'cdktf/lib/tokens/private/token-map';
import type { IConstruct } from 'constructs';

// Read once: in the bundle every access to an imported binding goes through one or two getters (esbuild's
// ESM interop over cdktf's index), which a profile showed on this hot path.
const { NUMBER_MAP_TOKEN_VALUE, STRING_MAP_TOKEN_VALUE, ANY_MAP_TOKEN_VALUE } = Token;
const LIST_MARKER = BEGIN_LIST_TOKEN_MARKER;
const MAP_MARKER = BEGIN_MAP_TOKEN_MARKER;
const STRING_MARKER = BEGIN_STRING_TOKEN_MARKER;
/** What the three markers (`${TfToken[`, `#{TfToken[`, `&{TfToken[`) share after their first character
 * (if a cdktf upgrade changed that, '' — found in every string — keeps every string on cdktf's checks). */
const ANY_MARKER = [LIST_MARKER, MAP_MARKER].every((m) => m.slice(1) === STRING_MARKER.slice(1))
  ? STRING_MARKER.slice(1)
  : '';
const TS = TokenString;
const extractDouble = extractTokenDouble;
const Concat = StringConcat;

// cdktf's resolve.js captures the (process-global) token map once, at load; so does this port.
const tokenMap = TokenMap.instance();
/** cdktf binds `tokenMap.lookupToken` on every tokenized string; one bound function serves them all. */
const lookupToken = tokenMap.lookupToken.bind(tokenMap);
const lookupNumberToken = (id: string) => tokenMap.lookupNumberToken(Number.parseFloat(id));

/** encoding.js NUMBER_TOKEN_REGEX without the `g` flag: `test` from index 0, as TokenString.forNumbers does. */
const NUMBER_IN_STRING = /[-|\d|.+]+(e[-|\d|.|e|E|+]+)/;
/**
 * encoding.js encodes a number token as a double whose top 16 bits are 0xfdff (a list element: 0xfbff):
 * negative, of magnitude in [2^992, 2^993) (list: [2^960, 2^961)). A number above these bounds (or NaN)
 * cannot carry either marker, so cdktf's bit test (which allocates three buffers) is skipped for it.
 */
const NUMBER_TOKEN_BOUND = -(2 ** 992);
const LIST_NUMBER_TOKEN_BOUND = -(2 ** 960);

/**
 * The key path of a value (cdktf's `prefix`): a linked list, so a step into a key or array index allocates one
 * small node instead of copying the array; `depth` is cdktf's `prefix.length`.
 */
export type KeyPath = { readonly parent: KeyPath; readonly key: string | number; readonly depth: number } | undefined;

/** cdktf's `pathName`: `"/" + prefix.join("/")`, built only for an error message. */
function pathName(path: KeyPath): string {
  const keys: (string | number)[] = [];
  for (let p = path; p; p = p.parent) keys.push(p.key);
  return `/${keys.reverse().join('/')}`;
}

/** What every nested call of one resolution shares (cdktf passes it on as `{...options}`). */
interface Frame {
  readonly scope: IConstruct;
  readonly preparing: boolean;
  readonly resolver: ITokenResolver;
}

/** The four fields a context takes from the previous one (all a previous context is read for). */
type Inheritable = Pick<IResolveContext, 'suppressBraces' | 'ignoreEscapes' | 'warnEscapes' | 'iteratorContext'>;

/**
 * cdktf's `makeContext(key)[0]` for a nested value (an array entry, a key, a value): a copy of the previous
 * context's four fields, fixed when the walk reaches the value, which nested values then inherit from. Only
 * needed below a context some code was given (a token could still change it while values beside it
 * resolve); a copy never changes, so a copy of a copy is the copy itself, and at the top (no previous
 * context) there is nothing to copy.
 */
class Inherited implements Inheritable {
  readonly suppressBraces?: boolean;
  readonly ignoreEscapes?: boolean;
  readonly warnEscapes?: boolean;
  readonly iteratorContext?: 'DYNAMIC_BLOCK' | 'FOR_EXPRESSION';
  constructor(previous: Inheritable) {
    this.suppressBraces = previous.suppressBraces;
    this.ignoreEscapes = previous.ignoreEscapes;
    this.warnEscapes = previous.warnEscapes;
    this.iteratorContext = previous.iteratorContext;
  }
}
function inherit(previous: Inheritable | undefined): Inheritable | undefined {
  return previous === undefined || previous instanceof Inherited ? previous : new Inherited(previous);
}

/**
 * cdktf's `makeContext()`, made only where a context leaves this file: the context tokens and the resolver see,
 * and its post-processor. The same object as cdktf's (own fields and closures, in cdktf's order): `preparing`
 * and `scope` come from the resolution; the other four fields are copied from the previous context when the
 * context is made (tokens change them on their own context — e.g. every TFExpression sets `suppressBraces` —
 * and values resolved through that context inherit the change); `resolve` continues the resolution at this
 * context's key path with this context as the previous one — where cdktf spreads its options into a new
 * object and copies its prefix array for every call.
 */
function makeContext(
  frame: Frame,
  path: KeyPath,
  previous: Inheritable | undefined,
  forToken = false,
): [IResolveContext, IPostProcessor | undefined] {
  let postProcessor: IPostProcessor | undefined;
  const context: IResolveContext = {
    preparing: frame.preparing,
    scope: frame.scope,
    suppressBraces: previous?.suppressBraces,
    ignoreEscapes: previous?.ignoreEscapes,
    warnEscapes: previous?.warnEscapes,
    iteratorContext: previous?.iteratorContext,
    registerPostProcessor(pp) {
      postProcessor = pp;
    },
    resolve(x) {
      return resolveValue(x, frame, path, context);
    },
  };
  // the post-processor is used only when the context goes to a token (`forToken`)
  const post: IPostProcessor | undefined = forToken
    ? {
        postProcess(x) {
          return postProcessor ? postProcessor.postProcess(x, context) : x;
        },
      }
    : undefined;
  return [context, post];
}

/** cdktf's `resolve(obj, options)`, with the same options (a drop-in, e.g. for comparing the two). */
export function resolve(obj: unknown, options: IResolveOptions): unknown {
  let path: KeyPath;
  for (const key of options.prefix ?? []) path = { parent: path, key, depth: (path?.depth ?? 0) + 1 };
  return resolveValue(obj, options, path, options.previousContext);
}

/** cdktf's `resolve` of a value found at `path` (no previous context), without building a prefix array. */
export function resolveAt(
  obj: unknown,
  options: Pick<IResolveOptions, 'scope' | 'preparing' | 'resolver'>,
  path: KeyPath,
): unknown {
  return resolveValue(obj, options, path, undefined);
}

/**
 * One call of cdktf's `resolve`: `frame` is its options, `path` its prefix, `previous` its
 * `options.previousContext`.
 */
function resolveValue(obj: unknown, frame: Frame, path: KeyPath, previous: Inheritable | undefined): unknown {
  // cdktf: "protect against cyclic references by limiting depth"
  if (path !== undefined && path.depth > 200) throw unableToResolveCircularReference(pathName(path));
  switch (typeof obj) {
    case 'undefined':
      return undefined;
    case 'function':
      // cdktf: "functions - not supported (only tokens are supported)"
      throw cannotResolveFunction(pathName(path), obj);
    case 'string':
      return resolveString(obj, frame, path, previous);
    case 'number':
      // cdktf: "number - potentially decode Tokenized number" (resolveNumberToken)
      if (obj === NUMBER_MAP_TOKEN_VALUE) throw encodedMapTokenInScalarNumberContext();
      if (!(obj <= NUMBER_TOKEN_BOUND)) return obj;
      {
        const token = tokenMap.lookupNumberToken(obj);
        // cdktf resolves the token through a fresh copy of the previous context (makeContext()[0].resolve),
        // which the token's own context, made straight away, copies again: the same as copying it once
        return token === undefined ? obj : resolveValue(token, frame, path, previous);
      }
    case 'object':
      break;
    default:
      // cdktf: "primitives - as-is" (boolean, bigint, symbol)
      return obj;
  }
  if (obj === null) return null;
  if (obj instanceof Date) return obj; // cdktf: "primitives - as-is"
  if (Array.isArray(obj)) return resolveArray(obj, frame, path, previous);
  const keys = Object.keys(obj);
  // cdktf: "check for tokenized map" (containsMapToken)
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    if (key.includes(MAP_MARKER) && TS.forMapToken(key).test()) {
      return frame.resolver.resolveMap(obj as Record<string, unknown>, makeContext(frame, path, previous)[0]);
    }
  }
  // cdktf: "tokens - invoke 'resolve' and continue to resolve recursively" (`unresolved(obj)`, which for an
  // object without a map-token key is Tokenization.isResolvable: a `resolve` method)
  if (typeof (obj as Partial<IResolvable>).resolve === 'function') {
    const made = makeContext(frame, path, previous, true); // (no destructuring: an iterator in the interpreter)
    return frame.resolver.resolveToken(obj as IResolvable, made[0], made[1] as IPostProcessor);
  }
  // cdktf: "Must not be a Construct at this point" (isConstruct)
  const maybeConstruct = obj as { _children?: unknown; _metadata?: unknown };
  if (maybeConstruct._children !== undefined && maybeConstruct._metadata !== undefined) {
    throw constructsCannotBeResolved(pathName(path));
  }
  // cdktf: "objects - deep-resolve all values"; each key resolves at the object's path, its value one below
  const result: Record<string, unknown> = {};
  const depth = (path?.depth ?? 0) + 1;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    const resolvedKey = plainString(key) ? key : resolveString(key, frame, path, inherit(previous));
    if (typeof resolvedKey !== 'string') throw mapKeyMustResolveToString(pathName(path), key, resolvedKey);
    const x = (obj as Record<string, unknown>)[key];
    // a leaf cdktf's resolve would return as it is (or drop): no call, no key path
    if (depth <= 200 && (x === undefined || (typeof x === 'string' && plainString(x)))) {
      if (x !== undefined) result[resolvedKey] = x;
      continue;
    }
    const value = resolveValue(x, frame, { parent: path, key, depth }, inherit(previous));
    if (value !== undefined) result[resolvedKey] = value; // cdktf: "skip undefined"
  }
  return result;
}

/**
 * A string cdktf's resolve returns as it is (what most keys and values are): no token marker, not a map-token
 * value, no encoded number — each branch of {@link resolveString} then leaves it alone.
 */
function plainString(s: string): boolean {
  return (
    !s.includes(ANY_MARKER) && s !== STRING_MAP_TOKEN_VALUE && s !== ANY_MAP_TOKEN_VALUE && !NUMBER_IN_STRING.test(s)
  );
}

/** cdktf: "string - potentially replace all stringified Tokens". */
function resolveString(str: string, frame: Frame, path: KeyPath, previous: Inheritable | undefined): unknown {
  if (plainString(str)) return str;
  // Most strings (every key, most values) carry no marker at all: one search rules out both below.
  const marked = str.includes(ANY_MARKER);
  // cdktf: 'If this is a "list element" Token, it should never occur by itself in string context'
  if (marked && str.includes(LIST_MARKER) && TS.forListToken(str).test()) {
    throw encodedListTokenInScalarStringContext();
  }
  if (str === STRING_MAP_TOKEN_VALUE || str === ANY_MAP_TOKEN_VALUE) {
    throw encodedMapTokenInScalarStringContext();
  }
  let resolved: unknown = str;
  if (marked && str.includes(STRING_MARKER)) {
    // cdktf reads the escape flags from one fresh context and hands the resolver another, made the same
    // moment from the same previous context: one serves both here.
    const tokenStr = TS.forString(str, !previous?.ignoreEscapes, previous?.warnEscapes);
    if (tokenStr.test()) {
      const fragments = tokenStr.split(lookupToken);
      resolved = frame.resolver.resolveString(fragments, makeContext(frame, path, previous)[0]);
    }
  }
  // cdktf: "replace concatenated token numbers" — on whatever the string resolved to (cdktf's TokenString
  // takes a non-string too, so that case is left to it as it is)
  if (typeof resolved !== 'string' || NUMBER_IN_STRING.test(resolved)) {
    const tokenNumberStr = TS.forNumbers(resolved as string);
    if (tokenNumberStr.test()) {
      const fragments = tokenNumberStr.split(lookupNumberToken);
      resolved = fragments.mapTokens(makeContext(frame, path, previous)[0]).join(new Concat());
    }
  }
  return resolved;
}

/** cdktf: "arrays - resolve all values, remove undefined and remove empty arrays". */
function resolveArray(arr: unknown[], frame: Frame, path: KeyPath, previous: Inheritable | undefined): unknown {
  // cdktf: containsStringListTokenElement, then containsNumberListTokenElement (both pure scans)
  let stringList = false;
  let numberList = false;
  for (let i = 0; i < arr.length; i++) {
    const x = arr[i];
    if (typeof x === 'string') {
      if (!stringList && x.includes(LIST_MARKER) && TS.forListToken(x).test()) stringList = true;
    } else if (typeof x === 'number') {
      if (!numberList && x <= LIST_NUMBER_TOKEN_BOUND && extractDouble(x, true) !== undefined) numberList = true;
    }
  }
  if (stringList) return frame.resolver.resolveList(arr as string[], makeContext(frame, path, previous)[0]);
  if (numberList) return frame.resolver.resolveNumberList(arr as number[], makeContext(frame, path, previous)[0]);
  const out: unknown[] = [];
  const depth = (path?.depth ?? 0) + 1;
  for (let i = 0; i < arr.length; i++) {
    const x = arr[i];
    if (x === undefined && !(i in arr)) continue; // cdktf's `map` skips holes (it would not even check depth)
    // a leaf cdktf's resolve would return as it is (or drop): no call, no key path
    if (depth <= 200 && typeof x === 'string' && plainString(x)) {
      out.push(x);
      continue;
    }
    const value = resolveValue(x, frame, { parent: path, key: i, depth }, inherit(previous));
    if (value !== undefined) out.push(value);
  }
  return out;
}
