/**
 * The shapes the validator reads: cdktf's `cdk.tf.json`, plain Terraform `*.tf.json` module files, and the
 * JSON that @cdktf/hcl2json makes of `*.tf` files (where every block body is wrapped in an array).
 */

/** One problem: `file: path: message`. `path` is a dotted JSON path inside the file (`resource.aws_x.y.policy`). */
export interface Finding {
  readonly file: string;
  readonly path: string;
  readonly message: string;
}

/** A parsed Terraform JSON document (one file). */
export type TfDoc = Record<string, unknown>;

/** One file of a configuration: its display name and parsed content. */
export interface ConfigFile {
  readonly file: string;
  readonly doc: TfDoc;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Block bodies of a value: an object is one body; an array (hcl2json, cdktf `provider`) holds several. */
export function bodies(v: unknown): Record<string, unknown>[] {
  if (Array.isArray(v)) return v.filter(isObject);
  return isObject(v) ? [v] : [];
}

/** `a.b[0].c` from path segments. */
export function joinPath(segments: readonly (string | number)[]): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else out += out ? `.${s}` : s;
  }
  return out;
}

/** What a configuration (all its files together) declares. */
export interface Declarations {
  /** resource type → names */
  readonly resources: Map<string, Set<string>>;
  readonly data: Map<string, Set<string>>;
  readonly ephemeral: Map<string, Set<string>>;
  readonly variables: Set<string>;
  readonly locals: Set<string>;
  readonly outputs: Set<string>;
  /** module call name → its `source` (when a literal string) */
  readonly modules: Map<string, string | undefined>;
}

function addTyped(into: Map<string, Set<string>>, section: unknown): void {
  for (const byType of bodies(section)) {
    for (const [type, byName] of Object.entries(byType)) {
      if (type === '//') continue;
      const names = into.get(type) ?? new Set<string>();
      for (const b of bodies(byName)) for (const name of Object.keys(b)) if (name !== '//') names.add(name);
      into.set(type, names);
    }
  }
}

function addNamed(into: Set<string>, section: unknown): void {
  for (const b of bodies(section)) for (const name of Object.keys(b)) if (name !== '//') into.add(name);
}

export function declarationsOf(files: readonly ConfigFile[]): Declarations {
  const d: Declarations = {
    resources: new Map(),
    data: new Map(),
    ephemeral: new Map(),
    variables: new Set(),
    locals: new Set(),
    outputs: new Set(),
    modules: new Map(),
  };
  for (const { doc } of files) {
    addTyped(d.resources, doc.resource);
    addTyped(d.data, doc.data);
    addTyped(d.ephemeral, doc.ephemeral);
    addNamed(d.variables, doc.variable);
    addNamed(d.locals, doc.locals);
    addNamed(d.outputs, doc.output);
    for (const b of bodies(doc.module)) {
      for (const [name, call] of Object.entries(b)) {
        if (name === '//') continue;
        const src = bodies(call)[0]?.source;
        d.modules.set(name, typeof src === 'string' ? src : undefined);
      }
    }
  }
  return d;
}

/** Findings for a name declared twice across the files of one configuration (Terraform rejects that). */
export function duplicateDeclarations(files: readonly ConfigFile[]): Finding[] {
  const seen = new Map<string, string>();
  const findings: Finding[] = [];
  const note = (file: string, key: string) => {
    const first = seen.get(key);
    if (first !== undefined && first !== file) findings.push({ file, path: key, message: `declared again (first in ${first})` });
    else if (first === undefined) seen.set(key, file);
  };
  for (const { file, doc } of files) {
    for (const section of ['resource', 'data', 'ephemeral'] as const) {
      for (const byType of bodies(doc[section])) {
        for (const [type, byName] of Object.entries(byType)) {
          if (type === '//') continue;
          for (const b of bodies(byName)) for (const name of Object.keys(b)) if (name !== '//') note(file, `${section}.${type}.${name}`);
        }
      }
    }
    for (const section of ['variable', 'output', 'locals', 'module'] as const) {
      for (const b of bodies(doc[section])) for (const name of Object.keys(b)) if (name !== '//') note(file, `${section}.${name}`);
    }
  }
  return findings;
}
