// npm run synth re-runs the app unless the app, every file it read, the variables it reads and every file it
// wrote are unchanged (scripts/lib/synth-cache.mjs). Each change below must make the synthesis run again.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '../..');
const DIR = join(ROOT, 'build', `synth-cache-test-${process.pid}`);
const CACHE_MODULE = JSON.stringify(join(ROOT, 'scripts/lib/synth-cache.mjs'));

/**
 * One pass of the cache as synth.mjs uses it, in a fresh node process: a stand-in "app" (a file) that reads
 * input.txt and writes out/result.txt. Answers whether it ran.
 */
function pass(env: Record<string, string> = {}): boolean {
  const script = `import fs from 'node:fs';
import { synthIsCurrent, synthesizeRecorded, synthKey } from ${CACHE_MODULE};
const dir = ${JSON.stringify(DIR)};
const outdir = dir + '/out';
const cacheFile = dir + '/cache.json';
const key = synthKey({ app: dir + '/app.js', outdir });
if (synthIsCurrent({ key, outdir, cacheFile })) { console.log('skipped'); process.exit(0); }
synthesizeRecorded({ key, outdir, cacheFile }, () => {
  const text = fs.readFileSync(dir + '/input.txt', 'utf8');
  fs.mkdirSync(outdir, { recursive: true });
  fs.writeFileSync(outdir + '/result.txt', text.toUpperCase());
});
console.log('ran');`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout.trim() === 'ran';
}

afterAll(() => rmSync(DIR, { recursive: true, force: true }));

test('unchanged app, inputs, variables and outputs skip; any change runs the synthesis again', () => {
  mkdirSync(DIR, { recursive: true });
  writeFileSync(join(DIR, 'app.js'), 'v1');
  writeFileSync(join(DIR, 'input.txt'), 'first');

  expect(pass()).toBe(true);
  expect(pass()).toBe(false);

  writeFileSync(join(DIR, 'input.txt'), 'second'); // a file the app read (recorded, not listed)
  expect(pass()).toBe(true);
  expect(readFileSync(join(DIR, 'out/result.txt'), 'utf8')).toBe('SECOND');
  expect(pass()).toBe(false);

  writeFileSync(join(DIR, 'app.js'), 'v2'); // a new app build
  expect(pass()).toBe(true);
  expect(pass()).toBe(false);

  expect(pass({ SBT_MP_PRODUCT_CODE: 'another' })).toBe(true); // a variable the stacks read
  expect(pass({ SBT_MP_PRODUCT_CODE: 'another' })).toBe(false);
  expect(pass({ UNRELATED_VARIABLE: 'x', SBT_MP_PRODUCT_CODE: 'another' })).toBe(false);

  writeFileSync(join(DIR, 'out/result.txt'), 'edited by hand'); // a changed output
  expect(pass()).toBe(true);
  expect(readFileSync(join(DIR, 'out/result.txt'), 'utf8')).toBe('SECOND');

  writeFileSync(join(DIR, 'out/stray.txt'), 'x'); // an output the synthesis did not write
  expect(pass()).toBe(true);
  rmSync(join(DIR, 'out'), { recursive: true }); // deleted outputs
  expect(pass()).toBe(true);
  expect(pass()).toBe(false);
});

test('npm run synth: a second run finds the stacks unchanged and leaves them byte-identical; --force synthesizes', () => {
  const outdir = join(DIR, 'cdktf.out');
  const synth = (...args: string[]) => {
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts/synth.mjs'), ...args], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, CDKTF_OUTDIR: outdir },
    });
    if (r.status !== 0) throw new Error(r.stderr);
    return r.stdout;
  };
  const stack = () => readFileSync(join(outdir, 'stacks/control-plane/cdk.tf.json'), 'utf8');
  expect(synth()).toMatch(/^synthesized 3 stacks/);
  const first = stack();
  expect(synth()).toMatch(/^3 stacks unchanged/);
  expect(stack()).toBe(first);
  expect(synth('--force')).toMatch(/^synthesized 3 stacks/);
  expect(stack()).toBe(first);
});
