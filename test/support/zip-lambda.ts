/**
 * Runs handlers from their BUILT zips (build/lambda/<archive>.zip, what Terraform uploads), each function
 * in its own Node process with exactly the environment its `aws_lambda_function` declares — like a Lambda
 * execution environment — instead of requiring the TypeScript sources into the test process. (Jest cannot
 * import the zips' ES modules in-process; a process per function is also closer to Lambda: module-level
 * state, env and crashes stay per function.) Pass `loader.load` as SynthHarness `loadHandler`.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { unzipSync } from 'fflate';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { archivePath } from '../../src/core/archives';

type Handler = (event: unknown) => Promise<unknown>;

export class ZipLambdas {
  private readonly dir = mkdtempSync(join(tmpdir(), 'sbt-zips-'));
  private readonly procs = new Map<string, { child: ChildProcess; ready: Promise<void> }>();
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private seq = 0;
  /** Archives loaded, in order (what ran). */
  readonly loaded: string[] = [];

  /**
   * SynthHarness `loadHandler`: the returned handler runs in the function's process. The environment is
   * read when the process starts (SynthHarness sets process.env to the function's declared variables just
   * before invoking), keyed by archive + environment, so two functions sharing a zip get two processes.
   */
  readonly load = (archive: string): Handler => {
    return async (event: unknown) => {
      const env = { ...process.env } as Record<string, string>;
      const key = `${archive}\u0000${JSON.stringify(Object.entries(env).sort())}`;
      let p = this.procs.get(key);
      if (!p) {
        const target = join(this.dir, `${archive}-${this.procs.size}`);
        mkdirSync(target, { recursive: true });
        for (const [name, data] of Object.entries(unzipSync(readFileSync(archivePath(archive))))) {
          mkdirSync(join(target, name, '..'), { recursive: true });
          writeFileSync(join(target, name), data);
        }
        const child = fork(join(__dirname, 'zip-runner.mjs'), [target], {
          env,
          stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        });
        const ready = new Promise<void>((resolve, reject) => {
          child.once('exit', (code) =>
            reject(new Error(`${archive}: the function process exited (${code}) before it was ready`)),
          );
          child.on(
            'message',
            (m: { ready?: boolean; id?: number; result?: unknown; error?: { name: string; message: string } }) => {
              if (m.ready) return resolve();
              const waiter = this.pending.get(m.id!);
              if (!waiter) return;
              this.pending.delete(m.id!);
              if (m.error) waiter.reject(Object.assign(new Error(m.error.message), { name: m.error.name }));
              else waiter.resolve(m.result);
            },
          );
        });
        p = { child, ready };
        this.procs.set(key, p);
        this.loaded.push(archive);
      }
      await p.ready;
      const id = ++this.seq;
      const result = new Promise<unknown>((resolve, reject) => this.pending.set(id, { resolve, reject }));
      p.child.send({ id, event, functionName: archive });
      return result;
    };
  };

  async stop(): Promise<void> {
    await Promise.all(
      [...this.procs.values()].map(
        ({ child }) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          }),
      ),
    );
    rmSync(this.dir, { recursive: true, force: true });
  }
}
