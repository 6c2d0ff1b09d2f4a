#!/usr/bin/env node
// npm run bench — bundles stale handlers, compiles main.ts and the bench with esbuild, runs it.
// `-- --anchor` first installs the SBT-AWS anchor into bench/.anchor (on demand, outside our lockfile).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { bundle } from './bundle.mjs';
import { compile } from './lib/compile.mjs';
import { ROOT } from './lib/handlers.mjs';

const args = process.argv.slice(2);
if (parseArgs({ options: { help: { type: 'boolean', short: 'h' } }, strict: false }).values.help) {
  console.log(
    'usage: npm run bench [-- --anchor [--pairs N]] [-- --synth-only] [-- --only local] [-- --profile DIR]\nRuns the benchmarks and writes bench/results/*.json: synth time, handler zip sizes, cold init, Marketplace metering, the local runtime under load (authorized GETs/s, 100 tenants onboarded, CPU per request).\n  --anchor      also install the SBT-AWS anchor (bench/.anchor) and compare in this run\n  --pairs N     interleaved pairs per comparison (default 20)\n  --synth-only  skip zip sizes, cold init, metering and the local runtime\n  --only local  only the local runtime under load\n  --profile DIR V8 CPU profiles of the local runtime (main thread and handler instances) written to DIR',
  );
  process.exit(0);
}
// Loaded only when asked for, so --help and the other benches run without the anchor installer.
if (args.includes('--anchor')) (await import('./lib/anchor.mjs')).ensureAnchor();
await bundle({ ifStale: true, quiet: true });
await compile(['main.ts', 'bench/synth-sbt-scope.ts'], { selfContained: true });
await compile(['scripts/bench.ts', 'local/cli.ts']);
const res = spawnSync(process.execPath, [join(ROOT, 'dist/scripts/bench.js'), ...args], {
  stdio: 'inherit',
  cwd: ROOT,
});
process.exit(res.status ?? 1);
