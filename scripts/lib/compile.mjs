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
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { ROOT } from './handlers.mjs';

const CACHE = join(ROOT, 'dist', '.compile-cache.json');
export const sha256 = (buf) => createHash('sha256').update(buf).digest('hex');
/** sha256 of a file's bytes, or 'missing'. */
export const hashFile = (file) => (existsSync(file) ? sha256(readFileSync(file)) : 'missing');
// What shapes every output besides its sources: this file, the plugins' replacements, the dependency tree.
const TOOLCHAIN = [
  'scripts/lib/compile.mjs',
  'scripts/lib/token-stack-trace.cjs',
  'scripts/lib/archiver-stub.cjs',
  'scripts/lib/stable-stringify.cjs',
  'package-lock.json',
];

// cdktf's token creation stacks (see token-stack-trace.cjs) are opt-in in the synth bundle.
const tokenStackTraces = {
  name: 'token-stack-traces',
  setup(b) {
    b.onResolve({ filter: /[/\\]stack-trace$/ }, (args) =>
      args.importer.includes(join('cdktf', 'lib'))
        ? { path: join(ROOT, 'scripts/lib/token-stack-trace.cjs') }
        : undefined,
    );
  },
};

// cdktf requires child_process (with net, dgram, …) and os at load time for what a synth rarely does:
// checking the terraform binary's version, copying directory assets, module assets. In the synth bundle
// they load on first use instead (a Proxy over the real module). cdktf calls assert only as
// `assert(value, message)` / `assert.ok(value, message)`: node's assert (and its ~10 internal modules) then
// loads when an assertion fails, and throws its own AssertionError. ~20 internal modules fewer per synth.
// crypto (5–7 ms to load) is required at load time by cdktf and constructs, which hash only construct
// addresses, long logical ids and asset files; our synth names resources itself and takes the asset hashes
// from the build's record (src/core/file-hashes.ts), so most synths never hash and never load it.
const LAZY_BUILTINS = ['child_process', 'os', 'assert', 'crypto'];
const LAZY_IMPORTERS = [join('node_modules', 'cdktf', 'lib'), join('node_modules', 'constructs', 'lib')];
const fromLazyImporter = (args) => args.namespace === 'file' && LAZY_IMPORTERS.some((d) => args.importer.includes(d));
// cdktf's own semver (2–3 ms of module setup) serves only ValidateBinaryVersion.validate(), which a synth
// runs only when a stack adds that validation: bundled as usual, but set up on first property access.
const LAZY_PACKAGES = ['semver'];
const lazyBuiltins = {
  name: 'lazy-builtins',
  setup(b) {
    b.onResolve({ filter: new RegExp(`^(node:)?(${LAZY_BUILTINS.join('|')})$`) }, (args) =>
      fromLazyImporter(args) ? { path: args.path.replace(/^node:/, ''), namespace: 'lazy-builtin' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (args) => ({
      loader: 'js',
      contents: lazyModule(args.path),
    }));
    b.onResolve({ filter: new RegExp(`^(${LAZY_PACKAGES.join('|')})$`) }, async (args) => {
      if (!fromLazyImporter(args) || args.pluginData?.lazy) return undefined;
      const real = await b.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: { lazy: true },
      });
      if (real.errors.length) return { errors: real.errors };
      return { path: real.path, namespace: 'lazy-package' };
    });
    // The real module is required by its absolute path, so esbuild bundles it (and this plugin lets it be).
    b.onLoad({ filter: /.*/, namespace: 'lazy-package' }, (args) => ({
      loader: 'js',
      contents: lazyModule(args.path, JSON.stringify(args.path)),
      resolveDir: ROOT,
    }));
  },
};

