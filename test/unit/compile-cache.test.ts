// npm run synth skips esbuild only when every source of the compiled app is byte-identical to what was
// compiled (scripts/lib/compile.mjs): a changed imported file, a changed entry or a damaged output recompiles.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '../..');
const DIR = join(ROOT, 'build', `compile-cache-test-${process.pid}`);
const ENTRY = `${DIR.slice(ROOT.length + 1)}/entry.ts`;
const OUTPUT = join(ROOT, 'dist', ENTRY.replace(/\.ts$/, '.js'));

/** One `compile([entry])` in a fresh node process (the real ESM module, as npm run synth loads it). */
function compileEntry(): string[] {
  const script = `import { compile } from ${JSON.stringify(join(ROOT, 'scripts/lib/compile.mjs'))};
console.log(JSON.stringify(await compile([${JSON.stringify(ENTRY)}])));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return (JSON.parse(r.stdout.trim().split('\n').pop()!) as { compiled: string[] }).compiled;
}

afterAll(() => {
  rmSync(DIR, { recursive: true, force: true });
  rmSync(join(ROOT, 'dist', DIR.slice(ROOT.length + 1)), { recursive: true, force: true });
});

test('unchanged sources skip the compile; a changed import, entry or output recompiles', () => {
  mkdirSync(DIR, { recursive: true });
  writeFileSync(join(DIR, 'value.ts'), "export const value = 'first';\n");
  writeFileSync(join(DIR, 'entry.ts'), "import { value } from './value';\nconsole.log(value);\n");

  expect(compileEntry()).toEqual([ENTRY]);
  expect(readFileSync(OUTPUT, 'utf8')).toContain('first');
  expect(compileEntry()).toEqual([]);

  writeFileSync(join(DIR, 'value.ts'), "export const value = 'second';\n");
  expect(compileEntry()).toEqual([ENTRY]);
  expect(readFileSync(OUTPUT, 'utf8')).toContain('second');

  writeFileSync(join(DIR, 'entry.ts'), "import { value } from './value';\nconsole.log(value, 'again');\n");
  expect(compileEntry()).toEqual([ENTRY]);
  expect(readFileSync(OUTPUT, 'utf8')).toContain('again');

  writeFileSync(OUTPUT, 'damaged');
  expect(compileEntry()).toEqual([ENTRY]);
  expect(readFileSync(OUTPUT, 'utf8')).toContain('second');
  expect(compileEntry()).toEqual([]);
});
