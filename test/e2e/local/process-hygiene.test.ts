// `npm run local` cleans up after itself: a signal to npm ends every process it started (the runtime,
// DynamoDB Local's JVM, cognito-local, fauxqs) and closes every port; its temp files go with it; a busy port is
// one clear line; every script answers --help with its own usage.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, connect, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, type LocalInfo } from './start-local';

/** Pids of every process below `pid` (from /proc). */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(d)]);
    } catch {
      /* exited meanwhile */
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const c of children.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/.test(stat); // a zombie has exited
  } catch {
    return false;
  }
};

const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });

/** Resolves once `check` holds (polled; the test's timeout bounds the wait). */
async function until(check: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((r) => setTimeout(r, 100));
}

async function startViaNpm(env: NodeJS.ProcessEnv, ownGroup: boolean) {
  const npm = spawn('npm', ['run', '--silent', 'local', '--', '--port', '0', '--json'], {
    cwd: ROOT,
    detached: ownGroup,
    env: { ...env, POWERTOOLS_LOG_LEVEL: 'SILENT' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const info = await new Promise<LocalInfo>((resolve, reject) => {
    npm.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith('SBT_LOCAL '));
      if (line) resolve(JSON.parse(line.slice('SBT_LOCAL '.length)));
    });
    npm.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    npm.once('exit', (code) => reject(new Error(`npm run local exited (${code}): ${out}`)));
  });
  return { npm, info };
}

// 'npm': the signal to npm alone (kill <npm pid>); 'its process group': to npm and the runtime at once, as
// Ctrl-C in a terminal or a supervisor (e.g. coreutils timeout) sends it — the runtime gets it twice.
describe.each([
  ['SIGTERM', 'npm', 'its own DynamoDB Local'],
  ['SIGINT', 'npm', 'the shared DynamoDB Local'],
  ['SIGINT', 'its process group', 'the shared DynamoDB Local'],
] as const)('%s to %s (runtime with %s)', (signal, target, dynamo) => {
  test('stops every process it started, closes every port and leaves no temp file', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'sbt-hygiene-'));
    const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: tmp };
    if (dynamo === 'its own DynamoDB Local') delete env.AWS_ENDPOINT_URL_DYNAMODB;
    const { npm, info } = await startViaNpm(env, target === 'its process group');
    const started = descendants(npm.pid!);
    const ports = [Number(new URL(info.url).port), Number(new URL(info.cognito.endpoint).port)];
    // the marketplace stack's queue engine (fauxqs, a child process) and the Marketplace fake
    if (info.marketplace)
      ports.push(
        Number(new URL(info.marketplace.queueEndpoint).port),
        Number(new URL(info.marketplace.marketplaceEndpoint).port),
      );
    for (const p of ports) expect(await accepts(p)).toBe(true);
    if (dynamo === 'its own DynamoDB Local') {
      expect(started.some((p) => readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('DynamoDBLocal.jar'))).toBe(true);
    }
    expect(readdirSync(tmp).length).toBeGreaterThan(0); // the runtime's work folder exists while it runs
    // a client holding a kept-alive connection (fetch keeps it for a few seconds) must not delay the stop
    expect((await fetch(`${info.url}/_local/api/state`)).status).toBe(200);

    if (target === 'npm') npm.kill(signal);
    else process.kill(-npm.pid!, signal);
    await until(() => started.every((p) => !alive(p)));
    for (const p of ports) expect(await accepts(p)).toBe(false);
    await until(() => readdirSync(tmp).length === 0); // work folder, cdktf out dir, the JVM's sqlite library: all gone
    rmSync(tmp, { recursive: true, force: true });
  }, 240000);
});

// A signal while the runtime is still starting (here: DynamoDB Local's JVM is up, the runtime waits for its
// port; cognito-local and the API are not ready yet) must still end what was started and remove the work
// folder — nothing has a stop() to call yet.
describe.each([
  ['SIGTERM', 'npm'],
  ['SIGINT', 'the runtime'],
] as const)('%s to %s during startup', (signal, target) => {
  test('stops what was started so far and leaves no temp file', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'sbt-hygiene-start-'));
    const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: tmp, POWERTOOLS_LOG_LEVEL: 'SILENT' };
    delete env.AWS_ENDPOINT_URL_DYNAMODB; // its own JVM: the slow first step, and a process to leave behind
    const child =
      target === 'npm'
        ? spawn('npm', ['run', '--silent', 'local', '--', '--port', '0', '--json'], {
            cwd: ROOT,
            env,
            stdio: ['ignore', 'pipe', 'pipe'],
          })
        : spawn(process.execPath, [join(ROOT, 'scripts/local.mjs'), '--port', '0', '--json'], {
            cwd: ROOT,
            env,
            stdio: ['ignore', 'pipe', 'pipe'],
          });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise((r) => child.once('exit', r));
    const jvm = () =>
      descendants(child.pid!).filter((p) => {
        try {
          return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('DynamoDBLocal.jar');
        } catch {
          return false;
        }
      });
    await until(() => jvm().length > 0 || child.exitCode !== null);
    expect(child.exitCode).toBeNull();
    const started = descendants(child.pid!);
    expect(readdirSync(tmp).length).toBeGreaterThan(0); // the work folder (the JVM's sqlite library goes there)

    child.kill(signal);
    await exited;
    await until(() => started.every((p) => !alive(p)));
    await until(() => readdirSync(tmp).length === 0);
    expect(out).not.toContain('SBT_LOCAL '); // it was stopped before it was ready
    rmSync(tmp, { recursive: true, force: true });
  }, 240000);
});

test('a busy port is one clear line naming --port, and nothing is started', async () => {
  const busy: Server = createServer();
  await new Promise<void>((r) => busy.listen(0, '127.0.0.1', () => r()));
  const port = (busy.address() as { port: number }).port;
  try {
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts/local.mjs'), '--port', String(port)], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 60000,
    });
    expect(r.status).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`port ${port} is in use`);
    expect(lines[0]).toContain('--port');
    expect(r.stdout).toBe('');
  } finally {
    busy.close();
  }
});

test.each([
  ['bundle', 'usage: npm run bundle'],
  ['synth', 'usage: npm run synth'],
  ['modules', 'usage: npm run modules'],
  ['bench', 'usage: npm run bench'],
  ['test', 'usage: npm test'],
  ['validate', 'usage: npm run validate'],
  ['local', 'usage: npm run local'],
])('scripts/%s.mjs --help prints its own usage', (script, usage) => {
  const r = spawnSync(process.execPath, [join(ROOT, `scripts/${script}.mjs`), '--help'], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120000,
  });
  expect(r.status).toBe(0);
  expect(r.stdout.startsWith(usage)).toBe(true);
  if (script !== 'bundle') expect(r.stdout).not.toContain('usage: npm run bundle');
});
