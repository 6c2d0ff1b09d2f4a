/**
 * A small parser for Terraform (HCL native syntax) expressions and string templates, enough to find every
 * reference in a `*.tf.json` string (`"${aws_x.y.arn}/*"`, `"${jsonencode({...})}"`, `%{ for }` directives)
 * and to evaluate constant parts (IAM policies written with `jsonencode`). Pure: no I/O, no cdktf.
 *
 * Follows HCL's grammar where it matters for references: identifiers may contain `-` (so `var.a-b` is one
 * traversal), bare identifiers used as object keys are literal strings, `for` expressions and `%{ for }`
 * directives bind iterator names, function calls (`jsonencode(...)`, `provider::aws::arn_parse(...)`) are
 * not references, `$${` / `%%{` are escapes.
 */

export type Step = { t: 'attr'; name: string } | { t: 'index'; expr: Expr } | { t: 'splat' };

export type Expr =
  | { t: 'lit'; value: string | number | boolean | null }
  | { t: 'tpl'; parts: TplPart[] }
  /** A traversal from a root name: `var.x`, `aws_s3_bucket.b[0].arn`, `each.value`, an iterator `v`. */
  | { t: 'ref'; root: string; steps: Step[] }
  | { t: 'call'; name: string; args: Expr[] }
  | { t: 'tuple'; items: Expr[] }
  | { t: 'obj'; items: { key: Expr; value: Expr }[] }
  | { t: 'for'; vars: string[]; coll: Expr; body: Expr[] }
  | { t: 'op'; args: Expr[] }
  | { t: 'get'; base: Expr; steps: Step[] };

export type TplPart =
  | { t: 'str'; value: string }
  | { t: 'interp'; expr: Expr }
  | { t: 'tfor'; vars: string[]; coll: Expr; body: TplPart[] };

