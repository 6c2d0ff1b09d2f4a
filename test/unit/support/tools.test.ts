// The tool lookup behind "no silent skips": chromium found as .ci/run finds it (PATH first, then known
// paths, SBT_CHROMIUM overrides), and what a missing tool does locally vs under CI=true.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findChromium, KNOWN_CHROMIUM_PATHS, needsTool, onPath } from '../../support/tools';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sbt-tools-'));
  for (const name of ['chromium', 'not-executable']) writeFileSync(join(dir, name), '#!/bin/sh\n');
  chmodSync(join(dir, 'chromium'), 0o755);
  chmodSync(join(dir, 'not-executable'), 0o644);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('onPath is `command -v`: the first executable of that name on PATH', () => {
  expect(onPath('chromium', `/nonexistent:${dir}`)).toBe(join(dir, 'chromium'));
  expect(onPath('not-executable', dir)).toBeUndefined();
  expect(onPath('chromium', '')).toBeUndefined();
});

test('findChromium: SBT_CHROMIUM wins (and must exist), then PATH, then the known install paths', () => {
  expect(findChromium({ SBT_CHROMIUM: join(dir, 'chromium'), PATH: '' })).toBe(join(dir, 'chromium'));
  expect(findChromium({ SBT_CHROMIUM: join(dir, 'missing'), PATH: dir })).toBeUndefined();
  expect(findChromium({ PATH: dir })).toBe(join(dir, 'chromium'));
  const fromKnown = findChromium({ PATH: '' });
  expect(fromKnown === undefined || KNOWN_CHROMIUM_PATHS.includes(fromKnown)).toBe(true);
});

test('a present tool gives the plain describe; a missing one prints ONE line and skips (locally)', () => {
  const writes: string[] = [];
  const spy = jest
    .spyOn(process.stderr, 'write')
    .mockImplementation((s: string | Uint8Array) => (writes.push(String(s)), true));
  try {
    expect(needsTool('x', '/bin/x', 'suite', 'apt-get install x', {}).describe).toBe(describe);
    expect(writes).toEqual([]);
    const missing = needsTool('x', undefined, 'suite', 'apt-get install x', {});
    expect(missing.describe).toBe(describe.skip);
    expect(writes).toEqual(['MISSING TOOL x: suite skipped — install it: apt-get install x\n']);
  } finally {
    spy.mockRestore();
  }
});
