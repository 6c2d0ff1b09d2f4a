// The self-contained synth bundle (scripts/lib/compile.mjs) loads node's child_process, os, assert and crypto,
// and sets up cdktf's semver, only when cdktf uses them: a synth does not load them, and a failing cdktf
// assertion still throws node's own AssertionError with cdktf's message. When they are used, the bundle
// computes what cdktf computes unbundled. The SBT-scope synth the bench times loads neither crypto nor semver
// (its asset hashes come from the build's record) and writes what hashing the archives writes.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { archiveDir } from '../../src/core/archives';
import { recordFileOf } from '../../src/core/file-hashes';
import { filesUnder, writeHashRecord } from '../support/assets';

const ROOT = join(__dirname, '../..');
const DIR = join(ROOT, 'build', `synth-bundle-test-${process.pid}`);
const ENTRY = `${DIR.slice(ROOT.length + 1)}/entry.ts`;
const LOADER = join(ROOT, 'dist', ENTRY.replace(/\.ts$/, '.js'));
const OUT = mkdtempSync(join(tmpdir(), 'sbt-synth-bundle-'));
// Plain CommonJS, so node runs it unbundled as well: what cdktf and constructs compute with crypto (a nested
// element's logical id, a construct address) and with semver (ValidateBinaryVersion), and what got loaded.
const USES = `${DIR.slice(ROOT.length + 1)}/uses.js`;
const BENCH = 'bench/synth-sbt-scope.ts';
const OBSERVER = join(DIR, 'observe.js');

beforeAll(() => {
  mkdirSync(DIR, { recursive: true });
  writeFileSync(
    join(DIR, 'entry.ts'),
    `import { App, TerraformOutput, TerraformStack } from '../../src/core/cdktf';
const app = new App({ outdir: process.argv[3] });
const stack = new TerraformStack(app, 'stack');
const output = new TerraformOutput(stack, 'out', { value: 'x' });
if (process.argv[2] === 'assert') {
  void output.fqn; // cdktf: assert.ok(!!this._elementType, 'Element type not set') — an output has none
}
app.synth();
console.log(JSON.stringify(process.moduleLoadList.filter((m) => /^NativeModule (child_process|assert|os|net|crypto)$/.test(m))));
`,
  );
  writeFileSync(
    join(ROOT, USES),
    `const { readFileSync } = require('node:fs');
const { App, TerraformOutput, TerraformStack } = require('cdktf');
const { ValidateBinaryVersion } = require('cdktf/lib/validations/validate-binary-version');
const { Construct } = require('constructs');
const app = new App({ outdir: process.argv[2] });
const stack = new TerraformStack(app, 'stack');
const group = new Construct(stack, 'group');
new TerraformOutput(group, 'out', { value: 'x' }); // nested: named <path>_<md5>
app.synth();
const node = (constraint) =>
  new ValidateBinaryVersion('node', constraint, JSON.stringify(process.execPath) + ' --version', 'hint').validate();
console.log(JSON.stringify({
  doc: readFileSync(process.argv[2] + '/stacks/stack/cdk.tf.json', 'utf8'),
  addr: group.node.addr, // sha1
  satisfied: node('>=1.0.0'),
  unsatisfied: node('<1.0.0'),
  crypto: process.moduleLoadList.includes('NativeModule crypto'),
}));
`,
  );
  // What a process loaded, printed as it exits (a file preloaded with -r: \`node -e\` itself loads crypto).
  writeFileSync(
    OBSERVER,
    "process.on('exit', () => console.log(JSON.stringify({ crypto: process.moduleLoadList.includes('NativeModule crypto') })));\n",
  );
  const script = `import { compile } from ${JSON.stringify(join(ROOT, 'scripts/lib/compile.mjs'))};
await compile([${JSON.stringify(ENTRY)}, ${JSON.stringify(USES)}, ${JSON.stringify(BENCH)}], { selfContained: true });`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
});

afterAll(() => {
  rmSync(DIR, { recursive: true, force: true });
  rmSync(join(ROOT, 'dist', DIR.slice(ROOT.length + 1)), { recursive: true, force: true });
  rmSync(OUT, { recursive: true, force: true });
});

