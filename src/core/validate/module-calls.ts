/**
 * Module calls: every argument given to a module is one of its variables, and every variable without a
 * default is given — what `terraform validate` reports as "Unsupported argument" / "Missing required
 * argument". Checked for calls whose source is a local path we can read (e.g. ../../modules/x).
 */
import { bodies, joinPath, type ConfigFile, type Finding } from './model';

/** Variable name → whether it must be given (no default). */
export type ModuleInterface = ReadonlyMap<string, { readonly required: boolean }>;

export interface ModuleCallOptions {
  /** Inputs of a called module, or undefined when it cannot be read (registry / git sources). */
  readonly moduleInputs?: (moduleName: string, source: string) => ModuleInterface | undefined;
}

/** Arguments every module block accepts besides its variables. */
const META_ARGUMENTS = new Set(['source', 'version', 'providers', 'count', 'for_each', 'depends_on', '//']);

export function checkModuleCalls(files: readonly ConfigFile[], opts: ModuleCallOptions): Finding[] {
  if (!opts.moduleInputs) return [];
  const findings: Finding[] = [];
  for (const { file, doc } of files) {
    for (const byName of bodies(doc.module)) {
      for (const [name, callBodies] of Object.entries(byName)) {
        bodies(callBodies).forEach((call, i) => {
          const source = call.source;
          if (typeof source !== 'string') return;
          const inputs = opts.moduleInputs!(name, source);
          if (!inputs) return;
          const at = Array.isArray(callBodies) ? joinPath(['module', name, i]) : joinPath(['module', name]);
          for (const arg of Object.keys(call)) {
            if (META_ARGUMENTS.has(arg) || inputs.has(arg)) continue;
            findings.push({ file, path: `${at}.${arg}`, message: `module '${name}' (${source}) has no input '${arg}'` });
          }
          for (const [input, { required }] of inputs) {
            if (required && !(input in call)) {
              findings.push({ file, path: at, message: `module '${name}' (${source}) needs input '${input}' (it has no default)` });
            }
          }
        });
      }
    }
  }
  return findings;
}
