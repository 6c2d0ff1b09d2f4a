import { Fn, TerraformResource, type IAspect, type IConstruct } from './cdktf';

/**
 * Merges the stack's `tags` input into the `tags` of every taggable resource (every resource whose
 * binding has a `tags` map argument), after the construct's own tags are set: `merge(var.tags, own)`, so
 * a tag a construct sets on purpose (e.g. `sbt:tenant`) wins over the caller's.
 *
 * Works together with the provider's `default_tags`: the provider merges those into `tags_all`; a key set
 * both ways takes the resource value (hashicorp/aws ≥ 5.x no longer shows a perpetual diff for that).
 * Resources whose API takes no tags (routes, permissions, policies) have no `tags` argument and are skipped.
 */
export class TagsAspect implements IAspect {
  constructor(private readonly tags: Record<string, string>) {}

  visit(node: IConstruct): void {
    if (!TerraformResource.isTerraformResource(node)) return;
    const r = node as unknown as { tags?: unknown; tagsInput?: unknown; resetTags?: unknown };
    // `tagsInput` + `resetTags` exist exactly on bindings with an optional `tags` map argument.
    if (!('tagsInput' in r) || typeof r.resetTags !== 'function') return;
    const own = r.tagsInput as Record<string, string> | undefined;
    r.tags = own && Object.keys(own).length ? Fn.merge([this.tags, own]) : this.tags;
  }
}
