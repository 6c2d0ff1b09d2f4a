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
  TerraformOutput,
  TerraformStack,
  Token,
  Tokenization,
} from 'cdktf';
import { resolve as cdktfResolve, type IResolveOptions } from 'cdktf/lib/tokens/private/resolve';
import { deepMerge } from 'cdktf/lib/util';
import type { IConstruct } from 'constructs';
import { resolveAt } from './token-resolution';

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
export type {
  AppConfig,
  IAspect,
  IPostProcessor,
  IResolvable,
  IResolveContext,
  ITerraformDependable,
  TerraformVariableConfig,
} from 'cdktf';
export { Construct } from 'constructs';
export type { IConstruct } from 'constructs';
/** cdktf's own App, unchanged (what apps built on the published package use; the synth-identity test's reference). */
export { CdktfApp };
/** cdktf's own `resolve`, unchanged, and its port (test/unit/core/token-resolution.test.ts compares the two). */
export { cdktfResolve, DefaultTokenResolver, StringConcat, type IResolveOptions };
export { resolve as resolveTokens } from './token-resolution';

/** Every Terraform element of a stack, not descending into nested stacks (cdktf's own traversal). */
function elementsOf(node: IConstruct, into: TerraformElement[] = []): TerraformElement[] {
  if (TerraformElement.isTerraformElement(node)) into.push(node);
  for (const child of node.node.children) if (!TerraformStack.isStack(child)) elementsOf(child, into);
  return into;
}

/**
 * cdktf's `invokeAspects` (not exported by cdktf): every aspect of a node and of its ancestors up to `root`
 * visits the node once, parents before children; an aspect added while aspects run is not applied (warning).
 * `invoked` may be shared between calls: a later call then only visits nodes added in between. (cdktf keys it
 * by `node.path`, which is recomputed on every read; a node is its own key here: paths are unique in a tree.)
 */
