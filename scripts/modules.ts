/**
 * npm run modules — regenerates modules/<stack>/ from the reference app built in module mode.
 * `--check` compares instead of writing and exits 1 on drift (what the drift test does).
 */
import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';
import { App } from '../src/core/cdktf';
import { listFiles, packageModule, writeModule, type PackagedModule } from '../src/core/module-packager';
import { MODULE_DESCRIPTIONS, buildReferenceApp } from '../src/reference-app';

export const ROOT = resolve(__dirname, '..').replace(/\/dist$/, '');

/** Synthesizes every stack in module mode into a temp dir and packages each; returns name → package. */
export function packageAll(): { modules: Record<string, PackagedModule>; cleanup: () => void } {
  const outdir = mkdtempSync(join(tmpdir(), 'sbt-modules-'));
  const app = new App({ outdir, skipValidation: false });
  buildReferenceApp(app, 'module');
  app.synth();
  const modules: Record<string, PackagedModule> = {};
  for (const name of Object.keys(MODULE_DESCRIPTIONS).sort()) {
    modules[name] = packageModule({
      name,
      description: MODULE_DESCRIPTIONS[name],
      stackDir: join(outdir, 'stacks', name),
      outDir: join(ROOT, 'modules', name),
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

function main() {
  const args = new Set(process.argv.slice(2));
  if (args.has('--help')) {
    console.log('usage: npm run modules [-- --check]\nRegenerates modules/<stack>/ (relocatable Terraform modules) from the stacks.');
    return;
  }
  const { modules, cleanup } = packageAll();
  try {
    if (args.has('--check')) {
      const problems = drift(modules);
      for (const p of problems) console.log(`modules/${p}`);
      if (problems.length) {
        console.log(`${problems.length} drifted file(s): run 'npm run modules' and commit`);
        process.exitCode = 1;
      } else console.log('modules/ is up to date');
      return;
    }
    for (const [name, pkg] of Object.entries(modules)) {
      writeModule({ name, description: MODULE_DESCRIPTIONS[name], stackDir: '', outDir: join(ROOT, 'modules', name) }, pkg);
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

if (require.main === module) main();
