#!/usr/bin/env node
// npm run bundle — the registration page minified into build/registration-page/ (scripts/lib/registration-page.mjs),
// and every handler under lambda/ → esbuild (ESM, node22, minified, AWS SDK v3 bundled at
// the version package-lock.json pins; see README "Handler bundles" for why) → build/lambda/<service>-<handler>.zip, byte-identical across runs
// and machines: one entry (index.mjs), fixed DOS timestamp, fixed mode, fixed compression level.
//   --if-stale   skip when no input of any archive changed (inputs and their hashes are recorded per archive)
//   --quiet      no size table
//   --help
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { fileHashesCurrent, writeFileHashes } from './lib/file-hashes.mjs';
import { ARCHIVE_DIR, ROOT, discoverHandlers } from './lib/handlers.mjs';
import { buildRegistrationPage } from './lib/registration-page.mjs';

const MANIFEST = join(ARCHIVE_DIR, 'manifest.json');
const sha256 = (buf) => createHash('sha256').update(buf).digest('hex');

// 1980-01-01 00:00 in *local* time: fflate writes local-time DOS fields, so this gives the same bytes in
// every time zone (a UTC Date would shift with TZ).
const FIXED_MTIME = new Date(1980, 0, 1, 0, 0, 0);

// Inside Lambda only the environment credential provider can apply; see scripts/lib/lambda-credentials.mjs.
const lambdaCredentials = {
  name: 'lambda-credentials',
  setup(b) {
    b.onResolve({ filter: /^@aws-sdk\/credential-provider-node$/ }, () => ({
      path: resolve(ROOT, 'scripts/lib/lambda-credentials.mjs'),
    }));
  },
};

function isStale(handlers) {
  if (!existsSync(MANIFEST)) return true;
  const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8'));
  if (manifest.lock !== sha256(readFileSync(join(ROOT, 'package-lock.json')))) return true;
  const names = handlers.map((h) => h.name).sort();
  if (JSON.stringify(names) !== JSON.stringify(Object.keys(manifest.archives).sort())) return true;
  const current = new Map(); // handlers share most inputs: hash each file once
  const hashOf = (file) => {
    if (!current.has(file)) {
      const p = join(ROOT, file);
      current.set(file, existsSync(p) ? sha256(readFileSync(p)) : undefined);
    }
    return current.get(file);
  };
  for (const name of names) {
    const entry = manifest.archives[name];
    if (!existsSync(join(ARCHIVE_DIR, `${name}.zip`))) return true;
    for (const [file, hash] of Object.entries(entry.inputs)) if (hashOf(file) !== hash) return true;
  }
  return false;
}

