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
  const synth = benchSynth();
  const sizes = benchSizes();
  const init = await benchColdInit();
  const foundation = { measuredAt: new Date().toISOString(), node: process.version, synth, sizes, coldInit: init };
  writeFileSync(join(ROOT, 'bench/results/foundation.json'), `${JSON.stringify(foundation, null, 2)}\n`);

  console.log('\nsynth (whole process, precompiled JS, median of 5)');
  console.log(`  ${synth.stacks.length} stacks, ${synth.resources} resources: ${synth.medianMs} ms (${synth.msPerResource} ms/resource)`);
  console.log(`  SBT-AWS CDK: ${synth.peer.resources} resources in ${synth.peer.ms} ms → ratio ${synth.ratioToPeer} (per resource ${synth.ratioToPeerPerResource})`);
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
