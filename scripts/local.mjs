#!/usr/bin/env node
// npm run local — bundles stale handlers, compiles local/cli.ts with esbuild and runs it in this process
// (one process to signal: the engines and jobs it starts are process groups it ends on SIGINT/SIGTERM,
// and when npm goes away). A busy --port is reported before anything is built or started.
// package.json runs it as `exec node scripts/local.mjs`: npm forwards SIGINT/SIGTERM to its script's shell,
// and a shell waiting for node would swallow SIGINT; with exec, node is that process and gets the signal.
import { createServer } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { bundle } from './bundle.mjs';
import { compile } from './lib/compile.mjs';
import { ROOT } from './lib/handlers.mjs';

// Only what is needed before the runtime starts; local/cli.ts validates every option.
const { values } = parseArgs({
  options: { port: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  strict: false,
  allowPositionals: true,
});

if (!values.help) {
  const port = values.port === undefined ? 3000 : Number(values.port);
  if (Number.isInteger(port) && port > 0 && port <= 65535) {
    const probe = createServer();
    const busy = await new Promise((resolve) => {
      probe.once('error', (e) => resolve(e.code === 'EADDRINUSE'));
      probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(false)));
    });
    if (busy) {
      console.error(
        `npm run local: port ${port} is in use: stop what listens there or pick another with --port <n> (0 = any free port)`,
      );
      process.exit(2);
    }
  }
  await bundle({ ifStale: true, quiet: true });
}
await compile(['local/cli.ts']);
await import(pathToFileURL(join(ROOT, 'dist/local/cli.js')).href);
