// `npm run modules` refuses what it does not understand before it bundles, compiles or writes anything:
// a misspelt --check must not regenerate modules/, a --record-moves without a revision must not record nothing.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');
const run = (...args: string[]) =>
  spawnSync(process.execPath, [join(ROOT, 'scripts', 'modules.mjs'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60000,
  });

test.each([
  [['--chek'], /Unknown option '--chek'/],
  [['--record-moves'], /--record-moves <value>' argument missing/],
  [['--check', 'extra'], /Unexpected argument 'extra'/],
])('modules.mjs %j exits 2 with the reason and the usage', (args, reason) => {
  const r = run(...args);
  expect(r.status).toBe(2);
  expect(r.stderr).toMatch(reason);
  expect(r.stderr).toContain('usage: npm run modules');
  expect(r.stdout).toBe('');
});

test('--help lists every option', () => {
  const r = run('--help');
  expect(r.status).toBe(0);
  expect(r.stdout).toMatch(/--check/);
  expect(r.stdout).toMatch(/--record-moves <rev>/);
});
