/**
 * Starts the jobs' shell processes from a small helper process instead of the runtime itself.
 *
 * Why: `child_process.spawn` forks the calling process, and fork copies its page tables — synchronously,
 * on the thread that called it. The runtime holds every warm Lambda instance (worker threads, tens of MB
 * each), so a fork of it costs ~35 ms at 800 MB (measured on this machine against ~4 ms for a 10 MB
 * process), and the CodeBuild stand-in forks one `bash` per buildspec command: onboarding 100 tenants spent
 * 23 % of the runtime's main thread in `spawn` (V8 CPU profile, `npm run bench -- --only local --profile
 * <dir>`), stalling every HTTP request meanwhile. The helper is a bare Node process (~40 MB) started while the
 * runtime is still small; it forks cheaply, off the runtime's event loop.
 *
 * Each job still is the leader of its own process group (StopBuild ends the command and its children),
 * and the runtime records those groups (processes.ts `trackPid`), so a signal or a crash of the runtime
 * ends them as before; the helper also ends them when the runtime goes away (its IPC channel closes).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { track, trackPid } from './processes';

// The helper (CommonJS, run with `node -e`): spawns on request, streams output back, reports the exit.
const HELPER_SOURCE = `
const { spawn } = require('child_process');
const kids = new Map();
const send = (m) => { if (process.connected) process.send(m); };
process.on('message', (m) => {
  if (m.op === 'spawn') {
    let c;
    try {
      c = spawn(m.command, m.args, { env: m.env, cwd: m.cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      send({ id: m.id, type: 'error', message: String((e && e.message) || e) });
      return;
    }
    kids.set(m.id, c);
    c.on('spawn', () => send({ id: m.id, type: 'spawn', pid: c.pid }));
    c.stdout.setEncoding('utf8');
    c.stderr.setEncoding('utf8');
    c.stdout.on('data', (data) => send({ id: m.id, type: 'out', stream: 1, data }));
    c.stderr.on('data', (data) => send({ id: m.id, type: 'out', stream: 2, data }));
    c.on('error', (e) => { kids.delete(m.id); send({ id: m.id, type: 'error', message: e.message }); });
    c.on('close', (code, signal) => { kids.delete(m.id); send({ id: m.id, type: 'close', code, signal }); });
  } else if (m.op === 'kill') {
    const c = kids.get(m.id);
    if (c && c.pid) { try { process.kill(-c.pid, m.signal); } catch {} }
  }
});
process.on('disconnect', () => {
  for (const c of kids.values()) { if (c.pid) { try { process.kill(-c.pid, 'SIGKILL'); } catch {} } }
  process.exit(0);
});
`;

export interface SpawnedJob {
  /** Stops the job's whole process group. */
  kill(signal: NodeJS.Signals): void;
  /** Exit status: the code, 128 + signal number for a signal, 127 when it could not be started. */
  readonly exited: Promise<number>;
}

export interface JobSpawnOptions {
  env: Record<string, string>;
  cwd: string;
  /** Output as it arrives (decoded UTF-8, in order per stream). */
  onOutput: (text: string, stream: 'stdout' | 'stderr') => void;
  /** Why the command could not be started (e.g. ENOENT), for the job's log. */
  onError?: (message: string) => void;
}

interface Pending {
  o: JobSpawnOptions;
  resolve: (status: number) => void;
  untrack?: () => void;
  pid?: number;
  killed?: NodeJS.Signals;
}

const SIGNALS: Partial<Record<string, number>> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };

export class JobSpawner {
  private helper?: ChildProcess;
  private readonly jobs = new Map<number, Pending>();
  private seq = 0;

  /** Starts the helper now (do it while the calling process is small: that fork is the costly one). */
  start(): this {
    if (this.helper && this.helper.exitCode === null && this.helper.signalCode === null && this.helper.connected)
      return this;
    const helper = track(
      spawn(process.execPath, ['-e', HELPER_SOURCE], {
        detached: true,
        stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
      }),
    );
    helper.on(
      'message',
      (m: {
        id: number;
        type: 'spawn' | 'out' | 'error' | 'close';
        pid?: number;
        stream?: 1 | 2;
        data?: string;
        message?: string;
        code?: number | null;
        signal?: string | null;
      }) => {
        const job = this.jobs.get(m.id);
        if (!job) return;
        if (m.type === 'spawn') {
          job.pid = m.pid;
          job.untrack = trackPid(m.pid!);
          if (job.killed) this.kill(m.id, job.killed);
        } else if (m.type === 'out') job.o.onOutput(m.data!, m.stream === 2 ? 'stderr' : 'stdout');
        else if (m.type === 'error') {
          job.o.onError?.(m.message!);
          this.finish(m.id, 127);
        } else if (m.type === 'close') this.finish(m.id, m.code ?? (m.signal ? 128 + (SIGNALS[m.signal] ?? 9) : 1));
      },
    );
    // Jobs running when the helper dies (killed from outside) fail instead of hanging their state machine.
    helper.once('exit', () => {
      if (this.helper === helper) this.helper = undefined;
      for (const id of [...this.jobs.keys()]) {
        this.jobs.get(id)!.o.onError?.('the job runner process exited');
        this.finish(id, 137);
      }
    });
    helper.on('error', () => undefined); // reported through 'exit'
    this.helper = helper;
    this.idle();
    return this;
  }

  /** Runs `command args` as the leader of a new process group. */
  spawn(command: string, args: string[], o: JobSpawnOptions): SpawnedJob {
    this.start();
    const id = ++this.seq;
    const exited = new Promise<number>((resolve) => this.jobs.set(id, { o, resolve }));
    this.busy();
    this.helper!.send({ op: 'spawn', id, command, args, env: o.env, cwd: o.cwd });
    return { exited, kill: (signal) => this.kill(id, signal) };
  }

  /** Ends the helper (running jobs are killed by it as its channel closes). */
  stop(): void {
    const h = this.helper;
    this.helper = undefined;
    if (h?.connected) h.disconnect();
  }

  private kill(id: number, signal: NodeJS.Signals): void {
    const job = this.jobs.get(id);
    if (!job) return;
    if (job.pid === undefined) {
      job.killed = signal; // not started yet: killed as soon as it is
      return;
    }
    try {
      process.kill(-job.pid, signal); // directly: the helper may be busy, and the group is ours to end
    } catch {
      /* already gone */
    }
  }

  private finish(id: number, status: number): void {
    const job = this.jobs.get(id);
    if (!job) return;
    this.jobs.delete(id);
    job.untrack?.();
    job.resolve(status);
    if (!this.jobs.size) this.idle();
  }

  // The helper's channel keeps this process alive only while jobs run (an idle runtime, or a test that
  // ran a state machine, exits normally; the helper then sees its channel close and exits too).
  private busy(): void {
    this.helper?.channel?.ref();
    this.helper?.ref();
  }

  private idle(): void {
    this.helper?.channel?.unref();
    this.helper?.unref();
  }
}

let shared: JobSpawner | undefined;

/** The process-wide job spawner (one helper per runtime). */
export function jobSpawner(): JobSpawner {
  shared ??= new JobSpawner();
  return shared;
}