// NODE_DEBUG=semver: semver prints its setup (\`SEMVER …\` on stderr) — the sign that it was set up at all.
const env = { ...process.env, NODE_DEBUG: 'semver' };
const run = (mode: string) => spawnSync(process.execPath, [LOADER, mode, OUT], { cwd: ROOT, encoding: 'utf8', env });

test('a synth from the bundle loads none of child_process, os, assert, crypto (nor net), nor sets up semver', () => {
  const r = run('synth');
  expect(r.stderr).toBe('');
  expect(JSON.parse(r.stdout.trim().split('\n').pop()!)).toEqual([]);
  const doc = JSON.parse(readFileSync(join(OUT, 'stacks/stack/cdk.tf.json'), 'utf8')) as { output: object };
  expect(doc.output).toEqual({ out: { value: 'x' } });
});

test("a failing cdktf assertion throws node's AssertionError with cdktf's message", () => {
  const r = run('assert');
  expect(r.status).not.toBe(0);
  expect(r.stderr).toContain('AssertionError');
  expect(r.stderr).toContain("code: 'ERR_ASSERTION'");
  expect(r.stderr).toContain('AssertionError [ERR_ASSERTION]: Element type not set');
});

test('crypto and semver, once used, load and compute exactly what cdktf and constructs compute unbundled', () => {
  const outdirs = [mkdtempSync(join(tmpdir(), 'sbt-lazy-')), mkdtempSync(join(tmpdir(), 'sbt-lazy-'))];
  try {
    const [bundled, plain] = [join(ROOT, 'dist', USES), join(ROOT, USES)].map((file, i) =>
      spawnSync(process.execPath, [file, outdirs[i]], { cwd: ROOT, encoding: 'utf8', env }),
    );
    expect(bundled.status).toBe(0);
    expect(bundled.stderr).toContain('SEMVER'); // set up on first use
    const [a, b] = [bundled, plain].map((r) => JSON.parse(r.stdout.trim().split('\n').pop()!));
    expect(a).toEqual(b);
    expect(a.crypto).toBe(true);
    expect(a.satisfied).toEqual([]);
    expect(a.unsatisfied).toEqual([expect.stringContaining('is lower than the required version <1.0.0')]);
    expect(Object.keys(JSON.parse(a.doc).output)).toEqual([expect.stringMatching(/^group_out_[0-9A-F]{8}$/)]);
  } finally {
    for (const d of outdirs) rmSync(d, { recursive: true, force: true });
  }
});

test('the SBT-scope synth (bench) loads neither crypto nor semver, and writes what hashing the archives writes', () => {
  // Two copies of the built archives: one with the build's hash record, one without (so hashed at synth).
  const recorded = mkdtempSync(join(tmpdir(), 'sbt-scope-recorded-'));
  const hashed = mkdtempSync(join(tmpdir(), 'sbt-scope-hashed-'));
  const outs = [mkdtempSync(join(tmpdir(), 'sbt-scope-out-')), mkdtempSync(join(tmpdir(), 'sbt-scope-out-'))];
  try {
    const zips = readdirSync(archiveDir()).filter((f) => f.endsWith('.zip'));
    for (const z of zips) for (const d of [recorded, hashed]) copyFileSync(join(archiveDir(), z), join(d, z));
    writeHashRecord(recorded, zips);
    const [fast, slow] = [recorded, hashed].map((archives, i) =>
      spawnSync(process.execPath, ['-r', OBSERVER, join(ROOT, 'dist/bench/synth-sbt-scope.js')], {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...env, SBT_ARCHIVE_DIR: archives, CDKTF_OUTDIR: outs[i] },
      }),
    );
    expect(fast.stderr).toBe('');
    expect(JSON.parse(fast.stdout.trim().split('\n').pop()!)).toEqual({ crypto: false });
    // the observation can see crypto: hashing loads it
    expect(slow.stderr).toBe('');
    expect(JSON.parse(slow.stdout.trim().split('\n').pop()!)).toEqual({ crypto: true });
    const [a, b] = outs.map(filesUnder);
    expect(Object.keys(a).filter((f) => f.endsWith('.zip')).length).toBeGreaterThan(3);
    expect(a).toEqual(b);
  } finally {
    for (const d of [recorded, hashed, ...outs]) rmSync(d, { recursive: true, force: true });
    rmSync(recordFileOf(recorded), { force: true });
  }
});
