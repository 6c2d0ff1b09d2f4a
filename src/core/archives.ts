/**
 * Where `npm run bundle` leaves handler archives, and their content hashes.
 * Archive name = `<service>-<file>` for `lambda/<service>/<file>.ts` (see scripts/bundle.ts).
 */
import { createHash } from 'crypto';
import { existsSync, readFileSync } from 'fs';
import { join, resolve } from 'path';

/** Repository root: this file is src/core/archives.ts (or dist/… when compiled, two levels deeper). */
function repoRoot(): string {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'lambda'))) return dir;
    dir = resolve(dir, '..');
  }
  return process.cwd();
}

/** Directory of built archives; SBT_ARCHIVE_DIR overrides it (tests, bench). */
export function archiveDir(): string {
  return process.env.SBT_ARCHIVE_DIR ?? join(repoRoot(), 'build', 'lambda');
}

export function archivePath(name: string): string {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) {
    throw new Error(`archive name '${name}' must be kebab-case '<service>-<handler>' (see npm run bundle)`);
  }
  return join(archiveDir(), `${name}.zip`);
}

const hashes = new Map<string, string>();

/** base64 sha256 of the archive, exactly what Terraform's filebase64sha256() gives. */
export function archiveHash(name: string): string {
  const path = archivePath(name);
  let h = hashes.get(path);
  if (h) return h;
  if (!existsSync(path)) {
    throw new Error(`handler archive ${path} does not exist: run 'npm run bundle' (lambda/ → build/lambda/*.zip)`);
  }
  h = createHash('sha256').update(readFileSync(path)).digest('base64');
  hashes.set(path, h);
  return h;
}
