#!/usr/bin/env node
// npm test — the whole suite, offline: type-check (tsc, strict), lint + format gate (Biome, biome.jsonc: also
// the layer rules — src/ never imports lambda/, lambda/ only src/contracts/), the dependency gate (knip), bundle handlers if stale (synth tests read
// the archives' hashes), then jest (DynamoDB Local started once by the global setup; ≤ 2 workers).
// Extra arguments go to jest, e.g. `npm test -- test/synth`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { bundle } from './bundle.mjs';
import { ROOT } from './lib/handlers.mjs';

const jestArgs = process.argv.slice(2);
// Every argument is jest's; only a lone --help is answered here (jest's own is `npm test -- --help --verbose`).
if (
  jestArgs.length === 1 &&
  parseArgs({ options: { help: { type: 'boolean', short: 'h' } }, strict: false }).values.help
) {
  console.log(
    'usage: npm test [-- <jest arguments>]\nType-checks (tsc), lints (Biome) and checks dependencies (knip); SBT_SKIP_TYPECHECK=1 skips all three, bundles stale handlers, runs jest (DynamoDB Local started once, 2 workers).\n  e.g. npm test -- test/e2e/local     npm test -- -t "tenant"',
  );
  process.exit(0);
}
const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: ROOT, env: process.env });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
if (!process.env.SBT_SKIP_TYPECHECK) {
  run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json', '--noEmit']);
  run(process.execPath, [
    join(ROOT, 'node_modules/@biomejs/biome/bin/biome'),
    'check',
    '--error-on-warnings',
    '--reporter=summary',
    '.',
  ]);
  // Dependencies (knip.jsonc): every import declared in package.json, every declared package imported.
  run(process.execPath, [join(ROOT, 'node_modules/knip/bin/knip.js'), '--dependencies', '--no-progress']);
}
await bundle({ ifStale: true, quiet: true });
// Jest's summary is not a closing line CI tools read, so the plain one is printed after it.
const results = join(ROOT, 'build', 'jest-results.json');
mkdirSync(join(ROOT, 'build'), { recursive: true });
rmSync(results, { force: true });
const jest = spawnSync(
  process.execPath,
  [join(ROOT, 'node_modules/jest/bin/jest.js'), '--maxWorkers=2', '--json', `--outputFile=${results}`, ...jestArgs],
  { stdio: 'inherit', cwd: ROOT, env: process.env },
);
if (existsSync(results)) {
  const r = JSON.parse(readFileSync(results, 'utf8'));
  console.log(
    `\n${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`,
  );
}
process.exit(jest.status ?? 1);
