/**
 * Where `npm run bundle` leaves handler archives (their hashes: src/core/file-hashes.ts, through FileAsset).
 * Archive name = `<service>-<file>` for `lambda/<service>/<file>.ts` (see scripts/bundle.ts).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

let root: string | undefined;

/**
 * Root of the package this file belongs to: the nearest folder above it with a package.json. That is the
 * repository in a checkout (src/core/, or dist/ for the esbuild-compiled app) and
 * node_modules/terraform-saas-builder-toolkit/ when installed (compiled to lib/src/core/), whose tarball
 * ships the archives in the same build/lambda/ folder (package.json `files`), and the minified registration
 * page in build/registration-page/.
 */
export function packageRoot(): string {
  if (root) return root;
  let dir = __dirname;
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return (root = dir); // fixed for this file: found once
    const parent = dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
}

/** Directory of built archives; SBT_ARCHIVE_DIR overrides it (tests, bench, or an app that bundles this library). */
export function archiveDir(): string {
  return process.env.SBT_ARCHIVE_DIR ?? join(packageRoot(), 'build', 'lambda');
}

export function archivePath(name: string): string {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) {
    throw new Error(`archive name '${name}' must be kebab-case '<service>-<handler>' (see npm run bundle)`);
  }
  return join(archiveDir(), `${name}.zip`);
}

/** Path of a built archive; throws a clear error naming the fix when it is missing. */
export function builtArchive(name: string): string {
  const path = archivePath(name);
  if (!existsSync(path)) {
    const checkout = existsSync(join(packageRoot(), 'lambda'));
    throw new Error(
      checkout
        ? `handler archive ${path} does not exist: run 'npm run bundle' (lambda/ → build/lambda/*.zip)`
        : `handler archive ${path} does not exist: the installed package lacks its build/lambda/*.zip ` +
            `(reinstall it), or point SBT_ARCHIVE_DIR at a folder holding ${name}.zip`,
    );
  }
  return path;
}
