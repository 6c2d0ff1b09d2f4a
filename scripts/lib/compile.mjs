// Compiles TypeScript entry points to dist/ with esbuild, keeping ts-node out of every hot path.
// - tools (scripts/*.ts): dependencies stay external, loaded from node_modules;
// - the synth app (main.ts, `selfContained`): cdktf, constructs and the provider's deep-imported resource
//   classes are bundled into one file, because node resolving and loading cdktf's ~400 small CommonJS
//   files costs more than the whole synthesis (measured: 250 ms for `require('cdktf')` alone).
import { build } from 'esbuild';
import { join } from 'node:path';
import { ROOT } from './handlers.mjs';

// cdktf's token creation stacks (see token-stack-trace.cjs) are opt-in in the synth bundle.
const tokenStackTraces = {
  name: 'token-stack-traces',
  setup(b) {
    b.onResolve({ filter: /[/\\]stack-trace$/ }, (args) =>
      args.importer.includes(join('cdktf', 'lib')) ? { path: join(ROOT, 'scripts/lib/token-stack-trace.cjs') } : undefined,
    );
  },
};

export async function compile(entries, { selfContained = false } = {}) {
  await build({
    entryPoints: entries.map((e) => join(ROOT, e)),
    outdir: join(ROOT, 'dist'),
    outbase: ROOT,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    logLevel: 'warning',
    absWorkingDir: ROOT,
    ...(selfContained
      ? {
          minifySyntax: true,
          minifyWhitespace: true,
          alias: { archiver: join(ROOT, 'scripts/lib/archiver-stub.cjs') },
          plugins: [tokenStackTraces],
        }
      : { packages: 'external', sourcemap: 'linked' }),
  });
}
