/**
 * The one seam between this library and CDK for Terraform.
 *
 * HashiCorp deprecated cdktf on 2025-12-10; the community fork CDK Terrain (`cdktn`) is mostly a rename.
 * Everything in src/, main.ts, scripts and tests imports cdktf through this file, so moving to the fork
 * is a change of the module name below (plus the provider package in package.json).
 */
import {
  Annotations,
  App as CdktfApp,
  Aspects,
  type IAspect,
  DefaultTokenResolver,
  StringConcat,
  TerraformElement,
  TerraformStack,
  Tokenization,
} from 'cdktf';
import type { IConstruct } from 'constructs';

export {
  AssetType,
  CloudBackend,
  Fn,
  Op,
  LocalBackend,
  NamedCloudWorkspace,
  S3Backend,
  TerraformAsset,
  TerraformDataSource,
  TerraformElement,
  TerraformIterator,
  TerraformLocal,
  TerraformOutput,
  TerraformProvider,
  TerraformResource,
  TerraformStack,
  TerraformVariable,
  Testing,
  Token,
  Lazy,
  Aspects,
  Annotations,
} from 'cdktf';
export type { AppConfig, IAspect, ITerraformDependable, TerraformVariableConfig } from 'cdktf';
export { Construct } from 'constructs';
export type { IConstruct } from 'constructs';
/** cdktf's own App, unchanged (what apps built on the published package use; the synth-identity test's reference). */
export { CdktfApp };

/** Every Terraform element of a stack, not descending into nested stacks (cdktf's own traversal). */
function elementsOf(node: IConstruct, into: TerraformElement[] = []): TerraformElement[] {
  if (TerraformElement.isTerraformElement(node)) into.push(node);
  for (const child of node.node.children) if (!TerraformStack.isStack(child)) elementsOf(child, into);
  return into;
}

/**
 * cdktf's `invokeAspects` (not exported by cdktf): every aspect of a node and of its ancestors up to `root`
 * visits the node once, parents before children; an aspect added while aspects run is not applied (warning).
 * `invokedByPath` may be shared between calls: a later call then only visits nodes added in between.
 */
function invokeAspects(root: IConstruct, invokedByPath: Record<string, IAspect[]> = {}): void {
  let nestedAspectWarning = false;
  const recurse = (construct: IConstruct, inherited: IAspect[]) => {
    const aspects = Aspects.of(construct);
    const here = [...inherited, ...aspects.all];
    const count = aspects.all.length;
    for (const aspect of here) {
      const invoked = (invokedByPath[construct.node.path] ??= []);
      if (invoked.includes(aspect)) continue;
      aspect.visit(construct);
      if (!nestedAspectWarning && count !== aspects.all.length) {
        Annotations.of(construct).addWarning(
          'We detected an Aspect was added via another Aspect, and will not be applied',
        );
        nestedAspectWarning = true;
      }
      invoked.push(aspect);
    }
    for (const child of construct.node.children) recurse(child, here);
  };
  recurse(root, []);
}

/**
 * cdktf's App with the token resolution done once instead of three times (the reference app, `npm run
 * synth`, the module packager and the bench use it; the output is byte-identical, which
 * test/synth/core/single-pass-synth.test.ts checks on every stack in root and module mode).
 *
 * cdktf's `synth()` resolves every element in `prepareStack()` (a "preparing" pass whose only effect is
 * to register cross-stack references), throws the result away, applies the Aspects, builds every element's
 * block again in `toTerraform()`, resolves it, and resolves the merged document once more — 28 % of a synth
 * in a profile. Here the Aspects are applied first (per stack, as cdktf does; the nodes the preparing pass
 * adds are visited right after it; then they are hidden so cdktf does not apply them twice), the preparing
 * pass keeps each element's resolved block, and `toTerraform()` is handed that block: a preparing resolution returns the same value as a final one (cross-stack references
 * are rewritten while preparing). Elements added while preparing (cross-stack outputs and remote-state data
 * sources) are built and resolved by cdktf as usual.
 */
export class App extends CdktfApp {
  override synth(): void {
    const all = this.node.findAll();
    const stacks = all.filter(TerraformStack.isStack);
    type AspectList = { _aspects?: IAspect[] };
    // If cdktf's Aspects ever stop keeping their list in `_aspects`, they could not be hidden: cdktf's synth.
    if (
      all.some((c) => Aspects.of(c).all.length > 0 && !Array.isArray((Aspects.of(c) as unknown as AspectList)._aspects))
    ) {
      super.synth();
      return;
    }
    for (const stack of stacks) stack.ensureBackendExists(); // what prepareStack does first
    const invoked: Record<string, IAspect[]> = {};
    for (const stack of stacks) invokeAspects(stack, invoked);
    // Validations (props problems, collected per construct) before any token is resolved: cdktf runs them
    // after its preparing pass, where a bad prop could fail first with a less helpful resolution error.
    // cdktf's own pass below runs them again (they are pure) and then finds nothing new.
    if (!this.skipValidation) for (const stack of stacks) stack.runAllValidations();
    const hidden = new Map<AspectList, IAspect[]>();
    const resolver = new DefaultTokenResolver(new StringConcat());
    const prepared = new Map<TerraformElement, unknown>();
    type Patched = { prepareStack?: () => void; toTerraform?: () => unknown };
    try {
      for (const stack of stacks) {
        for (const element of elementsOf(stack)) {
          prepared.set(
            element,
            Tokenization.resolve(element.toTerraform(), { scope: stack, preparing: true, resolver }),
          );
        }
      }
      // Preparing added cross-stack outputs and remote-state data sources: cdktf's Aspects visit those too.
      for (const stack of stacks) invokeAspects(stack, invoked);
      for (const c of this.node.findAll()) {
        const list = Aspects.of(c) as unknown as AspectList;
        if (list._aspects?.length) hidden.set(list, list._aspects.splice(0));
      }
      for (const stack of stacks) (stack as Patched).prepareStack = () => undefined;
      for (const [element, block] of prepared) (element as Patched).toTerraform = () => block;
      super.synth();
    } finally {
      for (const stack of stacks) delete (stack as Patched).prepareStack;
      for (const element of prepared.keys()) delete (element as Patched).toTerraform;
      for (const [list, aspects] of hidden) list._aspects!.push(...aspects);
    }
  }
}
