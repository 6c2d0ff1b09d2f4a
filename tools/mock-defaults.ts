/**
 * What `terraform test` mocks must return for the modules' plans to pass the provider's own checks:
 * `mock_provider "aws"` invents random strings for computed attributes, and hashicorp/aws validates an
 * ARN argument (a Lambda's `role`, a stage's log destination) even when the value comes from a mock. So
 * every computed `*_arn` / `arn` attribute of every resource type a stack uses gets a well-formed ARN
 * default. The attribute list comes from the provider bindings (a computed attribute is a getter without
 * a setter).
 */
import { TerraformResource, type IConstruct } from '../src/core/cdktf';

/** Resource type → its computed ARN attributes (snake_case), over every resource below `roots`. */
export function computedArnAttributes(roots: readonly IConstruct[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const root of roots) {
    for (const c of root.node.findAll()) {
      if (!TerraformResource.isTerraformResource(c) || out[c.terraformResourceType]) continue;
      const attrs: string[] = [];
      for (
        let proto = Object.getPrototypeOf(c);
        proto && proto !== TerraformResource.prototype;
        proto = Object.getPrototypeOf(proto)
      ) {
        for (const k of Object.getOwnPropertyNames(proto)) {
          const d = Object.getOwnPropertyDescriptor(proto, k);
          if (d?.get && !d.set && /^arn$|Arn$/.test(k)) attrs.push(k.replace(/[A-Z]/g, (m) => `_${m.toLowerCase()}`));
        }
      }
      out[c.terraformResourceType] = [...new Set(attrs)].sort();
    }
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}
