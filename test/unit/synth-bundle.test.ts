// The self-contained synth bundle (scripts/lib/compile.mjs) loads node's child_process, os and assert only
// when cdktf uses them: a synth does not load them, and a failing cdktf assertion still throws node's own
// AssertionError with cdktf's message.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '../..');
const DIR = join(ROOT, 'build', `synth-bundle-test-${process.pid}`);
const ENTRY = `${DIR.slice(ROOT.length + 1)}/entry.ts`;
const LOADER = join(ROOT, 'dist', ENTRY.replace(/\.ts$/, '.js'));
const OUT = mkdtempSync(join(tmpdir(), 'sbt-synth-bundle-'));

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
console.log(JSON.stringify(process.moduleLoadList.filter((m) => /^NativeModule (child_process|assert|os|net)$/.test(m))));
`,
  );
  const script = `import { compile } from ${JSON.stringify(join(ROOT, 'scripts/lib/compile.mjs'))};
await compile([${JSON.stringify(ENTRY)}], { selfContained: true });`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
});

afterAll(() => {
  rmSync(DIR, { recursive: true, force: true });
  rmSync(join(ROOT, 'dist', DIR.slice(ROOT.length + 1)), { recursive: true, force: true });
  rmSync(OUT, { recursive: true, force: true });
});

const run = (mode: string) => spawnSync(process.execPath, [LOADER, mode, OUT], { cwd: ROOT, encoding: 'utf8' });

test('a synth from the bundle loads none of child_process, os, assert (nor net)', () => {
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
