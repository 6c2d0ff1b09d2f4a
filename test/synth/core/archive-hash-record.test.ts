// A function's `source_code_hash` and its archive's asset folder come from `npm run bundle`'s hash record
// while it describes the zip (src/core/file-hashes.ts), and from the zip's own bytes as soon as it does not:
// a zip rewritten under the same name gives the new hashes. Either way the output is byte for byte what
// hashing gives (cdktf names the asset folder by the upper-case md5 of the file).
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { archivePath } from '../../../src/core/archives';
import { recordFileOf } from '../../../src/core/file-hashes';
import { filesUnder, synthArchiveFunction, writeHashRecord } from '../../support/assets';

const ARCHIVE = 'tenant-config-get';
const ZIP = `${ARCHIVE}.zip`;
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('base64');
const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

let dir: string; // SBT_ARCHIVE_DIR for the test: a copy of the built archive
let out: string;
const saved = process.env.SBT_ARCHIVE_DIR;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sbt-hash-record-'));
  out = mkdtempSync(join(tmpdir(), 'sbt-hash-record-out-'));
  copyFileSync(archivePath(ARCHIVE), join(dir, ZIP)); // from build/lambda (SBT_ARCHIVE_DIR not yet set)
  process.env.SBT_ARCHIVE_DIR = dir;
  writeHashRecord(dir, [ZIP]);
});
afterEach(() => {
  if (saved === undefined) delete process.env.SBT_ARCHIVE_DIR;
  else process.env.SBT_ARCHIVE_DIR = saved;
  for (const p of [dir, out, recordFileOf(dir)]) rmSync(p, { recursive: true, force: true });
});

/** Synthesizes one function from the archive into `outdir`: its `source_code_hash` and `filename`. */
function synth(outdir: string): { hash: string; filename: string } {
  const { hash, filename } = synthArchiveFunction(outdir, ARCHIVE, 'fn');
  return { hash, filename };
}

/** What the output must say for these zip bytes. */
const expected = (bytes: Buffer) => ({
  hash: sha256(bytes),
  filename: `assets/archive-${ARCHIVE}/${md5(bytes).toUpperCase()}/${ZIP}`,
});

test('the recorded hashes are the ones synthesized (the zip is not hashed again)', () => {
  // markers in place of the recorded hashes, rewritten as the build writes the record (renamed into place)
  const record = JSON.parse(readFileSync(recordFileOf(dir), 'utf8'));
  Object.assign(record.files[ZIP], { sha256: 'recorded-sha256', md5: 'abcdef0123456789abcdef0123456789' });
  writeFileSync(`${recordFileOf(dir)}.tmp`, JSON.stringify(record));
  renameSync(`${recordFileOf(dir)}.tmp`, recordFileOf(dir));
  expect(synth(out)).toEqual({
    hash: 'recorded-sha256',
    filename: `assets/archive-${ARCHIVE}/ABCDEF0123456789ABCDEF0123456789/${ZIP}`,
  });
});

test('a zip rewritten under the same name (same size, other bytes) gives its new hashes, never the recorded ones', () => {
  const original = readFileSync(join(dir, ZIP));
  expect(synth(out)).toEqual(expected(original));

  const changed = Buffer.from(original);
  changed[changed.length - 1] ^= 0xff; // the zip comment length's high byte: same size, other bytes
  writeFileSync(join(dir, ZIP), changed);
  const second = mkdtempSync(join(tmpdir(), 'sbt-hash-record-out-'));
  try {
    const now = synth(second);
    expect(now).toEqual(expected(changed));
    expect(now.hash).not.toBe(sha256(original));
    expect(readFileSync(join(second, 'stacks/fn', now.filename)).equals(changed)).toBe(true);
  } finally {
    rmSync(second, { recursive: true, force: true });
  }
});

test('with the record and without it (hashing the zip), every output file is byte-identical', () => {
  synth(out);
  rmSync(recordFileOf(dir));
  const hashed = mkdtempSync(join(tmpdir(), 'sbt-hash-record-out-'));
  try {
    expect(synth(hashed)).toEqual(expected(readFileSync(join(dir, ZIP))));
    expect(filesUnder(out)).toEqual(filesUnder(hashed));
    expect(Object.keys(filesUnder(out))).toContain(join('stacks/fn', expected(readFileSync(join(dir, ZIP))).filename));
  } finally {
    rmSync(hashed, { recursive: true, force: true });
  }
});
