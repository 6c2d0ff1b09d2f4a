/**
 * npm run modules — regenerates modules/<stack>/ from the reference app built in module mode, and records
 * the modules' resource addresses in src/address-history/<module>.json (append-only).
 * `--check` compares instead of writing and exits 1 on drift (what the drift test does).
 * `--record-moves <git-rev>` also matches the modules as committed at <git-rev> to the new generation by
 * content and records a `moved` entry for every resource whose address changed (then run it once more
 * without the flag so the modules carry the new `moved` blocks).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { App } from '../src/core/cdktf';
import { addressProblems, type AddressHistory } from '../src/core/address-history';
import { elementsOf, matchElements, resourceMoves } from '../src/core/address-moves';
import { computedArnAttributes } from '../tools/mock-defaults';
import { listFiles, packageModule, stableJson, writeModule, type PackagedModule } from '../tools/module-packager';
import { MODULE_DESCRIPTIONS, buildReferenceApp } from '../src/reference-app';

export const ROOT = resolve(__dirname, '..').replace(/\/dist$/, '');

/** Synthesizes every stack in module mode into a temp dir and packages each; returns name → package. */
export async function packageAll(): Promise<{ modules: Record<string, PackagedModule>; cleanup: () => void }> {
  const outdir = mkdtempSync(join(tmpdir(), 'sbt-modules-'));
  const app = new App({ outdir, skipValidation: false });
  const stacks = buildReferenceApp(app, 'module');
  app.synth();
  // One mock set for every module (the union of resource types), so an HCL caller of several modules can use any.
  const arnAttributes = computedArnAttributes(Object.values(stacks));
  const modules: Record<string, PackagedModule> = {};
  for (const name of Object.keys(MODULE_DESCRIPTIONS).sort()) {
    modules[name] = await packageModule({
      name,
      description: MODULE_DESCRIPTIONS[name],
      stackDir: join(outdir, 'stacks', name),
      outDir: join(ROOT, 'modules', name),
      testsDir: join(ROOT, 'src', 'module-tests', name),
      testsRoot: ROOT,
      arnAttributes,
    });
  }
  return { modules, cleanup: () => rmSync(outdir, { recursive: true, force: true }) };
}

/** Differences between modules/ on disk and a fresh generation (empty when in sync). */
export function drift(modules: Record<string, PackagedModule>): string[] {
  const problems: string[] = [];
  const onDisk = new Set(listFiles(join(ROOT, 'modules')));
  const expected = new Set<string>();
  for (const [name, pkg] of Object.entries(modules)) {
    for (const [file, content] of Object.entries(pkg.files)) {
      const rel = `${name}/${file}`;
      expected.add(rel);
      if (!onDisk.has(rel)) problems.push(`${rel}: missing`);
      else if (readFileSync(join(ROOT, 'modules', rel), 'utf8') !== content) problems.push(`${rel}: differs`);
    }
    for (const [file, src] of Object.entries(pkg.assets)) {
      const rel = `${name}/${file}`;
      expected.add(rel);
      if (!onDisk.has(rel)) problems.push(`${rel}: missing`);
      else if (!readFileSync(join(ROOT, 'modules', rel)).equals(readFileSync(src))) problems.push(`${rel}: differs`);
    }
  }
  for (const rel of onDisk) if (!expected.has(rel)) problems.push(`${rel}: not generated any more`);
  return problems.sort();
}

const historyFile = (name: string) => join(ROOT, 'src', 'address-history', `${name}.json`);

export function readHistory(name: string): AddressHistory {
  try {
    return JSON.parse(readFileSync(historyFile(name), 'utf8')) as AddressHistory;
  } catch {
    return { addresses: [], moved: {} };
  }
}

/** Managed-resource addresses a packaged module declares (`aws_x.name`). */
export function declaredAddresses(pkg: PackagedModule): Set<string> {
  const main = JSON.parse(pkg.files['main.tf.json'] ?? '{}') as Record<string, unknown>;
  return new Set([...elementsOf(main).keys()].filter((a) => !a.startsWith('data.')));
}

