/**
 * Checks (3) and (4) for relocatable modules (design §5): every variable has `type` and `description`,
 * every output a `description`; no `provider` block, no `terraform.backend`, nothing naming a path of the
 * machine that generated the module, and archive/file paths written as `${path.module}/...`.
 */
import { bodies, isObject, joinPath, type ConfigFile, type Finding } from './model';

function nonEmptyString(v: unknown): boolean {
  return typeof v === 'string' && v.trim() !== '';
}

/** Check (3): documented, typed inputs and documented outputs. */
export function checkInterfaceDocs(files: readonly ConfigFile[]): Finding[] {
  const findings: Finding[] = [];
  for (const { file, doc } of files) {
    for (const section of ['variable', 'output'] as const) {
      bodies(doc[section]).forEach((holder, hi) => {
        for (const [name, blocks] of Object.entries(holder)) {
          if (name === '//') continue;
          bodies(blocks).forEach((body) => {
            const path = joinPath(Array.isArray(doc[section]) ? [section, hi, name] : [section, name]);
            if (section === 'variable' && body.type === undefined)
              findings.push({ file, path, message: `variable '${name}' has no type` });
            if (!nonEmptyString(body.description))
              findings.push({ file, path, message: `${section} '${name}' has no description` });
          });
        }
      });
    }
  }
  return findings;
}

/** Directory prefixes that only exist on the machine that generated a module. */
const MACHINE_ROOTS =
  /^\/(tmp|root|home|Users|var|usr|opt|etc|work|mnt|srv|private|build|workspace|runner|github)(\/|$)/;
const MACHINE_INFIX = /\/(tmp|root|home|Users)\//;
const WINDOWS_PATH = /^[A-Za-z]:[\\/]/;

/** Attributes that name a local file or directory. */
const FILE_ATTRIBUTES = new Set(['filename', 'source_file', 'source_dir', 'output_path', 'source_code_path']);
/** Resource types whose `source` attribute is a local file. */
const SOURCE_FILE_TYPES = new Set(['aws_s3_object', 'aws_s3_bucket_object']);

export interface ModuleRuleOptions {
  /** Absolute paths of this machine (repository root, home): any string containing one is flagged. */
  readonly machinePaths?: readonly string[];
}

function machinePathProblem(s: string, machinePaths: readonly string[]): string | undefined {
  for (const m of machinePaths) if (m.length > 1 && s.includes(m)) return `names a path of this machine ('${m}')`;
  if (MACHINE_ROOTS.test(s) || MACHINE_INFIX.test(s) || WINDOWS_PATH.test(s))
    return `looks like an absolute machine path ('${s.length > 80 ? `${s.slice(0, 77)}...` : s}')`;
  return undefined;
}

function filePathProblem(s: string): string | undefined {
  if (s.startsWith('${path.module}/')) return undefined;
  if (s.startsWith('${path.root}') || s.startsWith('${path.cwd}'))
    return `file path must be relative to the module: use \${path.module}/... (got '${s}')`;
  if (s.startsWith('${')) return undefined; // computed (an input variable, another resource)
  return `file path must be written as \${path.module}/<relative path> (got '${s}')`;
}

function walkStrings(
  v: unknown,
  path: (string | number)[],
  visit: (s: string, path: (string | number)[]) => void,
): void {
  if (typeof v === 'string') visit(v, path);
  else if (Array.isArray(v)) {
    for (const [i, x] of v.entries()) walkStrings(x, [...path, i], visit);
  } else if (isObject(v)) for (const [k, x] of Object.entries(v)) if (k !== '//') walkStrings(x, [...path, k], visit);
}

/** Check (4): a module carries no provider/backend and no machine-specific paths. */
export function checkModuleRules(files: readonly ConfigFile[], opts: ModuleRuleOptions = {}): Finding[] {
  const findings: Finding[] = [];
  const machinePaths = opts.machinePaths ?? [];
  for (const { file, doc } of files) {
    if (doc.provider !== undefined) {
      findings.push({
        file,
        path: 'provider',
        message: 'a module must not configure providers (declare terraform.required_providers only)',
      });
    }
    bodies(doc.terraform).forEach((tf, i) => {
      if (tf.backend !== undefined) {
        findings.push({
          file,
          path: joinPath(Array.isArray(doc.terraform) ? ['terraform', i, 'backend'] : ['terraform', 'backend']),
          message: 'a module must not configure a backend',
        });
      }
      if (tf.cloud !== undefined) {
        findings.push({
          file,
          path: joinPath(Array.isArray(doc.terraform) ? ['terraform', i, 'cloud'] : ['terraform', 'cloud']),
          message: 'a module must not configure HCP Terraform (cloud block)',
        });
      }
    });
    walkStrings(doc, [], (s, path) => {
      const why = machinePathProblem(s, machinePaths);
      if (why) findings.push({ file, path: joinPath(path), message: why });
    });
    // File attributes of resources and data sources.
    for (const section of ['resource', 'data'] as const) {
      bodies(doc[section]).forEach((byType) => {
        for (const [type, byName] of Object.entries(byType)) {
          if (!isObject(byName)) continue;
          for (const [name, blocks] of Object.entries(byName)) {
            if (name === '//') continue;
            bodies(blocks).forEach((body) => {
              for (const [attr, v] of Object.entries(body)) {
                const isFile = FILE_ATTRIBUTES.has(attr) || (attr === 'source' && SOURCE_FILE_TYPES.has(type));
                if (!isFile || typeof v !== 'string') continue;
                const why = filePathProblem(v);
                if (why) findings.push({ file, path: joinPath([section, type, name, attr]), message: why });
              }
            });
          }
        }
      });
    }
  }
  return findings;
}
