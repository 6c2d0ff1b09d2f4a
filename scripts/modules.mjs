#!/usr/bin/env node
// npm run modules — bundles stale handlers, compiles scripts/modules.ts with esbuild and runs it.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { bundle } from './bundle.mjs';
import { compile } from './lib/compile.mjs';
import { ROOT } from './lib/handlers.mjs';

const USAGE =
  'usage: npm run modules [-- --check | --record-moves <git-rev>]\nRegenerates modules/<stack>/ (relocatable Terraform modules) from the stacks.\n  --check                 report drift instead of writing (exit 1 when modules/ is stale)\n  --record-moves <rev>    also record moved entries from the modules committed at <rev>';
let values;
try {
  // The options of scripts/modules.ts (MODULES_OPTIONS), checked before the bundle and the compile.
  ({ values } = parseArgs({
    options: { help: { type: 'boolean', short: 'h' }, check: { type: 'boolean' }, 'record-moves': { type: 'string' } },
  }));
} catch (e) {
  console.error(`modules: ${e.message}\n\n${USAGE}`);
  process.exit(2);
}
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
await bundle({ ifStale: true, quiet: true });
await compile(['scripts/modules.ts']);
const res = spawnSync(process.execPath, [join(ROOT, 'dist/scripts/modules.js'), ...process.argv.slice(2)], {
  stdio: 'inherit',
  cwd: ROOT,
});
process.exit(res.status ?? 1);
