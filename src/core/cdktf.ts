/**
 * The one seam between this library and CDK for Terraform.
 *
 * HashiCorp deprecated cdktf on 2025-12-10; the community fork CDK Terrain (`cdktn`) is mostly a rename.
 * Everything in src/, main.ts, scripts and tests imports cdktf through this file, so moving to the fork
 * is a change of the module name below (plus the provider package in package.json).
 */
import {
  App as CdktfApp,
  Aspects,
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
 * cdktf's App with the token resolution done once instead of three times (the reference app, `npm run
 * synth`, the module packager and the bench use it; the output is byte-identical, which
 * test/synth/core/single-pass-synth.test.ts checks on every stack).
 *
 * cdktf's `synth()` resolves every element in `prepareStack()` (a "preparing" pass whose only effect is
 * to register cross-stack references), throws the result away, builds every element's block again in
 * `toTerraform()`, resolves it, and resolves the merged document once more — 28 % of a synth in a profile.
 * Here the preparing pass keeps each element's resolved block and `toTerraform()` is handed that block:
 * a preparing resolution returns the same value as a final one (cross-stack references are rewritten while
 * preparing), and nothing changes an element between the passes unless an Aspect does — so with any Aspect
 * in the tree this falls back to cdktf's own synth. Elements added while preparing (cross-stack outputs and
 * remote-state data sources) are built and resolved by cdktf as usual.
 */
export class App extends CdktfApp {
  override synth(): void {
    const all = this.node.findAll();
    if (all.some((c) => Aspects.of(c).all.length > 0)) return super.synth();
    const stacks = all.filter(TerraformStack.isStack);
    const resolver = new DefaultTokenResolver(new StringConcat());
    const prepared = new Map<TerraformElement, unknown>();
    for (const stack of stacks) {
      stack.ensureBackendExists(); // what prepareStack does first
      for (const element of elementsOf(stack)) {
        prepared.set(element, Tokenization.resolve(element.toTerraform(), { scope: stack, preparing: true, resolver }));
      }
    }
    type Patched = { prepareStack?: () => void; toTerraform?: () => unknown };
    for (const stack of stacks) (stack as Patched).prepareStack = () => undefined;
    for (const [element, block] of prepared) (element as Patched).toTerraform = () => block;
    try {
      super.synth();
    } finally {
      for (const stack of stacks) delete (stack as Patched).prepareStack;
      for (const element of prepared.keys()) delete (element as Patched).toTerraform;
    }
  }
}