export async function bundle({ ifStale = false, quiet = false } = {}) {
  // The registration page's minified files, built beside the archives (cheap; skipped when unchanged).
  const page = await buildRegistrationPage({ ifStale });
  if (page && !quiet) {
    const sizes = Object.entries(page).map(([f, s]) => `${f} ${s.source} → ${s.built} B`);
    console.log(`registration page: ${sizes.join(', ')} (build/registration-page/)`);
  }
  const handlers = discoverHandlers();
  if (ifStale && !isStale(handlers)) {
    // The archives' hash record (build/lambda.hashes.json) lets a synth skip hashing them; refreshed when
    // it is missing or no longer describes them (a checkout bundled before the record existed, a touched zip).
    const zips = handlers.map((h) => `${h.name}.zip`);
    if (!fileHashesCurrent(ARCHIVE_DIR, zips)) writeFileHashes(ARCHIVE_DIR, zips);
    if (!quiet) console.log(`bundle: ${handlers.length} archives up to date`);
    return;
  }
  // Loaded only when something is stale: `npm run synth` with nothing to rebuild never pays for them.
  const [{ build }, { zipSync }] = await Promise.all([import('esbuild'), import('fflate')]);
  mkdirSync(ARCHIVE_DIR, { recursive: true });
  const started = Date.now();
  const results = await Promise.all(
    handlers.map(async (h) => {
      const res = await build({
        entryPoints: [h.entry],
        bundle: true,
        platform: 'node',
        target: 'node22',
        format: 'esm',
        minify: true,
        treeShaking: true,
        legalComments: 'none',
        charset: 'utf8',
        write: false,
        metafile: true,
        outfile: 'index.mjs',
        mainFields: ['module', 'main'],
        absWorkingDir: ROOT,
        logLevel: 'silent',
        plugins: [lambdaCredentials],
        // Some CommonJS dependencies call require() for Node built-ins; ESM output needs a real one.
        banner: { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" },
      });
      const code = res.outputFiles[0].contents;
      const zip = zipSync(
        { 'index.mjs': [code, { mtime: FIXED_MTIME, level: 9, os: 3, attrs: (0o100644 << 16) >>> 0 }] },
        { mtime: FIXED_MTIME },
      );
      writeFileSync(join(ARCHIVE_DIR, `${h.name}.zip`), zip);
      const inputs = {};
      for (const file of Object.keys(res.metafile.inputs).sort()) {
        if (file.startsWith('node_modules/')) continue; // covered by the lockfile hash
        inputs[file] = sha256(readFileSync(join(ROOT, file)));
      }
      return {
        name: h.name,
        entry: relative(ROOT, h.entry),
        bundled: code.length,
        zipped: zip.length,
        sha256: sha256(zip),
        inputs,
      };
    }),
  );
  // Remove archives of handlers that no longer exist, so modules/ never ships a dead zip.
  const live = new Set(results.map((r) => `${r.name}.zip`));
  for (const f of readdirSync(ARCHIVE_DIR)) if (f.endsWith('.zip') && !live.has(f)) rmSync(join(ARCHIVE_DIR, f));
  const manifest = {
    lock: sha256(readFileSync(join(ROOT, 'package-lock.json'))),
    archives: Object.fromEntries(
      results.map((r) => [r.name, { entry: r.entry, bytes: r.zipped, sha256: r.sha256, inputs: r.inputs }]),
    ),
  };
  writeFileSync(MANIFEST, JSON.stringify(manifest, null, 2) + '\n');
  writeFileHashes(ARCHIVE_DIR, [...live].sort());
  if (!quiet) {
    const rows = results.map((r) => [
      r.name,
      (r.bundled / 1024).toFixed(1),
      (r.zipped / 1024).toFixed(1),
      r.sha256.slice(0, 12),
    ]);
    const sizes = results.map((r) => r.zipped).sort((a, b) => a - b);
    const median = sizes.length ? sizes[Math.floor((sizes.length - 1) / 2)] : 0;
    const w = Math.max(7, ...rows.map((r) => r[0].length));
    console.log(`${'archive'.padEnd(w)}  bundle KB  zip KB  sha256`);
    for (const r of rows) console.log(`${r[0].padEnd(w)}  ${r[1].padStart(9)}  ${r[2].padStart(6)}  ${r[3]}`);
    console.log(
      `${results.length} archives in ${Date.now() - started} ms; zip max ${(sizes.at(-1) / 1024 || 0).toFixed(1)} KB, median ${(median / 1024).toFixed(1)} KB`,
    );
  }
  return results;
}

// Command line only when run as a script: synth, modules, bench, test and local import bundle() and
// parse their own arguments (a --help given to them is theirs, not this script's).
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: { 'if-stale': { type: 'boolean' }, quiet: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    console.log(
      'usage: npm run bundle [-- --if-stale] [-- --quiet]\nBuilds build/lambda/*.zip from lambda/<service>/<handler>.ts and the minified registration page in build/registration-page/.\n  --if-stale  skip when no input of any archive changed\n  --quiet     no size table',
    );
  } else {
    await bundle({ ifStale: values['if-stale'], quiet: values.quiet });
  }
}
