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

/** The `aws_lambda_function` whose `function_name` ends with `suffix`: its logical name and block. */
export function lambdaNamed(json: StackJson, suffix: string): [logical: string, block: Record<string, unknown>] {
  const hit = Object.entries(resourcesOf(json, 'aws_lambda_function')).find(([, f]) =>
    String(f.function_name).endsWith(suffix),
  );
  if (!hit) throw new Error(`no aws_lambda_function named *${suffix}`);
  return hit;
}

/** The environment variables of the function named `*<suffix>`. */
export function lambdaEnvironment(json: StackJson, suffix: string): Record<string, string> {
  const [, fn] = lambdaNamed(json, suffix);
  return (fn.environment as { variables: Record<string, string> }).variables;
}

export type RoleStatement = { actions: string[]; resources: string[] };

/** The statements of the inline role policy of the function named `*<suffix>`. */
export function roleStatementsOf(json: StackJson, suffix: string): RoleStatement[] {
  const [logical] = lambdaNamed(json, suffix);
  // The function's role policy document is `<function address>_role` (role-named addresses).
  const doc = json.data?.aws_iam_policy_document?.[`${logical}_role`];
  if (!doc) throw new Error(`no role policy document for ${logical}`);
  return (doc.statement as RoleStatement[]) ?? [];
}

/** A REST API method as synthesized: `GET /tenants/{tenantId}` (the path rebuilt from its resources). */
export interface RestApiMethod {
  route: string;
  authorization: string;
  /** The first authorization scope (every method carries one route scope), or undefined. */
  scope?: string;
}

/** The stack's `aws_api_gateway_method`s, each with its path rebuilt from the `aws_api_gateway_resource` chain. */
export function restApiMethods(json: StackJson): RestApiMethod[] {
  const resources = resourcesOf(json, 'aws_api_gateway_resource');
  const pathOf = (ref: string): string => {
    const m = /^\$\{aws_api_gateway_resource\.(.+)\.id\}$/.exec(ref);
    if (!m) return '';
    const r = resources[m[1]!]!;
    return `${pathOf(String(r.parent_id))}/${r.path_part}`;
  };
  return Object.values(resourcesOf(json, 'aws_api_gateway_method')).map((m) => ({
    route: `${m.http_method} ${pathOf(String(m.resource_id))}`,
    authorization: String(m.authorization),
    scope: (m.authorization_scopes as string[] | undefined)?.[0],
  }));
}

/** Expects the stack to have (at least) these outputs. */
export function expectOutputs(json: StackJson, names: string[]): void {
  expect(Object.keys(json.output ?? {})).toEqual(expect.arrayContaining(names));
}