export class HclSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} at offset ${offset}`);
  }
}

const BINARY: Record<string, number> = {
  '||': 1,
  '&&': 2,
  '==': 3,
  '!=': 3,
  '<': 4,
  '>': 4,
  '<=': 4,
  '>=': 4,
  '+': 5,
  '-': 5,
  '*': 6,
  '/': 6,
  '%': 6,
};
const IDENT_START = /[A-Za-z_]/;
const IDENT_CHAR = /[A-Za-z0-9_-]/;

type TemplateEnd = 'eof' | 'quote';

class Parser {
  pos = 0;
  constructor(private readonly s: string) {}

  private fail(msg: string): never {
    throw new HclSyntaxError(msg, this.pos);
  }

  private peek(n = 0): string {
    return this.s[this.pos + n] ?? '';
  }

  private startsWith(tok: string): boolean {
    return this.s.startsWith(tok, this.pos);
  }

  ws(): void {
    for (;;) {
      const c = this.peek();
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') this.pos++;
      else if (c === '#' || this.startsWith('//')) {
        while (this.pos < this.s.length && this.peek() !== '\n') this.pos++;
      } else if (this.startsWith('/*')) {
        const end = this.s.indexOf('*/', this.pos + 2);
        if (end < 0) this.fail('unterminated comment');
        this.pos = end + 2;
      } else return;
    }
  }

  private expect(tok: string): void {
    this.ws();
    if (!this.startsWith(tok)) this.fail(`expected '${tok}'`);
    this.pos += tok.length;
  }

  private ident(): string {
    if (!IDENT_START.test(this.peek())) this.fail('expected an identifier');
    const start = this.pos;
    while (this.pos < this.s.length && IDENT_CHAR.test(this.peek())) this.pos++;
    return this.s.slice(start, this.pos);
  }

  /** Peeks an identifier at the current position (after whitespace) without consuming it. */
  private peekIdent(): string | undefined {
    const save = this.pos;
    this.ws();
    const ok = IDENT_START.test(this.peek());
    const id = ok ? this.ident() : undefined;
    this.pos = save;
    return id;
  }

  /** Template text: literal runs, `${ expr }`, `%{ directive }`. Stops at EOF, a closing quote or `%{ endfor }`. */
  template(end: TemplateEnd, inFor = false): TplPart[] {
    const parts: TplPart[] = [];
    let lit = '';
    const flush = () => {
      if (lit) parts.push({ t: 'str', value: lit });
      lit = '';
    };
    for (;;) {
      if (this.pos >= this.s.length) {
        if (end === 'eof' && !inFor) {
          flush();
          return parts;
        }
        this.fail(inFor ? "missing '%{ endfor }'" : 'unterminated string');
      }
      const c = this.peek();
      if (end === 'quote' && c === '"') {
        if (inFor) this.fail("missing '%{ endfor }'");
        this.pos++;
        flush();
        return parts;
      }
      if (this.startsWith('$${') || this.startsWith('%%{')) {
        lit += this.s.slice(this.pos + 1, this.pos + 3);
        this.pos += 3;
      } else if (this.startsWith('${')) {
        flush();
        this.openSequence();
        const expr = this.expr();
        this.closeDirective();
        parts.push({ t: 'interp', expr });
      } else if (this.startsWith('%{')) {
        flush();
        this.openSequence();
        const kw = this.ident();
        if (kw === 'if') {
          this.ws();
          const cond = this.expr();
          this.closeDirective();
          parts.push({ t: 'interp', expr: cond });
        } else if (kw === 'else' || kw === 'endif') {
          this.closeDirective();
        } else if (kw === 'for') {
          const vars = this.forVars();
          const coll = this.expr();
          this.closeDirective();
          const body = this.template(end, true);
          parts.push({ t: 'tfor', vars, coll, body });
        } else if (kw === 'endfor') {
          this.closeDirective();
          if (!inFor) this.fail("'%{ endfor }' without '%{ for }'");
          return parts;
        } else this.fail(`unknown template directive '${kw}'`);
      } else if (end === 'quote' && c === '\\') {
        lit += this.escape();
      } else {
        lit += c;
        this.pos++;
      }
    }
  }

  /** A backslash escape of a quoted HCL string (`\\n`, `\\"`, `\\u00e9`, …). */
  private escape(): string {
    const c = this.peek(1);
    const simple: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' };
    if (c in simple) {
      this.pos += 2;
      return simple[c]!;
    }
    const m = /^\\(?:u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8}))/.exec(this.s.slice(this.pos));
    if (m) {
      this.pos += m[0].length;
      return String.fromCodePoint(parseInt(m[1] ?? m[2]!, 16));
    }
    this.fail(`invalid escape '\\${c}'`);
  }

  /** Past the `${` / `%{` that opens an interpolation or a directive, and its `~` strip marker if any. */
  private openSequence(): void {
    this.pos += 2;
    if (this.peek() === '~') this.pos++;
    this.ws();
  }

  private closeDirective(): void {
    this.ws();
    if (this.peek() === '~') this.pos++;
    if (this.peek() !== '}') this.fail("expected '}'");
    this.pos++;
  }

  /** `k, v in` / `v in` of a for expression or directive; consumes the `in`. */
  private forVars(): string[] {
    this.ws();
    const vars = [this.ident()];
    this.ws();
    if (this.peek() === ',') {
      this.pos++;
      this.ws();
      vars.push(this.ident());
    }
    this.ws();
    if (this.ident() !== 'in') this.fail("expected 'in'");
    this.ws();
    return vars;
  }

  expr(): Expr {
    const cond = this.binary(1);
    this.ws();
    if (this.peek() === '?') {
      this.pos++;
      this.ws();
      const a = this.expr();
      this.expect(':');
      this.ws();
      const b = this.expr();
      return { t: 'op', args: [cond, a, b] };
    }
    return cond;
  }

  private binaryOp(): string | undefined {
    const two = this.s.slice(this.pos, this.pos + 2);
    if (two in BINARY) return two;
    const one = this.peek();
    if (one === '=' || (one === '/' && (this.peek(1) === '/' || this.peek(1) === '*'))) return undefined;
    return one in BINARY ? one : undefined;
  }

  private binary(minPrec: number): Expr {
    let left = this.unary();
    for (;;) {
      this.ws();
      const op = this.binaryOp();
      if (!op || BINARY[op]! < minPrec) return left;
      this.pos += op.length;
      this.ws();
      const right = this.binary(BINARY[op]! + 1);
      left = { t: 'op', args: [left, right] };
    }
  }

  private unary(): Expr {
    this.ws();
    const c = this.peek();
    if (c === '!' || c === '-') {
      this.pos++;
      return { t: 'op', args: [this.unary()] };
    }
    return this.postfix(this.primary());
  }

  private postfix(base: Expr): Expr {
    const steps: Step[] = [];
    for (;;) {
      const save = this.pos;
      this.ws();
      if (this.startsWith('.*')) {
        this.pos += 2;
        steps.push({ t: 'splat' });
      } else if (this.peek() === '.' && this.peek(1) !== '.') {
        this.pos++;
        if (/[0-9]/.test(this.peek())) {
          const start = this.pos;
          while (/[0-9]/.test(this.peek())) this.pos++;
          steps.push({ t: 'index', expr: { t: 'lit', value: Number(this.s.slice(start, this.pos)) } });
        } else steps.push({ t: 'attr', name: this.ident() });
      } else if (this.peek() === '[') {
        this.pos++;
        this.ws();
        if (this.peek() === '*') {
          this.pos++;
          this.expect(']');
          steps.push({ t: 'splat' });
        } else {
          const expr = this.expr();
          this.expect(']');
          steps.push({ t: 'index', expr });
        }
      } else {
        this.pos = save;
        break;
      }
    }
    if (steps.length === 0) return base;
    if (base.t === 'ref') return { t: 'ref', root: base.root, steps: [...base.steps, ...steps] };
    return { t: 'get', base, steps };
  }

  private primary(): Expr {
    this.ws();
    const c = this.peek();
    if (c === '') this.fail('unexpected end of expression');
    if (/[0-9]/.test(c)) {
      const m = /^[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(this.s.slice(this.pos))!;
      this.pos += m[0].length;
      return { t: 'lit', value: Number(m[0]) };
    }
    if (c === '"') {
      this.pos++;
      return simplify(this.template('quote'));
    }
    if (this.startsWith('<<')) return this.heredoc();
    if (c === '(') {
      this.pos++;
      const e = this.expr();
      this.expect(')');
      return e;
    }
    if (c === '[') {
      this.pos++;
      if (this.isFor()) return this.forExpr(']');
      const items: Expr[] = [];
      for (;;) {
        this.ws();
        if (this.peek() === ']') {
          this.pos++;
          return { t: 'tuple', items };
        }
        items.push(this.expr());
        this.ws();
        if (this.peek() === ',') this.pos++;
        else if (this.peek() !== ']') this.fail("expected ',' or ']'");
      }
    }
    if (c === '{') {
      this.pos++;
      if (this.isFor()) return this.forExpr('}');
      const items: { key: Expr; value: Expr }[] = [];
      for (;;) {
        this.ws();
        if (this.peek() === '}') {
          this.pos++;
          return { t: 'obj', items };
        }
        let key = this.expr();
        // A bare identifier as a key is the literal name, not a reference.
        if (key.t === 'ref' && key.steps.length === 0) key = { t: 'lit', value: key.root };
        this.ws();
        if (this.peek() === '=' || this.peek() === ':') this.pos++;
        else this.fail("expected '=' or ':' after an object key");
        this.ws();
        const value = this.expr();
        items.push({ key, value });
        this.ws();
        if (this.peek() === ',') this.pos++;
      }
    }
    if (IDENT_START.test(c)) {
      let name = this.ident();
      if (name === 'true' || name === 'false') return { t: 'lit', value: name === 'true' };
      if (name === 'null') return { t: 'lit', value: null };
      while (this.startsWith('::')) {
        this.pos += 2;
        name += `::${this.ident()}`;
      }
      const save = this.pos;
      this.ws();
      if (this.peek() === '(') {
        this.pos++;
        const args: Expr[] = [];
        for (;;) {
          this.ws();
          if (this.peek() === ')') {
            this.pos++;
            return { t: 'call', name, args };
          }
          args.push(this.expr());
          this.ws();
          if (this.startsWith('...')) {
            this.pos += 3;
            this.ws();
          }
          if (this.peek() === ',') this.pos++;
          else if (this.peek() !== ')') this.fail("expected ',' or ')'");
        }
      }
      this.pos = save;
      if (name.includes('::')) this.fail(`'${name}' must be called`);
      return { t: 'ref', root: name, steps: [] };
    }
    this.fail(`unexpected '${c}'`);
  }

  private heredoc(): Expr {
    const m = /^<<(-?)([A-Za-z_][A-Za-z0-9_-]*)\r?\n/.exec(this.s.slice(this.pos));
    if (!m) this.fail('malformed heredoc');
    const bodyStart = this.pos + m[0].length;
    const re = new RegExp(`^[ \\t]*${m[2]}[ \\t]*$`, 'm');
    const rest = this.s.slice(bodyStart);
    const end = re.exec(rest);
    if (!end) this.fail(`heredoc '${m[2]}' is not terminated`);
    const body = new Parser(rest.slice(0, end.index));
    const parts = body.template('eof');
    this.pos = bodyStart + end.index + end[0].length;
    return simplify(parts);
  }

  private isFor(): boolean {
    const save = this.pos;
    this.ws();
    const id = this.peekIdent();
    let result = false;
    if (id === 'for') {
      this.pos += 3;
      result = /[ \t\r\n]/.test(this.peek()) && this.peekIdent() !== undefined;
    }
    this.pos = save;
    return result;
  }

  private forExpr(close: ']' | '}'): Expr {
    this.ws();
    this.pos += 3; // 'for'
    const vars = this.forVars();
    const coll = this.expr();
    this.expect(':');
    const body: Expr[] = [this.expr()];
    if (close === '}') {
      this.expect('=>');
      body.push(this.expr());
      this.ws();
      if (this.startsWith('...')) this.pos += 3;
    }
    if (this.peekIdent() === 'if') {
      this.ws();
      this.pos += 2;
      body.push(this.expr());
    }
    this.expect(close);
    return { t: 'for', vars, coll, body };
  }
}

