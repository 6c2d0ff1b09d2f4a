/**
 * Input variables applied to a synthesized stack as `terraform apply -var …` would: every string that is
 * a Terraform template over `var.*` only (with `jsonencode`, `join`, `startswith`, `element`, conditionals) is
 * evaluated; strings that reference resources are left for the harness to resolve, unless `references` gives
 * their values. Values default to the synthesized `variable` defaults.
 * Parsing is the project's HCL expression parser (tools/validate/hcl-expression.ts).
 */
import { isTemplate, parseTemplate, type Expr, type TplPart } from '../tools/validate/hcl-expression';
import type { StackJson } from './stack-json';

type V = string | number | boolean | null | V[] | { [k: string]: V };
class NotConstant extends Error {}
/** Resource attributes known locally: `type.logical.attr` or `type.*.attr` → value. */
type Refs = Record<string, V>;

function evalExpr(e: Expr, vars: Record<string, V>, refs: Refs = {}): V {
  const ev = (x: Expr) => evalExpr(x, vars, refs);
  switch (e.t) {
    case 'lit':
      return e.value;
    case 'tpl':
      return evalParts(e.parts, vars, refs);
    case 'tuple':
      return e.items.map(ev);
    case 'obj':
      return Object.fromEntries(e.items.map((it) => [String(ev(it.key)), ev(it.value)]));
    case 'ref': {
      if (e.root !== 'var' && e.steps.length === 2 && e.steps.every((st) => st.t === 'attr')) {
        const [logical, attr] = e.steps.map((st) => (st as { name: string }).name);
        const known = refs[`${e.root}.${logical}.${attr}`] ?? refs[`${e.root}.*.${attr}`];
        if (known !== undefined) return known;
      }
      if (e.root !== 'var' || e.steps.length !== 1 || e.steps[0]!.t !== 'attr') throw new NotConstant();
      const name = e.steps[0].name;
      if (!(name in vars)) throw new Error(`variable ${name} has no value (no default, none given)`);
      return vars[name]!;
    }
    case 'call': {
      const args = e.args.map(ev);
      if (e.name === 'jsonencode' && args.length === 1) return JSON.stringify(args[0]);
      if (e.name === 'startswith' && args.length === 2) return String(args[0]).startsWith(String(args[1]));
      if (e.name === 'element' && args.length === 2 && Array.isArray(args[0]) && args[0].length)
        return args[0][Number(args[1]) % args[0].length]!;
      if (e.name === 'join' && args.length === 2 && Array.isArray(args[1]))
        return args[1].map(String).join(String(args[0]));
      throw new NotConstant();
    }
    case 'op':
      // The parser keeps a conditional as the only three-operand op: only the chosen branch is evaluated.
      if (e.args.length === 3) {
        const cond = ev(e.args[0]!);
        if (typeof cond !== 'boolean') throw new NotConstant();
        return ev(cond ? e.args[1]! : e.args[2]!);
      }
      throw new NotConstant();
    default:
      throw new NotConstant();
  }
}

function evalParts(parts: TplPart[], vars: Record<string, V>, refs: Refs = {}): V {
  if (parts.length === 1 && parts[0]!.t === 'interp') return evalExpr(parts[0].expr, vars, refs);
  let s = '';
  for (const p of parts) {
    if (p.t === 'str') s += p.value;
    else if (p.t === 'interp') {
      const v = evalExpr(p.expr, vars, refs);
      if (v !== null && typeof v === 'object') throw new Error('a template interpolates a collection');
      s += String(v);
    } else throw new NotConstant();
  }
  return s;
}

/**
 * The stack with every variable-only template evaluated. `values` override the synthesized defaults;
 * `references` are resource attributes known locally (e.g. `aws_cloudfront_distribution.*.domain_name`).
 */
export function applyVariables(json: StackJson, values: Record<string, V> = {}, references: Refs = {}): StackJson {
  const vars: Record<string, V> = {};
  for (const [name, decl] of Object.entries(json.variable ?? {})) if ('default' in decl) vars[name] = decl.default as V;
  Object.assign(vars, values);
  const walk = (x: unknown): unknown => {
    if (typeof x === 'string' && isTemplate(x)) {
      try {
        return evalParts(parseTemplate(x), vars, references);
      } catch (e) {
        if (e instanceof NotConstant) return x;
        throw e;
      }
    }
    if (Array.isArray(x)) return x.map(walk);
    if (x && typeof x === 'object') return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, walk(v)]));
    return x;
  };
  return { ...json, resource: walk(json.resource) as StackJson['resource'] };
}
