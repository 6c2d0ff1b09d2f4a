/**
 * JSON-like documents (Step Functions definitions, buildspecs) whose shape depends on Terraform values —
 * a module input listing variable names, a timeout — rendered as ONE Terraform expression,
 * `${jsonencode(<hcl>)}`, so the caller's values shape the document at plan time.
 *
 * A document is built from plain values plus {@link HclExpression} leaves. While every part is literal the
 * helpers below return plain values (the document stays a literal JSON string, byte-identical to before);
 * as soon as one part is an expression they return expressions (`[for n in var.x : …]`, `merge(…)`).
 * cdktf tokens inside strings are kept: cdktf turns them into `${reference}` inside the quoted HCL string,
 * which Terraform reads as a nested template.
 */
import { Token } from '../core/cdktf';
import { escapeTerraformTemplate } from './terraform-template';

/** A raw HCL expression (native syntax), e.g. `var.names` or `length(var.names) > 0`. */
export class HclExpression {
  constructor(readonly text: string) {}
}

export const hclExpr = (text: string) => new HclExpression(text);
const isExpr = (v: unknown): v is HclExpression => v instanceof HclExpression;

/** True when `v` holds an expression anywhere (the document must then be rendered with {@link renderHcl}). */
export function containsExpression(v: unknown): boolean {
  if (isExpr(v)) return true;
  if (Array.isArray(v)) return v.some(containsExpression);
  if (v && typeof v === 'object') return Object.values(v).some(containsExpression);
  return false;
}

/** An HCL string literal for `s` (template characters escaped, cdktf tokens kept). */
function hclString(s: string): string {
  const body = s
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/\t/g, '\\t');
  return `"${escapeTerraformTemplate(body)}"`;
}

/** `v` as an HCL expression. A cdktf list or number token becomes `"${token}"` (a lone interpolation yields the value itself). */
export function renderHcl(v: unknown): string {
  if (isExpr(v)) return v.text;
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return hclString(v);
  if (typeof v === 'number') return Token.isUnresolved(v) ? `"${numberToken(v)}"` : String(v);
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return Token.isUnresolved(v) ? `"${Token.asString(v)}"` : `[${v.map(renderHcl).join(', ')}]`;
  return `{${Object.entries(v as Record<string, unknown>)
    .map(([k, x]) => `${hclString(k)} = ${renderHcl(x)}`)
    .join(', ')}}`;
}

/** A list of names: literal, or an expression of type `list(string)`. */
export type NameList = readonly string[] | HclExpression;
/** One name of a {@link NameList}: literal, or the for-expression's iteration variable. */
export type Name = string | HclExpression;

/** A literal list stays one; a cdktf list token (e.g. a variable's `listValue`) becomes an expression. */
export function nameList(names: readonly string[]): NameList {
  if (!Token.isUnresolved(names)) return names;
  let e = listExpressions.get(names);
  if (!e) listExpressions.set(names, (e = hclExpr(`"${Token.asString(names)}"`)));
  return e;
}
/** One expression (one token) per list, so a list used twice is one `locals` value. */
const listExpressions = new WeakMap<readonly string[], HclExpression>();
/** Likewise per number token. */
const numberTokens = new Map<number, string>();
const numberToken = (n: number) => {
  let t = numberTokens.get(n);
  if (!t) numberTokens.set(n, (t = Token.asString(n)));
  return t;
};

/** A string made of literal parts and names: a plain string, or an HCL template. */
export function str(...parts: Name[]): string | HclExpression {
  if (!parts.some(isExpr)) return parts.join('');
  return hclExpr(`"${parts.map((p) => (isExpr(p) ? `\${${p.text}}` : hclString(p).slice(1, -1))).join('')}"`);
}

/** `names.map(fn)`, or `[for n in names : fn(n)]`. */
export function mapNames(names: NameList, fn: (n: Name) => unknown): unknown[] | HclExpression {
  if (!isExpr(names)) return names.map(fn);
  return hclExpr(`[for n in ${names.text} : ${renderHcl(fn(hclExpr('n')))}]`);
}

