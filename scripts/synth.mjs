#!/usr/bin/env node
// npm run synth — bundles handlers if stale, compiles main.ts with esbuild, runs it (cdktf synth output in
// cdktf.out/stacks/<stack>/cdk.tf.json). `--app-only` is what cdktf.json runs: same, without the summary.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { bundle } from './bundle.mjs';
import { compile } from './lib/compile.mjs';
import { ROOT } from './lib/handlers.mjs';

const args = new Set(process.argv.slice(2));
if (args.has('--help')) {
  console.log('usage: npm run synth\nBundles stale handlers, compiles main.ts and synthesizes every stack into cdktf.out/.');
  process.exit(0);
}
const appOnly = args.has('--app-only');
await bundle({ ifStale: true, quiet: true });
await compile(['main.ts'], { selfContained: true });
const started = Date.now();
const res = spawnSync(process.execPath, [join(ROOT, 'dist', 'main.js')], { stdio: 'inherit', cwd: ROOT, env: process.env });
if (res.status !== 0) process.exit(res.status ?? 1);
if (!appOnly) {
  const outdir = process.env.CDKTF_OUTDIR ?? join(ROOT, 'cdktf.out');
  const stacks = readdirSync(join(outdir, 'stacks')).sort();
  console.log(`synthesized ${stacks.length} stacks in ${Date.now() - started} ms: ${stacks.map((s) => `cdktf.out/stacks/${s}/cdk.tf.json`).join(', ')}`);
}