function invokeAspects(root: IConstruct, invokedBy = new Map<IConstruct, IAspect[]>()): void {
  let nestedAspectWarning = false;
  const recurse = (construct: IConstruct, inherited: IAspect[]) => {
    const aspects = Aspects.of(construct);
    const here = [...inherited, ...aspects.all];
    const count = aspects.all.length;
    for (const aspect of here) {
      let invoked = invokedBy.get(construct);
      if (!invoked) invokedBy.set(construct, (invoked = []));
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
 * cdktf's `resolve` (what `Tokenization.resolve` runs), through the port in token-resolution.ts: the same
 * values, errors and token contexts, without cdktf's per-call costs (eager path strings, option spreads,
 * closures, regular expressions on strings without a token marker); in a profile that was most of the
 * resolution time of a synth. Tokens resolve nested values through the port's contexts, so the whole
 * recursion stays in it.
 */
function resolveJson(obj: unknown, options: IResolveOptions): unknown {
  return resolveAt(obj, options, undefined);
}

type Json = Record<string, unknown>;
/** What the single-pass synth reads of a stack that cdktf's typings keep private. */
type StackInternals = { rawOverrides: Json; cdktfVersion?: string };

const isPlainObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !Tokenization.isResolvable(v);

/** True when some key of `overrides` (at any depth) is a token: only a whole-document resolution resolves those. */
function hasTokenKey(overrides: Json): boolean {
  return Object.entries(overrides).some(([k, v]) => Token.isUnresolved(k) || (isPlainObject(v) && hasTokenKey(v)));
}

/**
 * After `deepMerge(doc, overrides)` over an otherwise resolved `doc`: resolves, in place, exactly the values
 * the overrides put there — what resolving the whole document would change, since resolving resolved JSON
 * returns it unchanged. A value resolving to undefined is dropped, as a whole-document resolution drops it.
 */
function resolveOverridden(doc: Json, overrides: Json, resolve: (x: unknown) => unknown): void {
  for (const [key, value] of Object.entries(overrides)) {
    if (!(key in doc)) continue; // an undefined override deleted it
    if (isPlainObject(value) && isPlainObject(doc[key])) resolveOverridden(doc[key] as Json, value, resolve);
    else {
      const resolved = resolve(doc[key]);
      if (resolved === undefined) delete doc[key];
      else doc[key] = resolved;
    }
  }
}

/**
 * cdktf's `TerraformStack.toTerraform` (0.21) for a stack whose elements' blocks were resolved while
 * preparing: the same document, built in the same order, without resolving those blocks again and without
 * resolving the merged document as a whole (only the stack's metadata and what its overrides add are not
 * resolved yet). Elements without a prepared block are built and resolved as cdktf does.
 */
function preparedStackTerraform(stack: TerraformStack, blocks: ReadonlyMap<TerraformElement, unknown>): Json {
  const resolver = new DefaultTokenResolver(new StringConcat());
  const resolve = (x: unknown) => resolveJson(x, { scope: stack, preparing: false, resolver });
  const { rawOverrides, cdktfVersion } = stack as unknown as StackInternals;
  const metadata: Json = {
    version: cdktfVersion,
    stackName: stack.node.id,
    backend: 'local', // overwritten by backend implementations if used
    cloud: undefined, // overwritten by cloud and remote backend implementations
    ...(Object.keys(rawOverrides).length > 0 ? { overrides: { stack: Object.keys(rawOverrides) } } : {}),
  };
  const elements = elementsOf(stack);
  for (const meta of elements.map((e) => resolve(e.toMetadata()))) deepMerge(metadata, meta);
  const outputs: Json = {};
  for (const item of elements) {
    if (!TerraformOutput.isTerraformOutput(item)) continue;
    deepMerge(
      outputs,
      item.node.path
        .split('/')
        .reduceRight<Json>(
          (inner, part) => ({ [part]: Object.keys(inner).length ? inner : item.friendlyUniqueId }),
          {},
        ),
    );
  }
  const tf: Json = { '//': resolve({ metadata, outputs }) };
  for (const e of elements) deepMerge(tf, blocks.has(e) ? blocks.get(e) : resolve(e.toTerraform()));
  deepMerge(tf, rawOverrides);
  resolveOverridden(tf, rawOverrides, resolve);
  return tf;
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
 * pass keeps each element's resolved block (a preparing resolution returns the same value as a final one:
 * cross-stack references are rewritten while preparing), and the stacks' `toTerraform()` (cdktf's, which a
 * stack subclass reaches through `super`) merges those blocks without resolving them again
 * ({@link preparedStackTerraform}). Elements added while preparing (cross-stack outputs and remote-state
 * data sources) are built and resolved as cdktf does. Resolution itself goes through the port of cdktf's
 * `resolve` ({@link resolveJson}).
 */
export class App extends CdktfApp {
  override synth(): void {
    const all = this.node.findAll();
    const stacks = all.filter(TerraformStack.isStack);
    type AspectList = { _aspects?: IAspect[] };
    // If cdktf's Aspects ever stop keeping their list in `_aspects`, they could not be hidden; if its stacks
    // stop keeping overrides in `rawOverrides`, the document could not be merged here: cdktf's synth.
    if (
      all.some(
        (c) => Aspects.of(c).all.length > 0 && !Array.isArray((Aspects.of(c) as unknown as AspectList)._aspects),
      ) ||
      stacks.some((s) => !isPlainObject((s as unknown as StackInternals).rawOverrides))
    ) {
      super.synth();
      return;
    }
    for (const stack of stacks) stack.ensureBackendExists(); // what prepareStack does first
    const invoked = new Map<IConstruct, IAspect[]>();
    for (const stack of stacks) invokeAspects(stack, invoked);
    // Validations (props problems, collected per construct) before any token is resolved: cdktf runs them
    // after its preparing pass, where a bad prop could fail first with a less helpful resolution error.
    // cdktf's own pass below runs them again (they are pure) and then finds nothing new.
    if (!this.skipValidation) for (const stack of stacks) stack.runAllValidations();
    const hidden = new Map<AspectList, IAspect[]>();
    const resolver = new DefaultTokenResolver(new StringConcat());
    const prepared = new Map<TerraformStack, Map<TerraformElement, unknown>>();
    type Patched = { prepareStack?: () => void; toString?: () => string };
    const stackToTerraform = TerraformStack.prototype.toTerraform;
    // Every reference a token resolves names the stack it is resolved in (cdktf's Reference calls
    // `stack.toString()`, the construct path, rebuilt from the scopes on every call): a stack's path cannot
    // change, so it is computed once per synth.
    const named = stacks.filter((s) => !Object.hasOwn(s, 'toString'));
    for (const stack of named) {
      const name = stack.toString();
      Object.defineProperty(stack, 'toString', { value: () => name, configurable: true, writable: true });
    }
    try {
      for (const stack of stacks) {
        const blocks = new Map<TerraformElement, unknown>();
        prepared.set(stack, blocks);
        for (const element of elementsOf(stack)) {
          blocks.set(element, resolveJson(element.toTerraform(), { scope: stack, preparing: true, resolver }));
        }
      }
      // Preparing added cross-stack outputs and remote-state data sources: cdktf's Aspects visit those too.
      for (const stack of stacks) invokeAspects(stack, invoked);
      for (const c of this.node.findAll()) {
        const list = Aspects.of(c) as unknown as AspectList;
        if (list._aspects?.length) hidden.set(list, list._aspects.splice(0));
      }
      for (const stack of stacks) (stack as Patched).prepareStack = () => undefined;
      // Overrides with token keys (resolved only by a whole-document resolution) keep cdktf's toTerraform.
      TerraformStack.prototype.toTerraform = function (this: TerraformStack) {
        const blocks = prepared.get(this);
        return blocks && !hasTokenKey((this as unknown as StackInternals).rawOverrides)
          ? preparedStackTerraform(this, blocks)
          : stackToTerraform.call(this);
      };
      super.synth();
    } finally {
      TerraformStack.prototype.toTerraform = stackToTerraform;
      for (const stack of stacks) delete (stack as Patched).prepareStack;
      for (const stack of named) delete (stack as Patched).toString;
      for (const [list, aspects] of hidden) list._aspects!.push(...aspects);
    }
  }
}
