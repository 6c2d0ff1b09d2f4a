import { rmSync } from 'fs';
import type { ChildProcess } from 'child_process';

export default async function globalTeardown(): Promise<void> {
  const local = (globalThis as Record<string, unknown>).__DYNAMODB_LOCAL__ as
    | { proc: ChildProcess; pidFile: string }
    | undefined;
  if (!local) return;
  const exited = new Promise<void>((resolve) => {
    if (local.proc.exitCode !== null) resolve();
    else local.proc.once('exit', () => resolve());
  });
  local.proc.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
  if (local.proc.exitCode === null) local.proc.kill('SIGKILL');
  rmSync(local.pidFile, { force: true });
}
