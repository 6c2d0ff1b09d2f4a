/**
 * Input variables applied to a synthesized stack as `terraform apply -var …` would: every string that is
 * a Terraform template over `var.*` only (with `jsonencode`, `join`) is evaluated; strings that reference
 * resources are left for the harness to resolve. Values default to the synthesized `variable` defaults.
 * Parsing is the project's HCL expression parser (tools/validate/hcl-expression.ts).
 */
import { isTemplate, parseTemplate, type Expr, type TplPart } from '../../tools/validate/hcl-expression';
import type { StackJson } from '../../local/stack-json';

type V = string | number | boolean | null | V[] | { [k: string]: V };
class NotConstant extends Error {}

function evalExpr(e: Expr, vars: Record<string, V>): V {
  switch (e.t) {
    case 'lit':
      return e.value;
    case 'tpl':
      return evalParts(e.parts, vars);
    case 'tuple':
      return e.items.map((i) => evalExpr(i, vars));
    case 'obj':
      return Object.fromEntries(e.items.map((it) => [String(evalExpr(it.key, vars)), evalExpr(it.value, vars)]));
    case 'ref': {
      if (e.root !== 'var' || e.steps.length !== 1 || e.steps[0]!.t !== 'attr') throw new NotConstant();
      const name = e.steps[0].name;
      if (!(name in vars)) throw new Error(`variable ${name} has no value (no default, none given)`);
      return vars[name]!;
    }
    case 'call': {
      const args = e.args.map((a) => evalExpr(a, vars));
      if (e.name === 'jsonencode' && args.length === 1) return JSON.stringify(args[0]);
      if (e.name === 'join' && args.length === 2 && Array.isArray(args[1])) return args[1].map(String).join(String(args[0]));
      throw new NotConstant();
    }
    default:
      throw new NotConstant();
  }
}

function evalParts(parts: TplPart[], vars: Record<string, V>): V {
  if (parts.length === 1 && parts[0]!.t === 'interp') return evalExpr(parts[0].expr, vars);
  let s = '';
  for (const p of parts) {
    if (p.t === 'str') s += p.value;
    else if (p.t === 'interp') {
      const v = evalExpr(p.expr, vars);
      if (v !== null && typeof v === 'object') throw new Error('a template interpolates a collection');
      s += String(v);
    } else throw new NotConstant();
  }
  return s;
}

/** The stack with every variable-only template evaluated. `values` override the synthesized defaults. */
export function applyVariables(json: StackJson, values: Record<string, V> = {}): StackJson {
  const vars: Record<string, V> = {};
  for (const [name, decl] of Object.entries(json.variable ?? {})) if ('default' in decl) vars[name] = decl.default as V;
  Object.assign(vars, values);
  const walk = (x: unknown): unknown => {
    if (typeof x === 'string' && isTemplate(x)) {
      try {
        return evalParts(parseTemplate(x), vars);
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
