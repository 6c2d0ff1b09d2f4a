/**
 * Check (1): every `${...}` reference in a configuration resolves to something declared — resources,
 * data sources, variables, locals, module calls and (when the called module can be read) its outputs.
 * Built-ins (`path.module`, `terraform.workspace`, `each`, `count`, `self`) and iterator names of `for`
 * expressions, `%{ for }` directives and `dynamic` blocks are not references to declarations.
 */
import { HclSyntaxError, isTemplate, parseExpression, parseTemplate, referencesOf, type Step } from './hcl-expression';
import { bodies, isObject, joinPath, type ConfigFile, type Declarations, type Finding } from './model';

export interface ReferenceOptions {
  /**
   * Output names of a called module, or undefined when they cannot be read (registry / git sources).
   * Given the module call's name and its `source`.
   */
  readonly moduleOutputs?: (moduleName: string, source: string) => ReadonlySet<string> | undefined;
}

const PATH_ATTRS = new Set(['module', 'root', 'cwd']);
const TERRAFORM_ATTRS = new Set(['workspace', 'applying']);
const ALWAYS_LOCAL = new Set(['each', 'count', 'self']);

function attrAt(steps: readonly Step[], i: number): string | undefined {
  const s = steps[i];
  return s && s.t === 'attr' ? s.name : undefined;
}

/** Why a reference does not resolve, or undefined when it does. */
export function resolveReference(root: string, steps: readonly Step[], decls: Declarations, opts: ReferenceOptions = {}): string | undefined {
  if (ALWAYS_LOCAL.has(root)) return undefined;
  const first = attrAt(steps, 0);
  const typed = (kind: string, map: Map<string, Set<string>>, type: string | undefined, name: string | undefined) => {
    if (!type || !name) return `incomplete reference to a ${kind}: '${[root, ...steps.filter((s) => s.t === 'attr').map((s) => (s as { name: string }).name)].join('.')}'`;
    if (!map.get(type)?.has(name)) return `reference to undeclared ${kind} '${type}.${name}'`;
    return undefined;
  };
  switch (root) {
    case 'path':
      return first && PATH_ATTRS.has(first) ? undefined : `unknown path attribute 'path.${first ?? ''}' (path.module, path.root, path.cwd)`;
    case 'terraform':
      return first && TERRAFORM_ATTRS.has(first) ? undefined : `unknown attribute 'terraform.${first ?? ''}'`;
    case 'var':
      if (!first) return "'var' needs a variable name";
      return decls.variables.has(first) ? undefined : `reference to undeclared variable 'var.${first}'`;
    case 'local':
      if (!first) return "'local' needs a local value name";
      return decls.locals.has(first) ? undefined : `reference to undeclared local value 'local.${first}'`;
    case 'data':
      return typed('data source', decls.data, first, attrAt(steps, 1));
    case 'ephemeral':
      return typed('ephemeral resource', decls.ephemeral, first, attrAt(steps, 1));
    case 'resource':
      return typed('resource', decls.resources, first, attrAt(steps, 1));
    case 'module': {
      if (!first) return "'module' needs a module call name";
      if (!decls.modules.has(first)) return `reference to undeclared module 'module.${first}'`;
      // module.x.out, module.x[0].out, module.x["k"].out
      let i = 1;
      while (steps[i] && steps[i]!.t !== 'attr') i++;
      const output = attrAt(steps, i);
      const source = decls.modules.get(first);
      if (output && source !== undefined && opts.moduleOutputs) {
        const outs = opts.moduleOutputs(first, source);
        if (outs && !outs.has(output)) return `module '${first}' (${source}) has no output '${output}'`;
      }
      return undefined;
    }
    default:
      if (!first) return `unknown name '${root}' (not a declared reference, built-in or iterator)`;
      if (!decls.resources.get(root)?.has(first)) return `reference to undeclared resource '${root}.${first}'`;
      return undefined;
  }
}

interface Ctx {
  readonly file: string;
  readonly decls: Declarations;
  readonly opts: ReferenceOptions;
  readonly findings: Finding[];
}

function checkString(ctx: Ctx, s: string, path: (string | number)[], scope: ReadonlySet<string>, bare = false): void {
  if (!bare && !isTemplate(s)) return;
  let refs;
  try {
    refs = referencesOf(bare && !isTemplate(s) ? parseExpression(s) : parseTemplate(s), scope);
  } catch (e) {
    if (!(e instanceof HclSyntaxError)) throw e;
    ctx.findings.push({ file: ctx.file, path: joinPath(path), message: `cannot parse expression: ${e.message}` });
    return;
  }
  for (const r of refs) {
    const why = resolveReference(r.root, r.steps, ctx.decls, ctx.opts);
    if (why) ctx.findings.push({ file: ctx.file, path: joinPath(path), message: why });
  }
}

/** A `condition` must be an expression; in JSON that means a `${...}` template, else Terraform rejects it. */
function checkCondition(ctx: Ctx, v: unknown, path: (string | number)[], scope: ReadonlySet<string>): void {
  if (typeof v === 'string' && !isTemplate(v)) {
    ctx.findings.push({
      file: ctx.file,
      path: joinPath(path),
      message: `condition is a literal string, not an expression (in JSON write "\${${v}}")`,
    });
    return;
  }
  walk(ctx, v, path, scope);
}

function walkBareList(ctx: Ctx, v: unknown, path: (string | number)[], scope: ReadonlySet<string>): void {
  if (!Array.isArray(v)) return walk(ctx, v, path, scope);
  v.forEach((item, i) => (typeof item === 'string' ? checkString(ctx, item, [...path, i], scope, true) : walk(ctx, item, [...path, i], scope)));
}

