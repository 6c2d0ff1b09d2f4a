/**
 * Resource addresses are part of a module's public contract: they are the keys of the user's state. A
 * renamed address makes Terraform destroy and recreate the resource (tables included) unless a `moved`
 * block says where it went. So addresses here are role names derived from the construct path only —
 * never cdktf's `<path>_<HASH>` — and two constructs that would share one throw at synth time.
 *
 * Pure functions, no cdktf import (SbtStack.allocateLogicalId calls them).
 */

/** Words of one construct id: camelCase, kebab-case, snake_case and `{param}` all split; lower-case. */
export function idWords(id: string): string[] {
  return id
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}

export interface AddressNameOptions {
  /** Ids of wrapper constructs directly below the stack that add nothing to a name (e.g. `control-plane`). */
  readonly wrappers?: ReadonlySet<string>;
  /** Terraform type (`aws_dynamodb_table`); trailing words of the path that repeat it are dropped. */
  readonly type?: string;
}

/**
 * The address name of an element from the construct ids below its stack:
 *  - a wrapper construct directly below the stack (`control-plane` in ControlPlaneStack) and `Default` are skipped;
 *  - words that repeat the end of the resource type are dropped from the end (`tenants/table` of
 *    `aws_dynamodb_table` → `tenants`; `create-customer/role/role` of `aws_iam_role` → `create_customer`),
 *    keeping at least one word;
 *  - the rest is joined in snake_case.
 */
export function addressName(ids: readonly string[], o: AddressNameOptions): string {
  const kept = ids.filter((id, i) => id !== 'Default' && !(i === 0 && ids.length > 1 && o.wrappers?.has(id)));
  let words = kept.flatMap(idWords);
  if (o.type) {
    const typeWords = o.type.replace(/^aws_/, '').split('_');
    for (;;) {
      let k = 0;
      while (
        k < typeWords.length &&
        k < words.length - 1 &&
        words[words.length - 1 - k] === typeWords[typeWords.length - 1 - k]
      )
        k++;
      if (k === 0) break;
      words = words.slice(0, words.length - k);
    }
  }
  if (words.length === 0) throw new Error(`cannot derive a resource address from construct path '${ids.join('/')}'`);
  const name = words.join('_');
  return /^[a-z_]/.test(name) ? name : `r_${name}`;
}

/** Hands out address names and refuses a second construct path for one address. */
export class AddressRegistry {
  private readonly byAddress = new Map<string, string>();

  /** Returns `name` for `path`; throws when another construct already holds `<kind>.<name>`. */
  claim(kind: string, name: string, path: string): string {
    const key = `${kind}.${name}`;
    const holder = this.byAddress.get(key);
    if (holder !== undefined && holder !== path) {
      throw new Error(
        `Two constructs derive the resource address ${key}: '${holder}' and '${path}'. ` +
          'Addresses come from construct ids (src/core/resource-addresses.ts); give one of them a distinct id.',
      );
    }
    this.byAddress.set(key, path);
    return name;
  }
}
