/**
 * fauxqs (an SNS/SQS emulator) as a child process: fauxqs 1.9.2 is ESM-only ("exports" has only an `import`
 * condition) while jest and the local runtime's bundle run as CommonJS, so it runs in its own Node process
 * (`import { startFauxqs } from 'fauxqs'`), which prints its address; SDK clients talk to it over loopback as
 * they would to SQS/SNS. The process leads its own process group and is recorded (local/processes.ts), so
 * stopping the local runtime — or a crash, or its parent going away — ends it too.
 */
import type { ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { spawnGroup } from './processes';

export interface FauxqsProcess {
  /** `http://127.0.0.1:<port>`: the endpoint of both SQS and SNS. */
  address: string;
  stop(): Promise<void>;
}

const SCRIPT = `
import { startFauxqs } from 'fauxqs';
const server = await startFauxqs({ port: 0, logger: false, host: '127.0.0.1' });
process.stdout.write('FAUXQS http://127.0.0.1:' + server.port + '\\n');
process.on('SIGTERM', async () => { await server.stop(); process.exit(0); });
`;

export async function startFauxqsProcess(): Promise<FauxqsProcess> {
  const child: ChildProcess = spawnGroup(process.execPath, ['--input-type=module', '-e', SCRIPT], {
    // Where node_modules/fauxqs resolves from (the repository root, also from dist/local).
    cwd: resolve(__dirname, '..').replace(/\/dist$/, ''),
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  const address = await new Promise<string>((res, rej) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /FAUXQS (\S+)/.exec(out);
      if (m) res(m[1]!);
    });
    child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    child.once('exit', (code) => rej(new Error(`fauxqs exited (${code}): ${err}`)));
  });
  return {
    address,
    stop: () =>
      new Promise<void>((r) => {
        if (child.exitCode !== null || child.signalCode !== null) return r();
        child.once('exit', () => r());
        child.kill('SIGTERM');
        setTimeout(() => {
          if (child.exitCode === null && child.signalCode === null && child.pid) {
            try {
              process.kill(-child.pid, 'SIGKILL');
            } catch {
              /* already gone */
            }
          }
        }, 2000).unref();
      }),
  };
}
