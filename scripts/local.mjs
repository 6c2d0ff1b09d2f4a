#!/usr/bin/env node
// npm run local — bundles stale handlers, compiles local/cli.ts with esbuild and runs it.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { bundle } from './bundle.mjs';
import { compile } from './lib/compile.mjs';
import { ROOT } from './lib/handlers.mjs';

await bundle({ ifStale: true, quiet: true });
await compile(['local/cli.ts']);
const child = spawn(process.execPath, [join(ROOT, 'dist/local/cli.js'), ...process.argv.slice(2)], { stdio: 'inherit', cwd: ROOT });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code) => process.exit(code ?? 0));
