#!/usr/bin/env node
// npm run build (also prepack, so `npm pack` / `npm publish` always ship a fresh build) — the installable
// library: tsc compiles what src/index.ts reaches to lib/ (JavaScript + .d.ts, tsconfig.build.json), copies the
// sample tenant scripts beside their compiled reader, and
// `bundle` builds what is stale of the handler archives (build/lambda/*.zip) and the minified Marketplace
// registration page (build/registration-page/), which the tarball ships and the constructs find relative to
// the package (src/core/archives.ts).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { bundle } from './bundle.mjs';
import { ROOT, discoverHandlers } from './lib/handlers.mjs';

if (process.argv.includes('--help')) {
  console.log(
    'usage: npm run build\nCompiles the library to lib/ (JS + typings) and bundles the handler archives the package ships.',
  );
  process.exit(0);
}
rmSync(join(ROOT, 'lib'), { recursive: true, force: true });
const tsc = spawnSync(
  process.execPath,
  [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json')],
  {
    stdio: 'inherit',
    cwd: ROOT,
  },
);
if (tsc.status !== 0) process.exit(tsc.status ?? 1);
// The sample tenant scripts (src/application-plane/tenant-scripts.ts reads them).
cpSync(join(ROOT, 'src/application-plane/scripts'), join(ROOT, 'lib/src/application-plane/scripts'), {
  recursive: true,
});
await bundle({ ifStale: true, quiet: true });
const zips = readdirSync(join(ROOT, 'build/lambda')).filter((f) => f.endsWith('.zip'));
const missing = discoverHandlers().filter((h) => !existsSync(join(ROOT, 'build/lambda', `${h.name}.zip`)));
if (!existsSync(join(ROOT, 'build/registration-page/index.html'))) {
  console.error('build: build/registration-page/ was not built');
  process.exit(1);
}
if (missing.length) {
  console.error(`build: archives missing for ${missing.map((h) => h.name).join(', ')}`);
  process.exit(1);
}
console.log(
  `build: lib/ compiled, ${zips.length} handler archives in build/lambda/, the registration page in build/registration-page/`,
);