/** History problems: released addresses gone without a move, and addresses not recorded yet. */
export function historyProblems(modules: Record<string, PackagedModule>): string[] {
  const problems: string[] = [];
  for (const [name, pkg] of Object.entries(modules)) {
    const history = readHistory(name);
    const declared = declaredAddresses(pkg);
    for (const p of addressProblems(history, declared)) problems.push(`${name}: ${p}`);
    const known = new Set(history.addresses);
    for (const a of [...declared].sort())
      if (!known.has(a))
        problems.push(`${name}: ${a} is not recorded in src/address-history/${name}.json (run npm run modules)`);
  }
  return problems;
}

function recordHistory(name: string, pkg: PackagedModule, movesFromRev?: string): void {
  const history = readHistory(name);
  const addresses = new Set(history.addresses);
  const moved: Record<string, string> = { ...history.moved };
  if (movesFromRev) {
    const oldMain = JSON.parse(
      execFileSync('git', ['show', `${movesFromRev}:modules/${name}/main.tf.json`], {
        cwd: ROOT,
        maxBuffer: 1 << 28,
      }).toString(),
    ) as Record<string, unknown>;
    const newMain = JSON.parse(pkg.files['main.tf.json']!) as Record<string, unknown>;
    const matched = matchElements(oldMain, newMain, {
      // 0.2.0 reads the region as `.id` (5.x and 6.x) instead of `.region` (6.x only).
      extraNormalize: (c) => c.replace(/(data\.aws_region\.[A-Za-z0-9_-]+)\.region\b/g, '$1.id'),
    });
    const oldResources = [...elementsOf(oldMain).keys()].filter((a) => !a.startsWith('data.'));
    for (const a of oldResources) addresses.add(a);
    Object.assign(moved, resourceMoves(matched));
    const lost = oldResources.filter((a) => !matched.has(a));
    if (lost.length)
      console.log(
        `${name}: no match at ${movesFromRev} for ${lost.length} resource(s), add moved entries by hand:\n  ${lost.join('\n  ')}`,
      );
  }
  for (const a of declaredAddresses(pkg)) addresses.add(a);
  const next: AddressHistory = {
    addresses: [...addresses].sort(),
    moved: Object.fromEntries(Object.entries(moved).sort(([a], [b]) => a.localeCompare(b))),
  };
  writeFileSync(historyFile(name), stableJson(next));
}

/** The command line (scripts/modules.mjs checks the same options before it bundles). */
const MODULES_OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  check: { type: 'boolean' },
  'record-moves': { type: 'string' },
} as const;

async function main() {
  // Strict: an unknown option or `--record-moves` without a revision stops here, before anything is written.
  const { values: args } = parseArgs({ options: MODULES_OPTIONS });
  if (args.help) {
    console.log(
      'usage: npm run modules [-- --check | --record-moves <git-rev>]\n' +
        'Regenerates modules/<stack>/ (relocatable Terraform modules) from the stacks and records their resource\n' +
        'addresses in src/address-history/. --check: report drift and released addresses gone without a moved\n' +
        'entry, write nothing. --record-moves <rev>: also record moved entries from the modules committed at <rev>.',
    );
    return;
  }
  const { modules, cleanup } = await packageAll();
  try {
    if (args.check) {
      const problems = [...drift(modules), ...historyProblems(modules)];
      for (const p of problems) console.log(`modules/${p}`);
      if (problems.length) {
        console.log(`${problems.length} drifted file(s): run 'npm run modules' and commit`);
        process.exitCode = 1;
      } else console.log('modules/ is up to date');
      return;
    }
    const movesFromRev = args['record-moves'];
    for (const [name, pkg] of Object.entries(modules)) {
      recordHistory(name, pkg, movesFromRev);
      writeModule(
        { name, description: MODULE_DESCRIPTIONS[name], stackDir: '', outDir: join(ROOT, 'modules', name) },
        pkg,
      );
      console.log(`modules/${name}: ${Object.keys(pkg.files).length} files, ${Object.keys(pkg.assets).length} assets`);
    }
    // Remove modules of stacks that no longer exist.
    for (const dir of new Set(listFiles(join(ROOT, 'modules')).map((f) => f.split('/')[0]))) {
      if (!(dir in modules)) rmSync(join(ROOT, 'modules', dir), { recursive: true, force: true });
    }
  } finally {
    cleanup();
  }
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
