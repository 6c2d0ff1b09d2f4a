#!/usr/bin/env node
// npm run fuzz — the fuzz suite (test/fuzz) at full budget: FUZZ_RUNS inputs per route (default 10,000)
// through the real handlers and DynamoDB Local, then a status histogram per route and the integrity
// findings. Exit code 1 on any 5xx or integrity violation. `npm run fuzz -- --report` only prints the
// last reports (build/fuzz/*.json); other arguments go to jest.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { bundle } from './bundle.mjs';
import { ROOT } from './lib/handlers.mjs';

const args = process.argv.slice(2);
const dir = join(ROOT, 'build', 'fuzz');
let jestStatus = 0;
if (!args.includes('--report')) {
  rmSync(dir, { recursive: true, force: true });
  await bundle({ ifStale: true, quiet: true }); // the harness reads the bundle manifest
  const env = { ...process.env, FUZZ_RUNS: process.env.FUZZ_RUNS ?? '10000' };
  const jest = spawnSync(
    process.execPath,
    [join(ROOT, 'node_modules/jest/bin/jest.js'), '--maxWorkers=2', 'test/fuzz', ...args],
    {
      stdio: 'inherit',
      cwd: ROOT,
      env,
    },
  );
  jestStatus = jest.status ?? 1;
}

const reports = existsSync(dir)
  ? readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')))
  : [];
if (!reports.length) {
  console.error('no fuzz report in build/fuzz');
  process.exit(1);
}
const statuses = [
  ...new Set(reports.flatMap((r) => Object.values(r.routes).flatMap((x) => Object.keys(x.histogram)))),
].sort();
const pad = (s, n) => String(s).padEnd(n);
const width = Math.max(...reports.flatMap((r) => Object.keys(r.routes).map((k) => k.length))) + 2;
let inputs = 0;
let bad = 0;
let violations = 0;
for (const r of reports) {
  console.log(`\n${r.suite} (seed ${r.seed}, ${r.runsPerRoute} inputs per route)`);
  console.log(pad('route', width) + statuses.map((s) => pad(s, 7)).join('') + '5xx');
  for (const [route, x] of Object.entries(r.routes)) {
    const five = Object.entries(x.histogram)
      .filter(([s]) => s === 'threw' || Number(s) >= 500)
      .reduce((n, [, c]) => n + c, 0);
    inputs += x.runs;
    bad += five;
    console.log(pad(route, width) + statuses.map((s) => pad(x.histogram[s] ?? '·', 7)).join('') + five);
    for (const f of x.failures) console.log(`   5xx example: ${JSON.stringify(f).slice(0, 300)}`);
  }
  for (const [check, found] of Object.entries(r.integrity ?? {})) {
    violations += found.length;
    console.log(`integrity ${check}: ${found.length ? found.slice(0, 5).join(', ') : 'ok'}`);
  }
  if (!r.integrity || !Object.keys(r.integrity).length)
    console.log('integrity: not checked (the run stopped before the end of the suite)');
}
console.log(`\n${inputs} inputs, ${bad} 5xx, ${violations} integrity violations`);
process.exit(bad || violations || jestStatus ? 1 : 0);
