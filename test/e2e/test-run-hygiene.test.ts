// A jest run leaves nothing in the temp dir: cdktf's Testing.app() outdirs, terraform's plugin cache, the
// DynamoDB Local pid file and jest's own cache all live in (or next to) the run's folder, which the global
// teardown removes. Runs a small jest in a child with a fresh TMPDIR and lists what is left.
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

test('a jest run that synthesizes stacks leaves the temp dir as it found it', () => {
  const fresh = mkdtempSync(join(tmpdir(), 'sbt-hygiene-'));
  try {
    const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: fresh };
    // The inner run gets its own run folder from its own global setup, under `fresh`.
    delete env.SBT_TEST_RUN_TMPDIR;
    delete env.JEST_WORKER_ID;
    const r = spawnSync(
      process.execPath,
      [
        join(ROOT, 'node_modules/jest/bin/jest.js'),
        '--ci',
        '--silent',
        'test/synth/marketplace/alarm-metrics.test.ts',
        'test/unit/marketplace/metrics.test.ts',
      ],
      { cwd: ROOT, env, encoding: 'utf8', timeout: 300000 },
    );
    expect({ status: r.status, output: r.status === 0 ? '' : `${r.stdout}${r.stderr}`.slice(-3000) }).toEqual({
      status: 0,
      output: '',
    });
    expect(readdirSync(fresh)).toEqual([]);
  } finally {
    rmSync(fresh, { recursive: true, force: true });
  }
});

test("the run's DynamoDB Local keeps its unpacked sqlite library in the run's folder (removed at teardown), not in /tmp", async () => {
  const runTmp = process.env.SBT_TEST_RUN_TMPDIR;
  const pidFile = runTmp && readdirSync(runTmp).find((f) => /^sbt-dynamodb-local-\d+\.pid$/.test(f));
  if (!runTmp || !pidFile || !existsSync('/proc/self/maps')) {
    console.log('skipped: no DynamoDB Local started by this run (engine given from outside) or no /proc');
    return;
  }
  // One request, so the engine has surely loaded its storage library.
  const client = new DynamoDBClient({});
  try {
    await client.send(new ListTablesCommand({ Limit: 1 }));
  } finally {
    client.destroy(); // its keep-alive socket would hold the worker open
  }
  const pid = readFileSync(join(runTmp, pidFile), 'utf8').trim();
  // The launcher may be a wrapper: the JVM is the process or one of its children.
  const pids = [
    pid,
    ...(existsSync(`/proc/${pid}/task/${pid}/children`)
      ? readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean)
      : []),
  ];
  const libs = pids
    .flatMap((p) => (existsSync(`/proc/${p}/maps`) ? readFileSync(`/proc/${p}/maps`, 'utf8').split('\n') : []))
    .filter((l) => l.includes('libsqlite4java'));
  const paths = [...new Set(libs.map((l) => l.slice(l.indexOf('/'))))];
  expect(paths.length).toBeGreaterThan(0);
  for (const p of paths) expect(p.startsWith(`${runTmp}/`)).toBe(true);
});
