// Writes `<folder>.hashes.json`: for each file the build just wrote into <folder>, its size, mtimeMs and ctimeMs
// (fs.Stats doubles) and its sha256 (base64) and md5 (hex). A synth takes those hashes instead of hashing the
// files again, but only while size, mtime and ctime are still the recorded ones and the record is younger
// than the file (src/core/file-hashes.ts reads it and explains the rule; the format name is shared).
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const RECORD_FORMAT = 'sbt-file-hashes/1';
const recordFileOf = (folder) => `${folder}.hashes.json`;
const MAX_WAIT_MS = 100;

const sameStat = (a, b) => a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs && a.ino === b.ino;

/** A file's entry: its stat taken before and after reading it, so a write while it is read is not recorded. */
function entryOf(file) {
  for (let attempt = 0; ; attempt++) {
    const st = statSync(file);
    const bytes = readFileSync(file);
    if (!sameStat(st, statSync(file))) {
      if (attempt < 5) continue;
      throw new Error(`${file} keeps changing while its hashes are recorded`);
    }
    return {
      size: st.size,
      mtimeMs: st.mtimeMs,
      ctimeMs: st.ctimeMs,
      sha256: createHash('sha256').update(bytes).digest('base64'),
      md5: createHash('md5').update(bytes).digest('hex'),
    };
  }
}

/** True when the record describes exactly these files as they are now and none of its entries is racy. */
export function fileHashesCurrent(folder, names) {
  try {
    const file = recordFileOf(folder);
    const written = statSync(file).mtimeMs;
    const record = JSON.parse(readFileSync(file, 'utf8'));
    if (record.format !== RECORD_FORMAT) return false;
    if (JSON.stringify(Object.keys(record.files)) !== JSON.stringify([...names].sort())) return false;
    return names.every((n) => {
      const e = record.files[n];
      const st = statSync(join(folder, n));
      return st.size === e.size && st.mtimeMs === e.mtimeMs && st.ctimeMs === e.ctimeMs && st.ctimeMs < written;
    });
  } catch {
    return false;
  }
}

/**
 * Records the hashes of `names` (files in `folder`). The record must be written in a later clock tick than
 * every file it describes (else a rewrite in that same tick would be invisible in the timestamps, and the
 * reader treats such entries as unknown): it is written to a temporary name until its mtime is past every
 * file's ctime (a few ms at most; given up after MAX_WAIT_MS, which only costs the synth a hash), then
 * renamed into place, which keeps that mtime and never shows a reader a half-written record.
 */
export function writeFileHashes(folder, names) {
  const files = {};
  for (const n of [...names].sort()) files[n] = entryOf(join(folder, n));
  const newest = Math.max(0, ...Object.values(files).map((e) => e.ctimeMs));
  const target = recordFileOf(folder);
  const tmp = `${target}.${process.pid}.tmp`;
  const text = `${JSON.stringify({ format: RECORD_FORMAT, files }, null, 2)}\n`;
  const deadline = Date.now() + MAX_WAIT_MS;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    writeFileSync(tmp, text);
    if (statSync(tmp).mtimeMs > newest || Date.now() >= deadline) break;
    Atomics.wait(pause, 0, 0, 1); // the file system clock ticks every few ms
  }
  renameSync(tmp, target);
}
