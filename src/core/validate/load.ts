/**
 * Reading configurations from disk for the validator: `cdk.tf.json` stacks, module directories (every
 * `*.tf.json` of the directory) and HCL directories (`*.tf` parsed with @cdktf/hcl2json). Node-only; the
 * checks themselves are in `./index` and stay pure.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { ConfigFile, TfDoc } from './model';
import { bodies } from './model';

/** Path shown in findings: relative to `root` when inside it. */
export function displayPath(path: string, root: string): string {
  const rel = relative(root, path);
  return rel && !rel.startsWith('..') ? rel : path;
}

export function readJsonConfig(path: string, root: string): ConfigFile {
  return { file: displayPath(path, root), doc: JSON.parse(readFileSync(path, 'utf8')) as TfDoc };
}

function filesOf(dir: string, suffix: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(suffix) && statSync(join(dir, f)).isFile())
    .sort()
    .map((f) => join(dir, f));
}

/** All `*.tf.json` files of a module directory, as one configuration. */
export function loadJsonDir(dir: string, root: string): ConfigFile[] {
  return filesOf(dir, '.tf.json').map((f) => readJsonConfig(f, root));
}

/** All `*.tf` (via @cdktf/hcl2json) and `*.tf.json` files of a directory, as one configuration. */
export async function loadHclDir(dir: string, root: string): Promise<ConfigFile[]> {
  // Loaded on first use: the module starts its WebAssembly parser when required.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { parse } = require('@cdktf/hcl2json') as typeof import('@cdktf/hcl2json');
  const out: ConfigFile[] = [];
  for (const f of filesOf(dir, '.tf')) {
    out.push({ file: displayPath(f, root), doc: (await parse(f, readFileSync(f, 'utf8'))) as TfDoc });
  }
  out.push(...loadJsonDir(dir, root));
  return out;
}

/** Output names declared by the module in `dir` (`*.tf.json` and `output "x"` blocks of `*.tf`), or undefined. */
export function outputsOfDir(dir: string): Set<string> | undefined {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return undefined;
  const names = new Set<string>();
  for (const f of filesOf(dir, '.tf.json')) {
    const doc = JSON.parse(readFileSync(f, 'utf8')) as TfDoc;
    for (const b of bodies(doc.output)) for (const k of Object.keys(b)) if (k !== '//') names.add(k);
  }
  for (const f of filesOf(dir, '.tf')) {
    for (const m of readFileSync(f, 'utf8').matchAll(/^\s*output\s+"([^"]+)"/gm)) names.add(m[1]!);
  }
  return names;
}

/** Resolves module outputs for local sources (`./x`, `../../modules/x`) relative to `baseDir`. */
export function localModuleOutputs(baseDir: string): (moduleName: string, source: string) => ReadonlySet<string> | undefined {
  const cache = new Map<string, Set<string> | undefined>();
  return (_name, source) => {
    if (!source.startsWith('./') && !source.startsWith('../')) return undefined;
    const dir = resolve(baseDir, source);
    if (!cache.has(dir)) cache.set(dir, outputsOfDir(dir));
    return cache.get(dir);
  };
}

/** Variables of the module in `dir` with whether each is required (`*.tf.json`; `*.tf` by declaration only). */
export function variablesOfDir(dir: string): Map<string, { required: boolean }> | undefined {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return undefined;
  const vars = new Map<string, { required: boolean }>();
  for (const f of filesOf(dir, '.tf.json')) {
    const doc = JSON.parse(readFileSync(f, 'utf8')) as TfDoc;
    for (const b of bodies(doc.variable)) {
      for (const [k, v] of Object.entries(b)) {
        if (k === '//') continue;
        const body = bodies(v)[0] ?? {};
        vars.set(k, { required: !('default' in body) });
      }
    }
  }
  // HCL files: a regex cannot tell whether a default is set, so such variables only count as known inputs.
  for (const f of filesOf(dir, '.tf')) {
    for (const m of readFileSync(f, 'utf8').matchAll(/^\s*variable\s+"([^"]+)"/gm)) if (!vars.has(m[1]!)) vars.set(m[1]!, { required: false });
  }
  return vars;
}

/** Resolves module inputs for local sources relative to `baseDir`. */
export function localModuleInputs(baseDir: string): (moduleName: string, source: string) => Map<string, { required: boolean }> | undefined {
  const cache = new Map<string, Map<string, { required: boolean }> | undefined>();
  return (_name, source) => {
    if (!source.startsWith('./') && !source.startsWith('../')) return undefined;
    const dir = resolve(baseDir, source);
    if (!cache.has(dir)) cache.set(dir, variablesOfDir(dir));
    return cache.get(dir);
  };
}
