// Compiles TypeScript entry points to dist/ with esbuild, keeping ts-node out of every hot path.
// - tools (scripts/*.ts): dependencies stay external, loaded from node_modules;
// - the synth app (main.ts, `selfContained`): cdktf, constructs and the provider's deep-imported resource
//   classes are bundled into one file, because node resolving and loading cdktf's ~400 small CommonJS
//   files costs more than the whole synthesis (measured: 250 ms for `require('cdktf')` alone).
// Outputs are cached by content: dist/.compile-cache.json records, per entry, the sha256 of every source
// file esbuild read (node_modules counted through package-lock.json), of this compiler and its plugins,
// the options, and of the output; a compile whose inputs and output all still match is skipped without
// loading esbuild. Any changed byte recompiles, so a stale app can never run.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT } from './handlers.mjs';

const CACHE = join(ROOT, 'dist', '.compile-cache.json');
const sha256 = (buf) => createHash('sha256').update(buf).digest('hex');
const hashFile = (file) => (existsSync(file) ? sha256(readFileSync(file)) : 'missing');
// What shapes every output besides its sources: this file, the plugins' replacements, the dependency tree.
const TOOLCHAIN = ['scripts/lib/compile.mjs', 'scripts/lib/token-stack-trace.cjs', 'scripts/lib/archiver-stub.cjs', 'package-lock.json'];

// cdktf's token creation stacks (see token-stack-trace.cjs) are opt-in in the synth bundle.
const tokenStackTraces = {
  name: 'token-stack-traces',
  setup(b) {
    b.onResolve({ filter: /[/\\]stack-trace$/ }, (args) =>
      args.importer.includes(join('cdktf', 'lib')) ? { path: join(ROOT, 'scripts/lib/token-stack-trace.cjs') } : undefined,
    );
  },
};

const outputOf = (entry) => join(ROOT, 'dist', entry.replace(/\.ts$/, '.js'));

function readCache() {
  try {
    return JSON.parse(readFileSync(CACHE, 'utf8'));
  } catch {
    return {};
  }
}

function upToDate(record, key, toolchain) {
  if (!record || record.key !== key || record.toolchain !== toolchain) return false;
  if (hashFile(record.output) !== record.outputHash) return false;
  return Object.entries(record.inputs).every(([file, hash]) => hashFile(join(ROOT, file)) === hash);
}

export async function compile(entries, { selfContained = false } = {}) {
  const cache = readCache();
  const key = JSON.stringify({ selfContained });
  const toolchain = sha256(TOOLCHAIN.map((f) => hashFile(join(ROOT, f))).join());
  const stale = entries.filter((e) => !upToDate(cache[e], key, toolchain));
  if (stale.length === 0) return { compiled: [] };

  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: stale.map((e) => join(ROOT, e)),
    outdir: join(ROOT, 'dist'),
    outbase: ROOT,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    logLevel: 'warning',
    absWorkingDir: ROOT,
    metafile: true,
    ...(selfContained
      ? {
          minifySyntax: true,
          minifyWhitespace: true,
          alias: { archiver: join(ROOT, 'scripts/lib/archiver-stub.cjs') },
          plugins: [tokenStackTraces],
        }
      : { packages: 'external', sourcemap: 'linked' }),
  });
  for (const entry of stale) {
    const output = outputOf(entry);
    const meta = result.metafile.outputs[relative(ROOT, output)];
    const inputs = {};
    for (const file of Object.keys(meta?.inputs ?? {}).sort()) {
      if (file.startsWith('node_modules/') || file.includes('/node_modules/')) continue; // the lockfile covers them
      inputs[file] = hashFile(join(ROOT, file));
    }
    cache[entry] = { key, toolchain, output, outputHash: hashFile(output), inputs };
  }
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  writeFileSync(CACHE, `${JSON.stringify(cache, null, 2)}\n`);
  return { compiled: stale };
}
