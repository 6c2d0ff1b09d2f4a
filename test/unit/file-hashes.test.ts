// The build's hash record (written by scripts/lib/file-hashes.mjs, read by src/core/file-hashes.ts) is
// taken only while it provably describes the file: same size, mtime and ctime, and written after the file.
// Anything else (a rewritten file, a changed stamp, a racy or missing or foreign record) is hashed again.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileHashes, recordFileOf } from '../../src/core/file-hashes';
import { writeHashRecord } from '../support/assets';

const computed = (file: string) => {
  const bytes = readFileSync(file);
  return {
    sha256: createHash('sha256').update(bytes).digest('base64'),
    md5: createHash('md5').update(bytes).digest('hex'),
  };
};

type Entry = { size: number; mtimeMs: number; ctimeMs: number; sha256: string; md5: string };
const readRecord = (folder: string) =>
  JSON.parse(readFileSync(recordFileOf(folder), 'utf8')) as { format: string; files: Record<string, Entry> };

/** Rewrites the record as the build does (a new file renamed into place), after `edit`. */
function editRecord(folder: string, edit: (files: Record<string, Entry>) => void, format?: string): void {
  const record = readRecord(folder);
  edit(record.files);
  if (format) record.format = format;
  const tmp = `${recordFileOf(folder)}.tmp`;
  writeFileSync(tmp, JSON.stringify(record));
  renameSync(tmp, recordFileOf(folder));
}

/** The recorded hashes replaced by markers: a result carrying them came from the record, not from hashing. */
const mark = (files: Record<string, Entry>) => {
  for (const [name, e] of Object.entries(files)) Object.assign(e, { sha256: `recorded-${name}`, md5: `md5-${name}` });
};

let folder: string;
beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'sbt-file-hashes-'));
  writeFileSync(join(folder, 'a.zip'), 'first archive');
  writeFileSync(join(folder, 'b.zip'), 'other archive');
  writeHashRecord(folder, ['a.zip', 'b.zip']);
});
afterEach(() => {
  rmSync(folder, { recursive: true, force: true });
  rmSync(recordFileOf(folder), { force: true });
});

test('the record holds each file’s sha256 (base64), md5 (hex), size and timestamps, written after the files', () => {
  const record = readRecord(folder);
  expect(record.format).toBe('sbt-file-hashes/1');
  expect(Object.keys(record.files)).toEqual(['a.zip', 'b.zip']);
  for (const name of ['a.zip', 'b.zip']) {
    const st = statSync(join(folder, name));
    expect(record.files[name]).toEqual({
      size: st.size,
      mtimeMs: st.mtimeMs,
      ctimeMs: st.ctimeMs,
      ...computed(join(folder, name)),
    });
    expect(st.ctimeMs).toBeLessThan(statSync(recordFileOf(folder)).mtimeMs);
  }
  // and the hashes a synth gets are those
  expect(fileHashes(join(folder, 'a.zip'))).toEqual(computed(join(folder, 'a.zip')));
});

test('a current record is taken as it is (nothing is hashed)', () => {
  editRecord(folder, mark);
  expect(fileHashes(join(folder, 'a.zip'))).toEqual({ sha256: 'recorded-a.zip', md5: 'md5-a.zip' });
});

test('a rewritten file (same name, same size, other bytes) is hashed again; the others still come from the record', () => {
  editRecord(folder, mark);
  writeFileSync(join(folder, 'a.zip'), 'FIRST ARCHIVE');
  expect(fileHashes(join(folder, 'a.zip'))).toEqual(computed(join(folder, 'a.zip')));
  expect(fileHashes(join(folder, 'a.zip')).sha256).toBe(createHash('sha256').update('FIRST ARCHIVE').digest('base64'));
  expect(fileHashes(join(folder, 'b.zip'))).toEqual({ sha256: 'recorded-b.zip', md5: 'md5-b.zip' });
});

test.each([
  ['size', (e: Entry) => ({ size: e.size + 1 })],
  ['mtime', (e: Entry) => ({ mtimeMs: e.mtimeMs - 0.001 })],
  ['ctime', (e: Entry) => ({ ctimeMs: e.ctimeMs - 0.001 })],
])('an entry whose %s differs from the file is not trusted', (_field, change) => {
  editRecord(folder, (files) => {
    mark(files);
    Object.assign(files['a.zip'], change(files['a.zip']));
  });
  expect(fileHashes(join(folder, 'a.zip'))).toEqual(computed(join(folder, 'a.zip')));
  expect(fileHashes(join(folder, 'b.zip'))).toEqual({ sha256: 'recorded-b.zip', md5: 'md5-b.zip' });
});

test('a racy record (not younger than the file: a rewrite in the same clock tick would look unchanged) is not trusted', () => {
  editRecord(folder, mark);
  utimesSync(recordFileOf(folder), new Date(2000, 0, 1), new Date(2000, 0, 1));
  expect(fileHashes(join(folder, 'a.zip'))).toEqual(computed(join(folder, 'a.zip')));
});

test.each([
  ['missing', () => rmSync(recordFileOf(folder))],
  ['unreadable', () => writeFileSync(recordFileOf(folder), '{ "format": "sbt-file-')],
  ['of another format', () => editRecord(folder, mark, 'sbt-file-hashes/0')],
])('the record is %s: the file is hashed', (_what, spoil) => {
  spoil();
  expect(fileHashes(join(folder, 'a.zip'))).toEqual(computed(join(folder, 'a.zip')));
});

test('a missing file throws ENOENT, as reading it would', () => {
  expect(() => fileHashes(join(folder, 'gone.zip'))).toThrow(/ENOENT/);
});
