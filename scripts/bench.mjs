#!/usr/bin/env node
// npm run bench — bundles stale handlers, compiles main.ts and the bench with esbuild, runs it.
// `-- --anchor` first installs the SBT-AWS anchor into bench/.anchor (on demand, outside our lockfile).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { bundle } from './bundle.mjs';
import { ensureAnchor } from './lib/anchor.mjs';
import { compile } from './lib/compile.mjs';
import { ROOT } from './lib/handlers.mjs';

const args = process.argv.slice(2);
if (args.includes('--anchor')) ensureAnchor();
await bundle({ ifStale: true, quiet: true });
await compile(['main.ts', 'bench/synth-sbt-scope.ts'], { selfContained: true });
await compile(['scripts/bench.ts']);
const res = spawnSync(process.execPath, [join(ROOT, 'dist/scripts/bench.js'), ...args], { stdio: 'inherit', cwd: ROOT });
process.exit(res.status ?? 1);
