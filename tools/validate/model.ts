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
