#!/usr/bin/env node
// npm run mutation — Stryker over the pure domain code (stryker.config.json), NOT part of npm test.
// Bundles handlers if stale (a unit test synthesizes a stack, which hashes the zips), then runs Stryker
// with the unit suites (jest.mutation.config.js). Extra arguments go to Stryker (`-- --force` re-tests all).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { bundle } from './bundle.mjs';
import { ROOT } from './lib/handlers.mjs';

await bundle({ ifStale: true, quiet: true });
const r = spawnSync(
  process.execPath,
  [join(ROOT, 'node_modules/@stryker-mutator/core/bin/stryker.js'), 'run', ...process.argv.slice(2)],
  {
    stdio: 'inherit',
    cwd: ROOT,
    env: process.env,
  },
);
process.exit(r.status ?? 1);
