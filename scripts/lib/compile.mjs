// Compiles TypeScript entry points (main.ts, scripts/*.ts) to dist/ with esbuild — dependencies stay
// external, so `node dist/<entry>.js` loads cdktf and the provider's deep paths from node_modules.
// This keeps ts-node out of every hot path (synth, modules, validate, bench).
import { build } from 'esbuild';
import { join } from 'node:path';
import { ROOT } from './handlers.mjs';

export async function compile(entries) {
  await build({
    entryPoints: entries.map((e) => join(ROOT, e)),
    outdir: join(ROOT, 'dist'),
    outbase: ROOT,
    bundle: true,
    packages: 'external',
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'linked',
    logLevel: 'warning',
    absWorkingDir: ROOT,
  });
}
