/**
 * Synthesizes a stack the way `cdktf synth` would and returns its parsed JSON (Testing.synth gives the
 * same `cdk.tf.json` content without writing the app to disk).
 */
import { type App, Testing, type TerraformStack } from '../../src/core/cdktf';

export type { StackJson } from '../../local/stack-json';
import type { StackJson } from '../../local/stack-json';

export function synthStack(stack: TerraformStack): StackJson {
  // With validations, as `cdktf synth`: props problems surface here, all of a stack's at once.
  return JSON.parse(Testing.synth(stack, true)) as StackJson;
}

/** A fresh App for one test, with cdktf's validations on (as `cdktf synth`). */
export function testApp(): App {
  return Testing.app();
}

/** All resources of a type, by logical name. */
export function resourcesOf(json: StackJson, type: string): Record<string, Record<string, unknown>> {
  return json.resource?.[type] ?? {};
}