function lazyModule(name, specifier = JSON.stringify(`node:${name}`)) {
  const head = `let real;
const load = () => (real ??= require(${specifier}));
`;
  if (name === 'assert')
    return `${head}function ok(value, message) {
  if (!value || arguments.length === 0) load().ok(...arguments);
}
module.exports = new Proxy(ok, { get: (target, key) => (key === 'ok' ? ok : load()[key]) });
`;
  return `${head}module.exports = new Proxy({}, {
  get: (_, key) => load()[key],
  has: (_, key) => key in load(),
  ownKeys: () => Reflect.ownKeys(load()),
  getOwnPropertyDescriptor: (_, key) => {
    const d = Object.getOwnPropertyDescriptor(load(), key);
    return d && { ...d, configurable: true };
  },
});
`;
}

const outputOf = (entry) => join(ROOT, 'dist', entry.replace(/\.ts$/, '.js'));

/**
 * A self-contained app is written as `<name>.app.js` and started through `<name>.js`, a loader that runs it
 * with V8's code cache (`<name>.app.js.v8cache`, made after the first run, so it also holds the functions
 * that run compiled): the 1–2 MB bundle is then neither parsed nor compiled again. V8 checks the cache
 * against the source and its own version and flags; a rejected cache is simply rebuilt.
 */
function loaderFor(appFile) {
  return `'use strict';
// Generated by scripts/lib/compile.mjs: runs ${appFile} with V8's code cache (see there).
const fs = require('fs');
const path = require('path');
const vm = require('vm');
const Module = require('module');
const file = path.join(__dirname, ${JSON.stringify(appFile)});
const cacheFile = file + '.v8cache';
let cachedData;
try { cachedData = fs.readFileSync(cacheFile); } catch { cachedData = undefined; }
const script = new vm.Script(Module.wrap(fs.readFileSync(file, 'utf8')), { filename: file, cachedData });
const app = new Module(file, module);
app.filename = file;
app.paths = Module._nodeModulePaths(__dirname);
app.loaded = true;
try {
  script.runInThisContext().call(app.exports, app.exports, (id) => app.require(id), app, file, __dirname);
} finally {
  if (cachedData === undefined || script.cachedDataRejected) {
    try {
      const tmp = cacheFile + '.' + process.pid;
      fs.writeFileSync(tmp, script.createCachedData());
      fs.renameSync(tmp, cacheFile);
    } catch { /* a read-only dist/ only costs the cache */ }
  }
}
`;
}

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
  if (record.loader && hashFile(record.loader) !== record.loaderHash) return false;
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
          alias: {
            archiver: join(ROOT, 'scripts/lib/archiver-stub.cjs'),
            'json-stable-stringify': join(ROOT, 'scripts/lib/stable-stringify.cjs'),
          },
          plugins: [tokenStackTraces, lazyBuiltins],
        }
      : { packages: 'external', sourcemap: 'linked' }),
  });
  if (selfContained) {
    for (const entry of stale) {
      const output = outputOf(entry);
      const app = output.replace(/\.js$/, '.app.js');
      renameSync(output, app);
      writeFileSync(output, loaderFor(basename(app)));
      const meta = result.metafile.outputs[relative(ROOT, output)];
      result.metafile.outputs[relative(ROOT, app)] = meta;
    }
  }
  for (const entry of stale) {
    const output = selfContained ? outputOf(entry).replace(/\.js$/, '.app.js') : outputOf(entry);
    const meta = result.metafile.outputs[relative(ROOT, output)];
    const inputs = {};
    for (const file of Object.keys(meta?.inputs ?? {}).sort()) {
      if (file.startsWith('node_modules/') || file.includes('/node_modules/')) continue; // the lockfile covers them
      inputs[file] = hashFile(join(ROOT, file));
    }
    const loader = selfContained ? outputOf(entry) : undefined;
    cache[entry] = {
      key,
      toolchain,
      output,
      outputHash: hashFile(output),
      ...(loader ? { loader, loaderHash: hashFile(loader) } : {}),
      inputs,
    };
  }
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  writeFileSync(CACHE, `${JSON.stringify(cache, null, 2)}\n`);
  return { compiled: stale };
}