function simplify(parts: TplPart[]): Expr {
  if (parts.length === 0) return { t: 'lit', value: '' };
  if (parts.length === 1 && parts[0]!.t === 'str') return { t: 'lit', value: parts[0]!.value };
  return { t: 'tpl', parts };
}

/** Whether a JSON string is a template with interpolations or directives (else it is a plain literal). */
export function isTemplate(s: string): boolean {
  return s.includes('${') || s.includes('%{');
}

/** Parses a `*.tf.json` string value as a string template (`"prefix-${var.x}"`). */
export function parseTemplate(s: string): TplPart[] {
  return new Parser(s).template('eof');
}

/** Parses a bare expression (`depends_on` items, `replace_triggered_by`). */
export function parseExpression(s: string): Expr {
  const p = new Parser(s);
  const e = p.expr();
  p.ws();
  if (p.pos < s.length) throw new HclSyntaxError('unexpected text after expression', p.pos);
  return e;
}

/** A reference with the local names in scope where it occurs. */
export interface FoundRef {
  root: string;
  steps: Step[];
}

/** Every traversal from a non-local root in an expression or template (iterators of `for` are excluded). */
export function referencesOf(node: Expr | TplPart[], scope: ReadonlySet<string> = new Set()): FoundRef[] {
  const out: FoundRef[] = [];
  const walkSteps = (steps: Step[], sc: ReadonlySet<string>) => {
    for (const st of steps) if (st.t === 'index') walk(st.expr, sc);
  };
  const walkParts = (parts: TplPart[], sc: ReadonlySet<string>) => {
    for (const p of parts) {
      if (p.t === 'interp') walk(p.expr, sc);
      else if (p.t === 'tfor') {
        walk(p.coll, sc);
        walkParts(p.body, new Set([...sc, ...p.vars]));
      }
    }
  };
  const walk = (e: Expr, sc: ReadonlySet<string>): void => {
    switch (e.t) {
      case 'lit':
        return;
      case 'tpl':
        walkParts(e.parts, sc);
        return;
      case 'ref':
        if (!sc.has(e.root)) out.push({ root: e.root, steps: e.steps });
        walkSteps(e.steps, sc);
        return;
      case 'call':
      case 'tuple':
      case 'op':
        for (const a of e.t === 'call' ? e.args : e.t === 'tuple' ? e.items : e.args) walk(a, sc);
        return;
      case 'obj':
        for (const it of e.items) {
          walk(it.key, sc);
          walk(it.value, sc);
        }
        return;
      case 'for': {
        walk(e.coll, sc);
        const inner = new Set([...sc, ...e.vars]);
        for (const b of e.body) walk(b, inner);
        return;
      }
      case 'get':
        walk(e.base, sc);
        walkSteps(e.steps, sc);
        return;
    }
  };
  if (Array.isArray(node)) walkParts(node, scope);
  else walk(node, scope);
  return out;
}

