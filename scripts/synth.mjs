#!/usr/bin/env node
// npm run synth — bundles handlers if stale, compiles main.ts with esbuild if stale, runs it in this process
// (cdktf synth output in cdktf.out/stacks/<stack>/cdk.tf.json). `--app-only` is what cdktf.json runs: the
// same, without the summary line.
// Staleness is by content hash, never by time: handler archives against every input file esbuild read
// (build/lambda/manifest.json), the compiled app against its sources (dist/.compile-cache.json), both against
// package-lock.json. With nothing stale neither esbuild nor a second node process is started, and when the
// compiled app, every file it read, the environment it reads and every file it wrote are all unchanged since
// the last synthesis, the app is not run again (scripts/lib/synth-cache.mjs; `--force` always runs it).
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { bundle } from './bundle.mjs';
import { compile } from './lib/compile.mjs';
import { ROOT } from './lib/handlers.mjs';
import { synthesizeRecorded, synthIsCurrent, synthKey } from './lib/synth-cache.mjs';

const { values } = parseArgs({
  options: { 'app-only': { type: 'boolean' }, force: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
});
if (values.help) {
  console.log(
    'usage: npm run synth [-- --app-only] [-- --force]\nBundles stale handlers, compiles main.ts if its sources changed and synthesizes every stack into cdktf.out/ (CDKTF_OUTDIR overrides),\nunless the app, everything it reads and everything it wrote are unchanged since the last synthesis.\n  --app-only  no summary line (what cdktf.json runs)\n  --force     synthesize even when nothing changed',
  );
  process.exit(0);
}
const appOnly = values['app-only'] === true;
await bundle({ ifStale: true, quiet: true });
await compile(['main.ts'], { selfContained: true });
const started = Date.now();
// main.ts resolves relative paths (outdir, backend paths) against the working directory, as `node dist/main.js` did.
process.chdir(ROOT);
const outdir = process.env.CDKTF_OUTDIR || join(ROOT, 'cdktf.out');
const key = synthKey({ app: join(ROOT, 'dist', 'main.app.js'), outdir });
const unchanged = values.force !== true && synthIsCurrent({ key, outdir });
if (!unchanged) {
  synthesizeRecorded({ key, outdir, exclude: [join(ROOT, 'dist')] }, () =>
    createRequire(import.meta.url)(join(ROOT, 'dist', 'main.js')),
  );
}
if (!appOnly) {
  const stacks = readdirSync(join(outdir, 'stacks')).sort();
  const rel = relative(ROOT, outdir);
  const shown = rel.startsWith('..') ? outdir : rel || '.';
  const what = unchanged
    ? `${stacks.length} stacks unchanged (app, inputs and outputs as last synthesized; --force re-runs)`
    : `synthesized ${stacks.length} stacks`;
  console.log(
    `${what} in ${Date.now() - started} ms: ${stacks.map((s) => `${shown}/stacks/${s}/cdk.tf.json`).join(', ')}`,
  );
}
