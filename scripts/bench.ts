/**
 * npm run bench — runs the benchmarks, prints a table, writes bench/results/*.json.
 * Figures are measurements on this machine, compared with peers as ratios; nothing here is a pass/fail test.
 */
import { mkdirSync, writeFileSync } from 'fs';
import { join } from 'path';
import { ROOT, benchColdInit, benchSizes, benchSynth } from '../bench/foundation';
import { runMeteringBench } from '../bench/marketplace-metering';

const kb = (b: number) => `${(b / 1024).toFixed(1)} KB`;

async function main() {
  if (process.argv.includes('--help')) {
    console.log('usage: npm run bench\nSynth time, handler zip sizes, cold init per handler (and Marketplace metering throughput).');
    return;
  }
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  const synth = benchSynth('dist/main.js');
  const sbtScope = benchSynth('dist/bench/synth-sbt-scope.js');
  const sizes = benchSizes();
  const init = await benchColdInit();
  const foundation = { measuredAt: new Date().toISOString(), node: process.version, synth, synthSbtScope: sbtScope, sizes, coldInit: init };
  writeFileSync(join(ROOT, 'bench/results/foundation.json'), `${JSON.stringify(foundation, null, 2)}\n`);

  console.log(`\nsynth (whole process from precompiled JS, median / min of 7; node start alone: ${synth.nodeStartMs} ms)`);
  for (const [label, r] of [['reference app', synth], ['SBT scope (control plane + application plane)', sbtScope]] as const) {
    console.log(`  ${label}: ${r.stacks.length} stacks, ${r.resources} resources: ${r.medianMs} / ${r.minMs} ms (${r.msPerResource} ms/resource)`);
    console.log(`    vs SBT-AWS CDK (${r.peer.resources} resources in ${r.peer.ms} ms): ratio ${r.ratioToPeer}, per resource ${r.ratioToPeerPerResource}`);
  }
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
  writeFileSync(join(ROOT, 'bench/results/marketplace.json'), `${JSON.stringify({ measuredAt: new Date().toISOString(), ...mp }, null, 2)}\n`);
  console.log(
    `\nmarketplace metering against a fake throttling at 10 req/s: ${mp.recordsPerSecond.toFixed(1)} records/s of the ${mp.ceiling} records/s ceiling (${(mp.ratio * 100).toFixed(1)} %)`,
  );

}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