/** Marker for a value that cannot be computed offline (a reference, an unknown function). */
export const UNKNOWN: unique symbol = Symbol('unknown');
export type Value = string | number | boolean | null | Value[] | { [k: string]: Value } | typeof UNKNOWN;

/** Evaluates the constant parts of an expression: literals, tuples, objects, templates, `jsonencode`. */
export function evaluate(e: Expr): Value {
  switch (e.t) {
    case 'lit':
      return e.value;
    case 'tpl': {
      if (e.parts.length === 1 && e.parts[0]!.t === 'interp') return evaluate(e.parts[0]!.expr);
      let s = '';
      for (const p of e.parts) {
        if (p.t === 'str') s += p.value;
        else if (p.t === 'interp') {
          const v = evaluate(p.expr);
          if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') return UNKNOWN;
          s += String(v);
        } else return UNKNOWN;
      }
      return s;
    }
    case 'tuple':
      return e.items.map(evaluate);
    case 'obj': {
      const o: { [k: string]: Value } = {};
      for (const it of e.items) {
        const k = evaluate(it.key);
        if (typeof k !== 'string') return UNKNOWN;
        o[k] = evaluate(it.value);
      }
      return o;
    }
    case 'call':
      if ((e.name === 'jsonencode' || e.name === 'tolist' || e.name === 'toset') && e.args.length === 1)
        return evaluate(e.args[0]!);
      return UNKNOWN;
    default:
      return UNKNOWN;
  }
}
