// `npm run bundle` twice (different output dirs, different time zones) gives byte-identical archives.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '../../..');

function bundleInto(dir: string, tz: string): Record<string, string> {
  const res = spawnSync(process.execPath, [join(root, 'scripts/bundle.mjs'), '--quiet'], {
    cwd: root,
    env: { ...process.env, SBT_ARCHIVE_DIR: dir, TZ: tz },
    encoding: 'utf8',
  });
  expect(res.stderr).toBe('');
  expect(res.status).toBe(0);
  return Object.fromEntries(
    readdirSync(dir)
      .filter((f) => f.endsWith('.zip'))
      .sort()
      .map((f) => [
        f,
        createHash('sha256')
          .update(readFileSync(join(dir, f)))
          .digest('hex'),
      ]),
  );
}

test('two bundle runs give identical sha256 for every zip', () => {
  const a = mkdtempSync(join(tmpdir(), 'sbt-bundle-a-'));
  const b = mkdtempSync(join(tmpdir(), 'sbt-bundle-b-'));
  try {
    const first = bundleInto(a, 'UTC');
    const second = bundleInto(b, 'Pacific/Auckland');
    expect(Object.keys(first).length).toBeGreaterThan(0);
    expect(second).toEqual(first);
  } finally {
    // each folder and the hash record the bundle writes beside it (scripts/lib/file-hashes.mjs)
    for (const dir of [a, b]) for (const p of [dir, `${dir}.hashes.json`]) rmSync(p, { recursive: true, force: true });
  }
});
