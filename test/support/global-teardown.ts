import { rmSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';

export default async function globalTeardown(): Promise<void> {
  // The run's temp folder (global-setup.ts), with every cdktf.outdir.* Testing.app() left in it.
  const runTmp = process.env.SBT_TEST_RUN_TMPDIR;
  if (runTmp) rmSync(runTmp, { recursive: true, force: true });
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