/** `{ key(n): value(n) }` over the names, or `{for n in names : key(n) => value(n)}`. */
export function objectOfNames(
  names: NameList,
  key: (n: Name) => string | HclExpression,
  value: (n: Name) => unknown,
): Record<string, unknown> | HclExpression {
  if (!isExpr(names)) return Object.fromEntries(names.map((n) => [key(n) as string, value(n)]));
  return hclExpr(`{for n in ${names.text} : ${renderHcl(key(hclExpr('n')))} => ${renderHcl(value(hclExpr('n')))}}`);
}

/** Both lists in order. */
export function concatNames(...lists: NameList[]): NameList {
  if (!lists.some(isExpr)) return lists.flatMap((l) => [...(l as readonly string[])]);
  return hclExpr(`concat(${lists.map((l) => renderHcl(l)).join(', ')})`);
}

/** The list without repeats (first occurrence kept). */
export function distinctNames(names: NameList): NameList {
  return isExpr(names) ? hclExpr(`distinct(${names.text})`) : [...new Set(names)];
}

/** Whether the list has names: a boolean, or `length(names) > 0`. */
export function hasNames(names: NameList): boolean | HclExpression {
  return isExpr(names) ? hclExpr(`length(${names.text}) > 0`) : names.length > 0;
}

/** A number plus a literal: the sum, or `(expr + n)`. */
export function plus(a: number | HclExpression, b: number): number | HclExpression {
  if (isExpr(a)) return hclExpr(`(${a.text} + ${b})`);
  if (Token.isUnresolved(a)) return hclExpr(`(${renderHcl(a)} + ${b})`);
  return a + b;
}

/**
 * Objects merged in order, each present when its condition holds: plain spreading while every condition is
 * a boolean and every part an object; else `merge(…)` with `{for k, v in part : k => v if cond}` for
 * conditional parts (give conditional parts one key each: a for-expression's values must share a type).
 */
export function mergeWhen(
  ...parts: [boolean | HclExpression, Record<string, unknown> | HclExpression][]
): Record<string, unknown> | HclExpression {
  if (!parts.some(([c, p]) => isExpr(c) || isExpr(p))) {
    return Object.assign({}, ...parts.filter(([c]) => c).map(([, p]) => p));
  }
  const args = parts
    .filter(([c]) => c !== false)
    .map(([c, p]) =>
      c === true ? renderHcl(p) : `{for k, v in ${renderHcl(p)} : k => v if ${(c as HclExpression).text}}`,
    );
  return hclExpr(`merge(${args.join(', ')})`);
}

/** The elements whose condition holds: a plain array, or `concat(…)` of `[for x in [e] : x if cond]`. */
export function listWhen(...items: [boolean | HclExpression, unknown][]): unknown[] | HclExpression {
  if (!items.some(([c]) => isExpr(c))) return items.filter(([c]) => c).map(([, v]) => v);
  const args = items
    .filter(([c]) => c !== false)
    .map(([c, v]) =>
      c === true ? `[${renderHcl(v)}]` : `[for x in [${renderHcl(v)}] : x if ${(c as HclExpression).text}]`,
    );
  return hclExpr(args.length === 1 ? args[0]! : `concat(${args.join(', ')})`);
}

const TOKEN = /\$\{TfToken\[[A-Za-z0-9_.]+\]\}/g;

/**
 * Moves the cdktf tokens out of an expression text: each becomes `${local.<local>.vN}` (a bare
 * `local.<local>.vN` when it was a whole quoted string), its value collected in `values` for a
 * `locals` entry. Needed because cdktf, rendering a token inside a `${…}` it has seen open, guesses the
 * nesting from the braces around it — unreliable in an expression full of object literals and for-expressions.
 */
export function tokensToLocal(text: string, local: string, values: Record<string, string>): string {
  const index = new Map(Object.entries(values).map(([k, v]) => [v, k]));
  const keyOf = (token: string) => {
    let k = index.get(token);
    if (!k) {
      k = `v${index.size}`;
      index.set(token, k);
      values[k] = token;
    }
    return `local.${local}.${k}`;
  };
  return text.replace(TOKEN, (t) => `\${${keyOf(t)}}`).replace(/"\$\{(local\.[A-Za-z0-9_]+\.v\d+)\}"/g, '$1');
}
