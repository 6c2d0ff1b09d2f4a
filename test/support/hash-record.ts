// The build's hash record for tests: scripts/lib/file-hashes.mjs is an ES module, so it runs in its own node process.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '../..');

/** `writeFileHashes(folder, names)` exactly as `npm run bundle` calls it. */
export function writeHashRecord(folder: string, names: string[]): void {
  const script = `import { writeFileHashes } from ${JSON.stringify(join(ROOT, 'scripts/lib/file-hashes.mjs'))};
writeFileHashes(${JSON.stringify(folder)}, ${JSON.stringify(names)});`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
}
