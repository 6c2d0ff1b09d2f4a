/**
 * npm run bench — runs the benchmarks, prints a table, writes bench/results/*.json.
 * Figures are measurements on this machine, compared with peers as ratios; nothing here is a pass/fail test.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { benchCli, benchSbtScope } from '../bench/anchor';
import { ROOT, benchColdInit, benchSizes, benchSynth } from '../bench/foundation';
import { runLocalRuntimeBench, TARGET_GETS_PER_SECOND, TARGET_ONBOARD_SECONDS } from '../bench/local-runtime';
import { runMeteringBench } from '../bench/marketplace-metering';

const kb = (b: number) => `${(b / 1024).toFixed(1)} KB`;

const USAGE = `usage: npm run bench [-- --anchor [--pairs N]] [-- --synth-only]
Synth time, handler zip sizes, cold init per handler and Marketplace metering throughput.
  --anchor      also install the SBT-AWS anchor (bench/.anchor, on demand) and compare in this run, as N
                interleaved pairs: our SBT-scope synth vs SBT's, and \`npm run synth\` vs SBT's \`cdk synth -q\`
  --pairs N     interleaved pairs per comparison (default 20)
  --synth-only  skip zip sizes, cold init and metering
  --only local  only the local runtime under load (npm run local: authorized GETs/s, 100 tenants onboarded;
                also part of the full run)
  --tenants N   with the local runtime bench: tenants to onboard (default 100)
  --gets N      with the local runtime bench: measured GETs (default 5000)
  --profile DIR with the local runtime bench: V8 CPU profiles of the runtime and its handler instances
                (node --cpu-prof) written to DIR, to open in Chrome DevTools or speedscope`;

async function main() {
  const { values: opts } = parseArgs({
    options: {
      anchor: { type: 'boolean' },
      pairs: { type: 'string' },
      'synth-only': { type: 'boolean' },
      only: { type: 'string' },
      profile: { type: 'string' },
      tenants: { type: 'string' },
      gets: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (opts.help) {
    console.log(USAGE);
    return;
  }
  if (opts.only !== undefined) {
    if (opts.only !== 'local') throw new Error(`--only: '${opts.only}' is not a bench (local)`);
    mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
    return localBench(opts.profile, opts.tenants, opts.gets);
  }
  const pairs = Number(opts.pairs ?? 20);
  if (!Number.isInteger(pairs) || pairs < 1) throw new Error(`--pairs must be a positive integer, got '${opts.pairs}'`);
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  const synth = benchSynth('dist/main.js');
  const sbtScope = benchSynth('dist/bench/synth-sbt-scope.js');
  console.log(
    `\nsynth (whole process from precompiled JS, median / min of 7; node start alone: ${synth.nodeStartMs} ms)`,
  );
  for (const [label, r] of [
    ['reference app', synth],
    ['SBT scope (control plane + application plane)', sbtScope],
  ] as const) {
    console.log(
      `  ${label}: ${r.stacks.length} stacks, ${r.resources} resources: ${r.medianMs} / ${r.minMs} ms (${r.msPerResource} ms/resource)`,
    );
  }

  if (opts.anchor) {
    const progress = (what: string) => (i: number) => process.stdout.write(`\r  ${what}: pair ${i}/${pairs}`);
    console.log(
      `\nsame-run comparison with the anchor (${pairs} interleaved pairs each; ratio = median ours / median anchor)`,
    );
    // The 1-minute load average around the comparison: on this shared machine load slows the anchor's larger,
    // multi-threaded process more than ours, so a ratio only means something next to the load it ran under.
    const loadAverageBefore = +loadavg()[0]!.toFixed(2);
    const scope = benchSbtScope(ROOT, pairs, progress('SBT scope'));
    process.stdout.write('\n');
    const cli = benchCli(ROOT, pairs, progress('CLIs'));
    process.stdout.write('\n');
    const cliForced = benchCli(ROOT, pairs, progress('CLIs, --force'), true);
    process.stdout.write('\n');
    const loadAverageAfter = +loadavg()[0]!.toFixed(2);
    const anchor = {
      measuredAt: new Date().toISOString(),
      node: process.version,
      cores: cpus().length,
      loadAverageBefore,
      loadAverageAfter,
      anchor: scope.tool,
      sbtScope: scope,
      cli,
      cliForced,
    };
    writeFileSync(join(ROOT, 'bench/results/anchor.json'), `${JSON.stringify(anchor, null, 2)}\n`);
    console.log(`  anchor: ${scope.tool.label}, aws-cdk CLI ${scope.tool.awsCdkCli}`);
    console.log(`  load average ${loadAverageBefore} before, ${loadAverageAfter} after, on ${cpus().length} cores`);
    for (const [label, r, target] of [
      ['SBT scope, whole process', scope, 0.2],
      ['npm run synth (nothing stale) vs cdk synth -q', cli, 0.25],
      ['npm run synth -- --force (always synthesizes) vs cdk synth -q', cliForced, 0.25],
    ] as const) {
      console.log(`  ${label}:`);
      console.log(
        `    ours   ${String(r.ours.medianMs).padStart(6)} ms median (min ${r.ours.minMs}), ${r.ours.resources} resources`,
      );
      console.log(
        `    anchor ${String(r.anchor.medianMs).padStart(6)} ms median (min ${r.anchor.minMs}), ${r.anchor.resources} resources`,
      );
      console.log(`    ratio  ${r.ratio} (target ≤ ${target}: ${r.ratio <= target ? 'met' : 'not met'})`);
    }
  }
  if (opts['synth-only']) {
    writeFileSync(
      join(ROOT, 'bench/results/synth.json'),
      `${JSON.stringify({ measuredAt: new Date().toISOString(), node: process.version, synth, synthSbtScope: sbtScope }, null, 2)}\n`,
    );
    return;
  }

  const sizes = benchSizes();
  const init = await benchColdInit();
  const foundation = {
    measuredAt: new Date().toISOString(),
    node: process.version,
    synth,
    synthSbtScope: sbtScope,
    sizes,
    coldInit: init,
  };
  writeFileSync(join(ROOT, 'bench/results/foundation.json'), `${JSON.stringify(foundation, null, 2)}\n`);

  console.log(`\nhandler archives: ${sizes.count}, max ${kb(sizes.maxBytes)}, median ${kb(sizes.medianBytes)}`);
  console.log('\ncold init (fresh process: import + first invocation against DynamoDB Local), p50 of 5');
  const w = Math.max(...init.handlers.map((h) => h.archive.length), 7);
  console.log(`  ${'archive'.padEnd(w)}  zip        import  1st call  total`);
  for (const h of init.handlers) {
    const z = sizes.archives.find((a) => a.name === h.archive)?.bytes ?? 0;
    console.log(
      `  ${h.archive.padEnd(w)}  ${kb(z).padStart(9)}  ${h.importP50Ms.toFixed(1).padStart(6)}  ${h.firstInvokeP50Ms.toFixed(1).padStart(8)}  ${h.coldInitP50Ms.toFixed(1).padStart(5)}`,
    );
  }
  console.log(`  median over handlers: import ${init.importP50Ms} ms, cold init ${init.coldInitP50Ms} ms`);

  const mp = await runMeteringBench();
  writeFileSync(
    join(ROOT, 'bench/results/marketplace.json'),
    `${JSON.stringify({ measuredAt: new Date().toISOString(), ...mp }, null, 2)}\n`,
  );
  console.log(
    `\nmarketplace metering against a fake throttling at 10 req/s: ${mp.recordsPerSecond.toFixed(1)} records/s of the ${mp.ceiling} records/s ceiling (${(mp.ratio * 100).toFixed(1)} %)`,
  );
  await localBench(opts.profile);
}

function count(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${flag} must be a positive integer, got '${v}'`);
  return n;
}

async function localBench(profileDir?: string, tenants?: string, gets?: string) {
  const r = await runLocalRuntimeBench(ROOT, {
    profileDir: profileDir === undefined ? undefined : resolve(profileDir),
    tenants: count('tenants', tenants),
    gets: count('gets', gets),
  });
  writeFileSync(
    join(ROOT, 'bench/results/local-runtime.json'),
    `${JSON.stringify({ measuredAt: new Date().toISOString(), node: process.version, ...r }, null, 2)}\n`,
  );
  const split = (c?: { byProcess: Record<string, number> }) =>
    c
      ? ` [${Object.entries(c.byProcess)
          .sort((a, b) => b[1] - a[1])
          .map(([k, v]) => `${k} ${v} ms`)
          .join(', ')}]`
      : '';
  console.log(
    `\nlocal runtime (npm run local, own DynamoDB Local; started in ${r.startupSeconds} s; load average ${r.loadAverageBefore} before, ${r.loadAverage} after, on ${cpus().length} cores)`,
  );
  const g = r.gets;
  console.log(
    `  authorized GET /tenants/{id}, concurrency ${g.concurrency}: ${g.perSecond} req/s (target ≥ ${TARGET_GETS_PER_SECOND}), p50 ${g.p50Ms} ms, p99 ${g.p99Ms} ms, ${g.non200} non-200 of ${g.requests}`,
  );
  console.log(
    `    after ${g.warmup.requests} warm-up GETs (CPU ms per request by round of warm-up: ${g.warmup.cpuMsPerRequestByRound.join(', ') || 'not measured'})`,
  );
  if (g.cpuMsPerRequest !== undefined) {
    console.log(
      `    CPU ${g.cpuMsPerRequest} ms per request${split(g.cpu)} → ${g.idleMachinePerSecond} req/s on ${r.cores} otherwise idle cores`,
    );
  }
  const b = r.onboarding;
  console.log(
    `  ${b.tenants} tenants onboarded, concurrency ${b.concurrency}: ${b.seconds} s (target < ${TARGET_ONBOARD_SECONDS} s), states after each POST returned: ${JSON.stringify(b.states)}, ${b.failedPosts} POSTs failed`,
  );
  if (b.cpuMsPerTenant !== undefined) {
    console.log(
      `    CPU ${b.cpuMsPerTenant} ms per tenant${split(b.cpu)} → ${b.idleMachineSeconds} s on ${r.cores} otherwise idle cores`,
    );
  }
  if (profileDir) console.log(`  CPU profiles: ${resolve(profileDir)}`);
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
