#!/usr/bin/env node
// npm run modules — bundles stale handlers, compiles scripts/modules.ts with esbuild and runs it.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { bundle } from './bundle.mjs';
import { compile } from './lib/compile.mjs';
import { ROOT } from './lib/handlers.mjs';

if (parseArgs({ options: { help: { type: 'boolean', short: 'h' } }, strict: false }).values.help) {
  console.log('usage: npm run modules [-- --check]\nRegenerates modules/<stack>/ (relocatable Terraform modules) from the stacks.\n  --check  report drift instead of writing (exit 1 when modules/ is stale)');
  process.exit(0);
}
await bundle({ ifStale: true, quiet: true });
await compile(['scripts/modules.ts']);
const res = spawnSync(process.execPath, [join(ROOT, 'dist/scripts/modules.js'), ...process.argv.slice(2)], { stdio: 'inherit', cwd: ROOT });
process.exit(res.status ?? 1);
