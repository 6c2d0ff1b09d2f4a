// Handler discovery shared by bundle, synth and bench: every lambda/<service>/<file>.ts directly inside a
// service folder is one handler; lambda/shared/ and sub-folders (domain/, …) hold code handlers import.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');
export const LAMBDA_DIR = join(ROOT, 'lambda');
export const ARCHIVE_DIR = process.env.SBT_ARCHIVE_DIR ?? join(ROOT, 'build', 'lambda');

export function discoverHandlers() {
  const out = [];
  for (const service of readdirSync(LAMBDA_DIR).sort()) {
    if (service === 'shared') continue;
    const dir = join(LAMBDA_DIR, service);
    if (!statSync(dir).isDirectory()) continue;
    for (const file of readdirSync(dir).sort()) {
      if (!file.endsWith('.ts') || file.endsWith('.d.ts') || file.endsWith('.test.ts')) continue;
      if (!statSync(join(dir, file)).isFile()) continue;
      const base = file.slice(0, -3);
      out.push({ name: `${service}-${base}`, entry: join(dir, file), service });
    }
  }
  return out;
}
