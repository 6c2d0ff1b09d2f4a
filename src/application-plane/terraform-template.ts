/**
 * Terraform treats every string in `cdk.tf.json` as a template: `${…}` is an interpolation and `%{…}` a
 * directive. Bash scripts are full of `${tenantId}`, so a script copied verbatim into a buildspec would
 * make Terraform fail (unknown reference) or, worse, silently substitute something. CDK never had this
 * problem; cdktf does. Literal text is therefore escaped (`$${`, `%%{`) while cdktf tokens
 * (`${TfToken[TOKEN.n]}`, which cdktf later turns into real references) are kept, so a script may still
 * embed e.g. the stack's name prefix.
 */
const TOKEN = /\$\{TfToken\[[A-Za-z0-9_.]+\]\}/g;

function escapeLiteral(s: string): string {
  // (function replacements: in a replacement *string* `$$` would mean one `$`)
  return s.replace(/\$\{/g, () => '$${').replace(/%\{/g, () => '%%{');
}

/** Escapes a string for a Terraform template, leaving cdktf tokens in it untouched. */
export function escapeTerraformTemplate(s: string): string {
  let out = '';
  let last = 0;
  for (const m of s.matchAll(TOKEN)) {
    out += escapeLiteral(s.slice(last, m.index)) + m[0];
    last = m.index! + m[0].length;
  }
  return out + escapeLiteral(s.slice(last));
}

/** Deep copy of a JSON-like value with every string (keys included) escaped. */
export function escapeTerraformDeep<T>(value: T): T {
  if (typeof value === 'string') return escapeTerraformTemplate(value) as T;
  if (Array.isArray(value)) return value.map((v) => escapeTerraformDeep(v)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [
        escapeTerraformTemplate(k),
        escapeTerraformDeep(v),
      ]),
    ) as T;
  }
  return value;
}
