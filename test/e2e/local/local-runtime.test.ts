// `npm run local` as a user runs it: a separate process, its printed URL and admin token, plain HTTP.
// It shares this suite's DynamoDB Local (AWS_ENDPOINT_URL_DYNAMODB is inherited) instead of starting one.
import { spawn, type ChildProcess } from 'child_process';
import { readFileSync } from 'fs';
import { join } from 'path';

const root = join(__dirname, '../../..');
let child: ChildProcess;
let url: string;
let token: string;
let awsCallLog: string;

beforeAll(async () => {
  child = spawn(process.execPath, [join(root, 'scripts/local.mjs'), '--port', '0', '--json'], {
    cwd: root,
    env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'SILENT' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const info = await new Promise<{ url: string; adminToken: string; awsCallLog: string }>((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith('SBT_LOCAL '));
      if (line) resolve(JSON.parse(line.slice('SBT_LOCAL '.length)));
    });
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.once('exit', (code) => reject(new Error(`local runtime exited (${code}): ${err}`)));
  });
  ({ url, adminToken: token, awsCallLog } = info);
}, 120000);

afterAll(async () => {
  if (child.exitCode === null) {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
});

const call = async (method: string, path: string, body?: unknown, auth = true) => {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(auth ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
};

test('onboard, read, configure and offboard a tenant through the local runtime', async () => {
  expect((await call('GET', '/tenants', undefined, false)).status).toBe(401);
  expect((await fetch(`${url}/tenants`, { headers: { authorization: 'Bearer not.a.token' } })).status).toBe(401);

  const created = await call('POST', '/tenants', { tenantName: 'local-acme', email: 'o@acme.example', tier: 'basic', tenantStatus: 'In progress' });
  expect(created.status).toBe(201);
  const id = created.body.data.tenantId as string;

  // the response came back after the system settled: the provisioning job already ran
  const tenant = (await call('GET', `/tenants/${id}`)).body.data;
  expect(tenant).toMatchObject({ lifecycleState: 'ACTIVE', tenantStatus: 'created' });
  expect((await call('GET', '/tenant-config?tenantName=local-acme', undefined, false)).body).toMatchObject({ tenantId: id, tier: 'basic' });
  expect((await call('POST', '/tenants', { tier: 7 })).status).toBe(400);

  expect((await call('DELETE', `/tenants/${id}`)).status).toBe(200);
  expect((await call('GET', `/tenants/${id}`)).body.data.lifecycleState).toBe('OFFBOARDED');
  const calls = readFileSync(awsCallLog, 'utf8');
  expect(calls).toContain(`create-stack --stack-name sbt-tenant-${id}`);
  expect(calls).toContain(`delete-stack --stack-name sbt-tenant-${id}`);
});
