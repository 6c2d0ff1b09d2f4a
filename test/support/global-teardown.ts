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
  // In-memory engine: nothing to flush, so no graceful shutdown (a JVM takes seconds to stop politely).
  local.proc.kill('SIGKILL');
  await exited;
  rmSync(local.pidFile, { force: true });
}
