// Starts `npm run local` as a user runs it (scripts/local.mjs in a separate process, --json) and reads its
// printed URL, tokens and admin sign-in. By default it shares this suite's DynamoDB Local
// (AWS_ENDPOINT_URL_DYNAMODB is inherited) instead of starting one.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export const ROOT = join(__dirname, '../../..');

export interface LocalInfo {
  url: string;
  adminToken: string;
  tokens: Record<string, string>;
  awsCallLog: string;
  /** The runtime's bus (PutEvents) endpoint. */
  eventBridgeEndpoint: string;
  console: string;
  cognito: {
    endpoint: string;
    userPoolId: string;
    clientId: string;
    admin?: { userName: string; temporaryPassword: string };
  };
  /** The marketplace stack's local endpoints (absent with --no-marketplace). */
  marketplace?: {
    productCode: string;
    fulfillmentUrl: string;
    pageUrl: string;
    queueEndpoint: string;
    marketplaceEndpoint: string;
    tables: Record<string, string>;
    queues: Record<string, string>;
  };
}

export interface StartedLocal {
  child: ChildProcess;
  info: LocalInfo;
  /** Everything the runtime printed so far (stdout + stderr). */
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export async function startLocal(args: string[] = [], env: NodeJS.ProcessEnv = process.env): Promise<StartedLocal> {
  const child = spawn(process.execPath, [join(ROOT, 'scripts/local.mjs'), '--port', '0', '--json', ...args], {
    cwd: ROOT,
    env: { ...env, POWERTOOLS_LOG_LEVEL: 'SILENT' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const info = await new Promise<LocalInfo>((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith('SBT_LOCAL '));
      if (line) resolve(JSON.parse(line.slice('SBT_LOCAL '.length)));
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => reject(new Error(`local runtime exited (${code}): ${out}`)));
  });
  return {
    child,
    info,
    output: () => out,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill(signal);
      await exited;
    },
  };
}

/**
 * `POST /tenants` with the admin token, 201 expected; the new tenant's id. The runtime answers once the
 * system has settled for the request, so the provisioning job has run by then.
 */
export async function onboardTenant(
  info: LocalInfo,
  tenant: { tenantName: string; email: string; tier: string },
): Promise<string> {
  const created = await call(info, 'POST', '/tenants', tenant);
  expect(created.status).toBe(201);
  return created.body.data.tenantId as string;
}

export async function call(
  info: LocalInfo,
  method: string,
  path: string,
  body?: unknown,
  token: string | null = info.adminToken,
) {
  const res = await fetch(`${info.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: any;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = text;
  }
  return { status: res.status, body: parsed };
}
