/**
 * fauxqs 1.9.2 is ESM-only ("exports" has only an `import` condition) and jest runs test files as CommonJS, so it
 * cannot be required in-process. It runs in a child Node process instead (`import { startFauxqs } from 'fauxqs'`),
 * which prints its address; the SDK clients talk to it over loopback as they would to SQS.
 */
import { spawn, type ChildProcess } from 'child_process';
import { resolve } from 'path';

export interface FauxqsProcess {
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
  const child: ChildProcess = spawn(process.execPath, ['--input-type=module', '-e', SCRIPT], {
    cwd: resolve(__dirname, '../../..'),
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  const address = await new Promise<string>((res, rej) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /FAUXQS (\S+)/.exec(out);
      if (m) res(m[1]);
    });
    child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    child.once('exit', (code) => rej(new Error(`fauxqs exited (${code}): ${err}`)));
  });
  return {
    address,
    stop: () =>
      new Promise<void>((r) => {
        process.removeListener('exit', kill);
        if (child.exitCode !== null) return r();
        child.once('exit', () => r());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 2000).unref();
      }),
  };
}
