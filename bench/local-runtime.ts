/**
 * The local runtime under load (npm run bench): `npm run local` started as users start it (its own
 * process, its own DynamoDB Local and cognito-local), driven over loopback HTTP by this process.
 * - authorized `GET /tenants/{id}` at concurrency 10 (JWT check + the tenant-management handler +
 *   DynamoDB GetItem): requests per second over a fixed number of requests after a warm-up.
 *   Target (issue 14): ≥ 1,000 req/s.
 * - 100 tenants onboarded at concurrency 10: `POST /tenants` answers once the system settled for that
 *   request (onboarding event → billing + the provisioning state machine → the bash job → results →
 *   ACTIVE); every tenant is read back and must be ACTIVE. Target: < 30 s.
 * Both share the machine's cores with the runtime, its JVM and the client, like a developer laptop.
 */
import { spawn } from 'child_process';
import { Agent, request } from 'http';
import { loadavg } from 'os';
import { join } from 'path';

export const TARGET_GETS_PER_SECOND = 1000;
export const TARGET_ONBOARD_SECONDS = 30;

export interface LocalRuntimeBench {
  gets: { concurrency: number; requests: number; seconds: number; perSecond: number; p50Ms: number; p99Ms: number; non200: number };
  onboarding: { concurrency: number; tenants: number; seconds: number; allActive: boolean; states: Record<string, number>; failedPosts: number };
  /** 1-minute load average when the bench ended (the machine is shared: read the figures against it). */
  loadAverage: number;
  startupSeconds: number;
}

interface Res {
  status: number;
  body: string;
}

function client(base: string, token: string) {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const u = new URL(base);
  return (method: string, path: string, body?: unknown): Promise<Res> =>
    new Promise((resolve, reject) => {
      const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      const req = request(
        {
          host: u.hostname,
          port: u.port,
          method,
          path,
          agent,
          headers: { authorization: `Bearer ${token}`, ...(data ? { 'content-type': 'application/json', 'content-length': data.length } : {}) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        },
      );
      req.on('error', reject);
      req.end(data);
    });
}

/** Runs `total` calls of `fn` with at most `concurrency` in flight; returns each call's latency. */
async function pool(total: number, concurrency: number, fn: (i: number) => Promise<void>): Promise<number[]> {
  const lat: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        const t = performance.now();
        await fn(i);
        lat.push(performance.now() - t);
      }
    }),
  );
  return lat.sort((a, b) => a - b);
}

export async function runLocalRuntimeBench(root: string, o: { gets?: number; tenants?: number; concurrency?: number } = {}): Promise<LocalRuntimeBench> {
  const concurrency = o.concurrency ?? 10;
  const env: NodeJS.ProcessEnv = { ...process.env, POWERTOOLS_LOG_LEVEL: 'SILENT' };
  delete env.AWS_ENDPOINT_URL_DYNAMODB;
  const started = performance.now();
  const child = spawn(process.execPath, [join(root, 'dist/local/cli.js'), '--port', '0', '--json'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  try {
    const info = await new Promise<{ url: string; adminToken: string }>((resolve, reject) => {
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const line = out.split('\n').find((l) => l.startsWith('SBT_LOCAL '));
        if (line) resolve(JSON.parse(line.slice('SBT_LOCAL '.length)));
        if (out.length > 1e6) out = out.slice(-1e5); // job output is not needed here
      });
      child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
      child.once('exit', (code) => reject(new Error(`local runtime exited (${code}): ${out.slice(-2000)}`)));
    });
    const startupSeconds = (performance.now() - started) / 1000;
    const call = client(info.url, info.adminToken);

    // Onboarding first (it also gives the GETs real tenants to read).
    const tenants = o.tenants ?? 100;
    const ids: string[] = [];
    let failedPosts = 0;
    const t0 = performance.now();
    await pool(tenants, concurrency, async (i) => {
      const r = await call('POST', '/tenants', { tenantName: `bench-${i}-${Date.now()}`, email: `o${i}@bench.example`, tier: 'basic' });
      if (r.status !== 201) {
        failedPosts++;
        return;
      }
      ids.push((JSON.parse(r.body) as { data: { tenantId: string } }).data.tenantId);
    });
    const onboardSeconds = (performance.now() - t0) / 1000;
    const states: Record<string, number> = {};
    for (const id of ids) {
      const s = (JSON.parse((await call('GET', `/tenants/${id}`)).body) as { data: { lifecycleState: string } }).data.lifecycleState;
      states[s] = (states[s] ?? 0) + 1;
    }

    // Authorized GETs: warm-up (instances, JIT, token cache), then the measured run.
    const gets = o.gets ?? 5000;
    let non200 = 0;
    const get = async (i: number) => {
      const r = await call('GET', `/tenants/${ids[i % ids.length]}`);
      if (r.status !== 200) non200++;
    };
    await pool(500, concurrency, get);
    non200 = 0;
    const g0 = performance.now();
    const lat = await pool(gets, concurrency, get);
    const seconds = (performance.now() - g0) / 1000;
    return {
      loadAverage: Number(loadavg()[0]!.toFixed(1)),
      startupSeconds: Number(startupSeconds.toFixed(1)),
      gets: {
        concurrency,
        requests: gets,
        seconds: Number(seconds.toFixed(2)),
        perSecond: Math.round(gets / seconds),
        p50Ms: Number(lat[Math.floor(lat.length / 2)]!.toFixed(1)),
        p99Ms: Number(lat[Math.floor(lat.length * 0.99)]!.toFixed(1)),
        non200,
      },
      onboarding: { concurrency, tenants, seconds: Number(onboardSeconds.toFixed(1)), allActive: states.ACTIVE === tenants, states, failedPosts },
    };
  } finally {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
  }
}
