/**
 * Every process the local runtime starts (DynamoDB Local's JVM, cognito-local, job shells) is started in
 * its own process group and recorded here, so stopping the runtime — by `stop()`, a signal, a crash or
 * its parent (npm) going away — takes all of them with it: no JVM keeps the port, no job outlives it.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { rmSync } from 'node:fs';

const running = new Set<ChildProcess>();
/** Process groups started by a helper on our behalf (job shells; local/job-spawner.ts), by leader pid. */
const groups = new Set<number>();
const folders = new Set<string>();

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (!child.pid || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal); // the whole group: a shell's own children too
  } catch {
    try {
      child.kill(signal);
    } catch {
      /* already gone */
    }
  }
}

/** Records a child started elsewhere (it must have been spawned `detached`, i.e. as a group leader). */
export function track(child: ChildProcess): ChildProcess {
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}

/** `spawn`, as the leader of a new process group that `killAll` ends. */
export function spawnGroup(command: string, args: string[], options: SpawnOptions = {}): ChildProcess {
  return track(spawn(command, args, { ...options, detached: true }));
}

/** Records a process group another process started for us (its leader's pid); returns the un-record function. */
export function trackPid(pid: number): () => void {
  groups.add(pid);
  return () => groups.delete(pid);
}

/** Signals every recorded group (synchronous, so it also works from an `exit` handler). */
export function killAll(signal: NodeJS.Signals = 'SIGKILL'): void {
  for (const pid of groups) {
    try {
      process.kill(-pid, signal);
    } catch {
      /* already gone */
    }
  }
  for (const c of running) killGroup(c, signal);
}

/** Number of recorded processes still running. */
export function runningCount(): number {
  return running.size + groups.size;
}

/**
 * Removes `dir` when this process exits, however it exits (a signal during startup, a crash, a stop past
 * its deadline) — unless `forget` was called first (the owner removed it itself). Returns `forget`.
 */
export function removeOnExit(dir: string): () => void {
  folders.add(dir);
  return () => folders.delete(dir);
}

/** Synchronously removes every folder registered with `removeOnExit` (after the processes using them were killed). */
export function removeFolders(): void {
  for (const d of folders) {
    try {
      rmSync(d, { recursive: true, force: true });
    } catch {
      /* best effort: the others must still go */
    }
  }
  folders.clear();
}

process.once('exit', () => {
  killAll('SIGKILL');
  removeFolders();
});

/**
 * Calls `onOrphaned` when the process that started us exits (npm killed with SIGTERM does not pass the
 * signal on to its script's shell's children; our parent id then changes). Polls every 250 ms, unref'd.
 */
export function watchParent(onOrphaned: () => void): void {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid !== parent) {
      clearInterval(timer);
      onOrphaned();
    }
  }, 250);
  timer.unref();
}
