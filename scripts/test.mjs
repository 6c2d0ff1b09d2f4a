#!/usr/bin/env node
// npm test — the whole suite, offline: type-check (tsc, strict), bundle handlers if stale (synth tests read
// the archives' hashes), then jest (DynamoDB Local started once by the global setup; ≤ 2 workers).
// Extra arguments go to jest, e.g. `npm test -- test/synth`.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { bundle } from './bundle.mjs';
import { ROOT } from './lib/handlers.mjs';

const jestArgs = process.argv.slice(2);
const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: ROOT, env: process.env });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
if (!process.env.SBT_SKIP_TYPECHECK) run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json', '--noEmit']);
await bundle({ ifStale: true, quiet: true });
run(process.execPath, [join(ROOT, 'node_modules/jest/bin/jest.js'), '--maxWorkers=2', ...jestArgs]);
