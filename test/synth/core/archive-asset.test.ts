// Handler archives (FileAsset, src/core/file-asset.ts) are copied into the output folder only when the copy there is not already identical;
// a changed or damaged copy, or a leftover version, is replaced exactly as cdktf would.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { archivePath } from '../../../src/core/archives';
import { synthArchiveFunction } from '../../support/assets';

const ARCHIVE = 'tenant-config-get';

const synth = (outdir: string): string => {
  const { stackDir, filename } = synthArchiveFunction(outdir, ARCHIVE, 'assets');
  return join(stackDir, filename);
};

test('an identical copy is kept, a damaged one and stale versions are replaced', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'sbt-archive-asset-'));
  try {
    const source = readFileSync(archivePath(ARCHIVE));
    const copy = synth(outdir);
    expect(readFileSync(copy).equals(source)).toBe(true);

    // unchanged: left alone (its timestamp survives the second synth)
    utimesSync(copy, new Date(2000, 0, 1), new Date(2000, 0, 1));
    expect(synth(outdir)).toBe(copy);
    expect(statSync(copy).mtime.getFullYear()).toBe(2000);

    // damaged copy: replaced
    writeFileSync(copy, 'not the archive');
    synth(outdir);
    expect(readFileSync(copy).equals(source)).toBe(true);

    // a leftover version beside it: the folder is rebuilt with only the current one
    const folder = join(copy, '..', '..');
    mkdirSync(join(folder, 'OLDHASH'));
    writeFileSync(join(folder, 'OLDHASH', `${ARCHIVE}.zip`), 'old');
    synth(outdir);
    expect(readdirSync(folder)).toHaveLength(1);
    expect(existsSync(copy) && readFileSync(copy).equals(source)).toBe(true);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
});
