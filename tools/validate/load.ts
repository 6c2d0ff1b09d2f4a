/**
 * Reading configurations from disk for the validator: `cdk.tf.json` stacks and module directories (every
 * `*.tf.json` of the directory). Node-only; the checks themselves are in `./index` and stay pure.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { ConfigFile, TfDoc } from './model';

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
