#!/usr/bin/env node
// npm run synth — bundles handlers if stale, compiles main.ts with esbuild if stale, runs it in this process
// (cdktf synth output in cdktf.out/stacks/<stack>/cdk.tf.json). `--app-only` is what cdktf.json runs: the
// same, without the summary line.
// Staleness is by content hash, never by time: handler archives against every input file esbuild read
// (build/lambda/manifest.json), the compiled app against its sources (dist/.compile-cache.json), both against
// package-lock.json. With nothing stale neither esbuild nor a second node process is started.
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { bundle } from './bundle.mjs';
import { compile } from './lib/compile.mjs';
import { ROOT } from './lib/handlers.mjs';

const { values } = parseArgs({ options: { 'app-only': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
if (values.help) {
  console.log(
    'usage: npm run synth [-- --app-only]\nBundles stale handlers, compiles main.ts if its sources changed and synthesizes every stack into cdktf.out/ (CDKTF_OUTDIR overrides).\n  --app-only  no summary line (what cdktf.json runs)',
  );
  process.exit(0);
}
const appOnly = values['app-only'] === true;
await bundle({ ifStale: true, quiet: true });
await compile(['main.ts'], { selfContained: true });
const started = Date.now();
// main.ts resolves relative paths (outdir, backend paths) against the working directory, as `node dist/main.js` did.
process.chdir(ROOT);
createRequire(import.meta.url)(join(ROOT, 'dist', 'main.js'));
if (!appOnly) {
  const outdir = process.env.CDKTF_OUTDIR || join(ROOT, 'cdktf.out');
  const stacks = readdirSync(join(outdir, 'stacks')).sort();
  const rel = relative(ROOT, outdir);
  const shown = rel.startsWith('..') ? outdir : rel || '.';
  console.log(`synthesized ${stacks.length} stacks in ${Date.now() - started} ms: ${stacks.map((s) => `${shown}/stacks/${s}/cdk.tf.json`).join(', ')}`);
}
