// The bench anchor (npm run bench -- --anchor): SBT-AWS on AWS CDK, installed on demand into bench/.anchor
// (gitignored) from bench/anchor/package.json + package-lock.json — its own lockfile, never the project's.
// Reinstalled only when the anchor's lockfile changed (its hash is recorded after a successful install).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './handlers.mjs';

export const ANCHOR_SRC = join(ROOT, 'bench', 'anchor');
export const ANCHOR_DIR = join(ROOT, 'bench', '.anchor');

export function ensureAnchor({ quiet = false } = {}) {
  mkdirSync(ANCHOR_DIR, { recursive: true });
  for (const f of ['package.json', 'package-lock.json', 'sbt-app.js', 'cdk.json'])
    copyFileSync(join(ANCHOR_SRC, f), join(ANCHOR_DIR, f));
  const lockHash = createHash('sha256')
    .update(readFileSync(join(ANCHOR_SRC, 'package-lock.json')))
    .digest('hex');
  const stamp = join(ANCHOR_DIR, 'node_modules', '.anchor-lock-sha256');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === lockHash) return;
  if (!quiet) console.log('bench: installing the SBT-AWS anchor into bench/.anchor (npm ci, its own lockfile)…');
  const started = Date.now();
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: ANCHOR_DIR,
    stdio: 'inherit',
  });
  if (r.status !== 0) throw new Error(`npm ci in bench/.anchor failed (exit ${r.status})`);
  writeFileSync(stamp, lockHash);
  if (!quiet) console.log(`bench: anchor installed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}