/** `dynamic "<name>" { for_each, iterator, content }`: `<iterator or name>.key/.value` is bound inside content. */
function walkDynamic(ctx: Ctx, v: unknown, path: (string | number)[], scope: ReadonlySet<string>): void {
  if (!isObject(v)) return walk(ctx, v, path, scope);
  for (const [blockName, blocks] of Object.entries(v)) {
    const list = Array.isArray(blocks) ? blocks : [blocks];
    list.forEach((block, i) => {
      const p = Array.isArray(blocks) ? [...path, blockName, i] : [...path, blockName];
      if (!isObject(block)) return walk(ctx, block, p, scope);
      const iterator = typeof block.iterator === 'string' ? block.iterator : blockName;
      const inner = new Set([...scope, iterator]);
      for (const [k, val] of Object.entries(block)) {
        if (k === 'iterator') continue;
        walk(ctx, val, [...p, k], k === 'content' || k === 'labels' ? inner : scope);
      }
    });
  }
}

function walk(ctx: Ctx, v: unknown, path: (string | number)[], scope: ReadonlySet<string>): void {
  if (typeof v === 'string') return checkString(ctx, v, path, scope);
  if (Array.isArray(v)) return v.forEach((x, i) => walk(ctx, x, [...path, i], scope));
  if (!isObject(v)) return;
  for (const [k, val] of Object.entries(v)) {
    const p = [...path, k];
    switch (k) {
      case '//':
        break;
      case 'depends_on':
      case 'replace_triggered_by':
        walkBareList(ctx, val, p, scope);
        break;
      case 'ignore_changes':
        break; // attribute names of the resource itself
      case 'dynamic':
        walkDynamic(ctx, val, p, scope);
        break;
      case 'condition':
        checkCondition(ctx, val, p, scope);
        break;
      default:
        walk(ctx, val, p, scope);
    }
  }
}

/** Walks each block body of `section` (`resource.<type>.<name>`, `variable.<name>`, …), skipping some keys. */
function walkSection(ctx: Ctx, doc: Record<string, unknown>, section: string, depth: 1 | 2, skip: ReadonlySet<string> = new Set()): void {
  const sectionValue = doc[section];
  const many = Array.isArray(sectionValue);
  bodies(sectionValue).forEach((top, ti) => {
    const base: (string | number)[] = many ? [section, ti] : [section];
    const visit = (holder: Record<string, unknown>, prefix: (string | number)[]) => {
      for (const [name, blocks] of Object.entries(holder)) {
        if (name === '//') continue;
        const arr = Array.isArray(blocks);
        bodies(blocks).forEach((body, bi) => {
          const p = arr ? [...prefix, name, bi] : [...prefix, name];
          for (const [k, val] of Object.entries(body)) if (!skip.has(k)) walk(ctx, { [k]: val }, p, new Set());
        });
      }
    };
    if (depth === 1) visit(top, base);
    else for (const [type, byName] of Object.entries(top)) if (type !== '//' && isObject(byName)) visit(byName, [...base, type]);
  });
}

/** Check (1) over the files of one configuration (declarations come from all files together). */
export function checkReferences(files: readonly ConfigFile[], decls: Declarations, opts: ReferenceOptions = {}): Finding[] {
  const findings: Finding[] = [];
  for (const { file, doc } of files) {
    const ctx: Ctx = { file, decls, opts, findings };
    walkSection(ctx, doc, 'resource', 2, new Set(['provider', 'provisioner_provider']));
    walkSection(ctx, doc, 'data', 2, new Set(['provider']));
    walkSection(ctx, doc, 'ephemeral', 2, new Set(['provider']));
    walkSection(ctx, doc, 'variable', 1, new Set(['type', 'default']));
    walkSection(ctx, doc, 'output', 1);
    walkSection(ctx, doc, 'module', 1, new Set(['source', 'version', 'providers']));
    walkSection(ctx, doc, 'provider', 1);
    walkSection(ctx, doc, 'check', 1);
    for (const section of ['locals', 'import', 'moved', 'removed']) {
      const val = doc[section];
      if (val !== undefined) walk(ctx, val, [section], new Set());
    }
    findings.push(...variableDefaultProblems(file, doc));
  }
  return findings;
}

/** Strings holding a `${…}` interpolation (an escaped `$${` is literal text). */
function interpolations(v: unknown, path: (string | number)[], out: (string | number)[][]): void {
  if (typeof v === 'string') {
    if (/(^|[^$])\$\{/.test(v)) out.push(path);
  } else if (Array.isArray(v)) v.forEach((x, i) => interpolations(x, [...path, i], out));
  else if (isObject(v)) for (const [k, x] of Object.entries(v)) interpolations(x, [...path, k], out);
}

/**
 * A variable's default must be a literal: Terraform rejects references there ("Variables not allowed").
 * cdktf lets a token slip into `default` when a cross-stack value is passed where a literal was expected.
 */
function variableDefaultProblems(file: string, doc: Record<string, unknown>): Finding[] {
  const out: Finding[] = [];
  for (const byName of bodies(doc.variable)) {
    for (const [name, body] of Object.entries(byName)) {
      for (const b of bodies(body)) {
        if (!('default' in b)) continue;
        const hits: (string | number)[][] = [];
        interpolations(b.default, ['variable', name, 'default'], hits);
        for (const h of hits) out.push({ file, path: joinPath(h), message: `variable '${name}' has a default that is not a literal (references are not allowed in defaults)` });
      }
    }
  }
  return out;
}
