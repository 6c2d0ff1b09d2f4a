/**
 * A Terraform expression string from the synthesized JSON (e.g. `${jsonencode({...})}`) as a plain value,
 * so tests assert on the parsed structure instead of substrings: `jsonencode(x)` becomes x, references
 * become their reference text (`${aws_sqs_queue.q.arn}`), templates keep references inline. Parsing is the
 * project's HCL expression parser; anything else (function calls, operators) is an error.
 */
import { parseTemplate, type Expr, type Step, type TplPart } from '../../tools/validate/hcl-expression';

export type HclValue = string | number | boolean | null | HclValue[] | { [k: string]: HclValue };

const refText = (root: string, steps: Step[]) =>
  `\${${[root, ...steps.map((s) => (s.t === 'attr' ? s.name : s.t === 'splat' ? '*' : `[${JSON.stringify(hclValueOf(s.expr))}]`))].join('.')}}`;

function hclValueOf(e: Expr): HclValue {
  switch (e.t) {
    case 'lit':
      return e.value;
    case 'ref':
      return refText(e.root, e.steps);
    case 'tpl':
      return partsValue(e.parts);
    case 'tuple':
      return e.items.map(hclValueOf);
    case 'obj':
      return Object.fromEntries(e.items.map((i) => [String(hclValueOf(i.key)), hclValueOf(i.value)]));
    case 'call':
      if (e.name === 'jsonencode' && e.args.length === 1) return hclValueOf(e.args[0]!);
      throw new Error(`hclValue: function ${e.name} is not supported`);
    default:
      throw new Error(`hclValue: ${e.t} expressions are not supported`);
  }
}

function partsValue(parts: TplPart[]): HclValue {
  if (parts.length === 1 && parts[0]!.t === 'interp') return hclValueOf(parts[0].expr);
  return parts
    .map((p) => {
      if (p.t === 'str') return p.value;
      if (p.t === 'interp') {
        const v = hclValueOf(p.expr);
        return typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
      }
      throw new Error('hclValue: template directives are not supported');
    })
    .join('');
}

export function hclValue(s: string): HclValue {
  return partsValue(parseTemplate(s));
}
