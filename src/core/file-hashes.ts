/**
 * Content hashes of the files a synth ships (handler archives, the registration page): sha256 for
 * `source_code_hash`, md5 for cdktf's asset folder name and S3 etags.
 *
 * `npm run bundle` already hashed every file it wrote, and records that in `<folder>.hashes.json` beside the
 * folder (scripts/lib/file-hashes.mjs writes it). A synth takes a recorded hash only when it provably
 * describes the bytes on disk, and otherwise hashes the file itself, so a stale record can never reach the
 * output. A record entry is used when
 * - the file's size, mtime and ctime are still the ones recorded (`mtimeMs`, `ctimeMs`: doubles, exact to a
 *   quarter microsecond, far finer than the file system clock): any write to the file
 *   since changes its ctime, which no tool can set back (unlike mtime: `touch`, `cp -p`, tar), and
 * - the entry is not "racily clean" (git's term): file timestamps come from a coarse clock (one kernel
 *   tick), so a write in the same tick as the one recorded would leave every timestamp equal. An entry
 *   counts only if the file's ctime is older than the record's own mtime, i.e. the record was written a
 *   tick after the file; a rewrite after that gets a ctime at least the record's.
 * An installed package (npm pack rewrites mtimes, the record is not shipped), a missing or unreadable
 * record, a file written by anything else: all hash, which is correct, only slower.
 *
 * Why bother: hashing is the only use a synth has for `node:crypto`, whose loading alone costs ~5–7 ms per
 * process, more than 3 % of the SBT-scope synth the bench times (issue 11). So `node:crypto` is loaded here
 * only when something is really hashed (the synth bundle loads cdktf's and constructs' copies lazily too,
 * see scripts/lib/compile.mjs).
 */
import type * as Crypto from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { basename, dirname } from 'node:path';

let crypto: typeof Crypto | undefined;

/** A digest of `data`, loading node:crypto on first use (a top-level import would load it in every synth). */
export function digest(
  algorithm: 'md5' | 'sha1' | 'sha256',
  data: Crypto.BinaryLike,
  encoding: 'hex' | 'base64',
): string {
  // A require inside the function, not an import: this compiles to CommonJS, and the bundle keeps it deferred.
  crypto ??= require('node:crypto') as typeof Crypto;
  return crypto.createHash(algorithm).update(data).digest(encoding);
}

/** The two hashes synth needs of a file. */
export interface FileHashes {
  /** base64 sha256: what Terraform's filebase64sha256() gives (a Lambda function's `source_code_hash`). */
  readonly sha256: string;
  /** hex md5, lower case: what cdktf's TerraformAsset names the asset folder by (upper-cased), and an S3 etag. */
  readonly md5: string;
}

/** One file's entry in `<folder>.hashes.json` (the format scripts/lib/file-hashes.mjs writes). */
interface RecordEntry extends FileHashes {
  readonly size: number;
  readonly mtimeMs: number;
  readonly ctimeMs: number;
}
interface FolderRecord {
  readonly files: Readonly<Record<string, RecordEntry>>;
  /** The record file's own mtime, for the racy-entry rule. */
  readonly writtenMs: number;
}

/** The name of the record for a folder: beside it, so it never ships inside a folder the package ships. */
export const recordFileOf = (folder: string): string => `${folder}.hashes.json`;
const RECORD_FORMAT = 'sbt-file-hashes/1';

// Parsed records by folder, kept while the record file's own timestamps and size stay the same (a
// long-lived process sees a rebuilt record; a stale cached one would only cost hashing anyway).
const records = new Map<string, { stamp: string; record: FolderRecord | null }>();
// Hashes computed here, per file stamp: a file used by several constructs is read once. (A rewrite keeping
// size and all timestamps, i.e. within one clock tick of the hashing, would go unseen by this process only.)
const computed = new Map<string, { stamp: string; hashes: FileHashes }>();

function recordOf(folder: string): FolderRecord | null {
  const file = recordFileOf(folder);
  const written = statSync(file, { throwIfNoEntry: false });
  const stamp = written ? `${written.size}:${written.mtimeMs}:${written.ctimeMs}:${written.ino}` : 'none';
  const known = records.get(folder);
  if (known?.stamp === stamp) return known.record;
  let record: FolderRecord | null = null;
  if (written) {
    try {
      const json = JSON.parse(readFileSync(file, 'utf8')) as { format?: string; files?: Record<string, RecordEntry> };
      if (json.format === RECORD_FORMAT && json.files) record = { files: json.files, writtenMs: written.mtimeMs };
    } catch {
      // unreadable: hash instead
    }
  }
  records.set(folder, { stamp, record });
  return record;
}

/**
 * sha256 (base64) and md5 (hex) of a file: from the build's record when it describes the file's current
 * bytes (see above), else computed from them. Throws ENOENT for a missing file, as reading it would.
 */
export function fileHashes(path: string): FileHashes {
  const st = statSync(path);
  const stamp = `${st.size}:${st.mtimeMs}:${st.ctimeMs}:${st.ino}`;
  const record = recordOf(dirname(path));
  const name = basename(path);
  const entry = record && Object.hasOwn(record.files, name) ? record.files[name] : undefined;
  if (
    entry &&
    entry.size === st.size &&
    entry.mtimeMs === st.mtimeMs &&
    entry.ctimeMs === st.ctimeMs &&
    st.ctimeMs < (record?.writtenMs ?? 0)
  )
    return { sha256: entry.sha256, md5: entry.md5 };
  const known = computed.get(path);
  if (known?.stamp === stamp) return known.hashes;
  const bytes = readFileSync(path);
  const hashes = { sha256: digest('sha256', bytes, 'base64'), md5: digest('md5', bytes, 'hex') };
  computed.set(path, { stamp, hashes });
  return hashes;
}
