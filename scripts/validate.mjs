#!/usr/bin/env node
// npm run validate — compiles scripts/validate.ts with esbuild and runs it (offline checks of
// cdktf.out/stacks/*/cdk.tf.json, modules/*/ and examples/hcl-pipeline/; see `npm run validate -- --help`).
// Runs nothing else: synthesize first with `npm run synth`.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { compile } from './lib/compile.mjs';
import { ROOT } from './lib/handlers.mjs';

await compile(['scripts/validate.ts']);
const res = spawnSync(process.execPath, [join(ROOT, 'dist/scripts/validate.js'), ...process.argv.slice(2)], {
  stdio: 'inherit',
  cwd: ROOT,
});
process.exit(res.status ?? 1);
