/**
 * Cognito for the local runtime: cognito-local (npm), a real Cognito Identity Provider API engine, in its
 * own process on a free loopback port, set up from the synthesized control plane — the user pool, the
 * admin-UI client (USER_PASSWORD_AUTH) and the machine client, and the system admin user
 * (`aws_cognito_user`) with a temporary password, as Terraform would create them. The /users handlers
 * reach it unchanged through AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER.
 *
 * cognito-local signs its own tokens (issuer `http://127.0.0.1:<port>/<pool id>`, JWKS served) but runs
 * the pre-token-generation trigger in its V1 form only and puts no resource-server scopes into access
 * tokens; the runtime's authorizer therefore applies the synthesized V2 pre-token function to a
 * cognito-local access token (see authorizer.ts), which is what Cognito does before signing.
 */
import {
  AdminCreateUserCommand,
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { join } from 'node:path';
import { freePort, waitForPort } from './free-port';
import { spawnGroup } from './processes';
import type { StackJson } from './stack-json';

export interface LocalCognito {
  readonly endpoint: string;
  readonly userPoolId: string;
  readonly issuer: string;
  readonly jwksUri: string;
  /** Client id per synthesized `aws_cognito_user_pool_client` logical name. */
  readonly clientIds: Record<string, string>;
  /** The admin-UI (USER_PASSWORD_AUTH) client's id. */
  readonly userClientId: string;
  readonly admin?: { userName: string; email: string; temporaryPassword: string };
  /** Stops the engine (its process group). */
  stop(): void;
}

type Block = Record<string, unknown>;

/** A password meeting the synthesized policy (upper, lower, digit, symbol, ≥ 8). */
function temporaryPassword(): string {
  return `Tmp-${randomBytes(6).toString('base64url')}aZ9!`;
}

export async function startLocalCognito(
  dir: string,
  cp: StackJson,
  vars: Record<string, string>,
  log: (line: string) => void,
): Promise<LocalCognito> {
  mkdirSync(join(dir, '.cognito'), { recursive: true });
  const port = await freePort();
  // Usernames are names, not e-mail aliases (cognito-local's default), as in the synthesized pool.
  writeFileSync(
    join(dir, '.cognito', 'config.json'),
    JSON.stringify({
      UserPoolDefaults: { UsernameAttributes: [] },
      TokenConfig: { IssuerDomain: `http://127.0.0.1:${port}` },
    }),
  );
  const out = createWriteStream(join(dir, 'cognito-local.log'));
  const child = spawnGroup(process.execPath, [require.resolve('cognito-local/lib/bin/start.js')], {
    cwd: dir,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', NODE_OPTIONS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.pipe(out);
  child.stderr!.pipe(out);
  try {
    await waitForPort(port, 30000);
  } catch (e) {
    if (child.pid) process.kill(-child.pid, 'SIGKILL');
    throw e;
  }
  const engine = `http://127.0.0.1:${port}`;
  const proxy = await startFidelityProxy(port);
  const endpoint = `http://127.0.0.1:${(proxy.address() as { port: number }).port}`;
  const client = new CognitoIdentityProviderClient({ endpoint });

  const pools = Object.values((cp.resource?.aws_cognito_user_pool ?? {}) as Record<string, Block>);
  if (pools.length !== 1)
    throw new Error(`expected one aws_cognito_user_pool in the control plane, found ${pools.length}`);
  const pool = pools[0]!;
  const created = await client.send(
    new CreateUserPoolCommand({
      PoolName: String(pool.name ?? 'control-plane').replace(/\$\{[^}]+\}/g, 'local'),
      UsernameAttributes: [],
      AutoVerifiedAttributes: ['email'],
      Schema: [{ Name: 'userRole', AttributeDataType: 'String', Mutable: true }],
    }),
  );
  const userPoolId = created.UserPool!.Id!;

  const clientIds: Record<string, string> = {};
  let userClientId = '';
  for (const [logical, c] of Object.entries(
    (cp.resource?.aws_cognito_user_pool_client ?? {}) as Record<string, Block>,
  )) {
    const flows = (c.explicit_auth_flows as string[] | undefined) ?? [];
    const res = await client.send(
      new CreateUserPoolClientCommand({
        UserPoolId: userPoolId,
        ClientName: String(c.name ?? logical).replace(/\$\{[^}]+\}/g, 'local'),
        ExplicitAuthFlows: flows as never,
        GenerateSecret: c.generate_secret === true,
      }),
    );
    clientIds[logical] = res.UserPoolClient!.ClientId!;
    if (flows.includes('ALLOW_USER_PASSWORD_AUTH')) userClientId = clientIds[logical]!;
  }

  let admin: LocalCognito['admin'];
  for (const u of Object.values((cp.resource?.aws_cognito_user ?? {}) as Record<string, Block>)) {
    const sub = (s: unknown) => String(s).replace(/\$\{var\.([a-z0-9_]+)\}/g, (_, v: string) => vars[v] ?? '');
    const userName = sub(u.username);
    const attrs = (u.attributes ?? {}) as Record<string, string>;
    const password = temporaryPassword();
    await client.send(
      new AdminCreateUserCommand({
        UserPoolId: userPoolId,
        Username: userName,
        TemporaryPassword: password,
        MessageAction: 'SUPPRESS', // the password is printed by the runtime instead of e-mailed
        UserAttributes: Object.entries(attrs).map(([k, v]) => ({
          Name: ['email', 'email_verified', 'sub', 'name', 'phone_number'].includes(k) ? k : `custom:${k}`,
          Value: sub(v),
        })),
      }),
    );
    admin = { userName, email: sub(attrs.email), temporaryPassword: password };
  }
  log(`cognito-local on ${endpoint}, user pool ${userPoolId}`);
  return {
    endpoint,
    userPoolId,
    issuer: `${engine}/${userPoolId}`,
    jwksUri: `${engine}/${userPoolId}/.well-known/jwks.json`,
    clientIds,
    userClientId,
    admin,
    stop: () => {
      proxy.close();
      proxy.closeAllConnections();
      if (child.pid && child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
    },
  };
}

/**
 * Where cognito-local answers differently from Cognito, for the calls our handlers make:
 * AdminUpdateUserAttributes on a user that does not exist is `NotAuthorizedException` in cognito-local
 * 5.3.0 but `UserNotFoundException` in Cognito. A loopback proxy in front of the engine corrects exactly
 * that answer (checked against the engine with AdminGetUser), so the handlers see Cognito's contract.
 */
async function startFidelityProxy(enginePort: number): Promise<Server> {
  const forward = (headers: Record<string, string | string[] | undefined>, body: Buffer, path: string) =>
    new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }>(
      (resolve, reject) => {
        const h: Record<string, string | string[]> = {};
        for (const [k, v] of Object.entries(headers)) if (v !== undefined && k !== 'content-length') h[k] = v;
        h.host = `127.0.0.1:${enginePort}`;
        h['content-length'] = String(body.length);
        const r = request({ host: '127.0.0.1', port: enginePort, method: 'POST', path, headers: h }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 500, headers: res.headers, body: Buffer.concat(chunks) }),
          );
        });
        r.on('error', reject);
        r.end(body);
      },
    );
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const body = Buffer.concat(chunks);
        if (req.method !== 'POST') {
          // JWKS and other GETs go to the engine as they are
          const r = request(
            { host: '127.0.0.1', port: enginePort, method: req.method, path: req.url, headers: req.headers },
            (up) => {
              res.writeHead(up.statusCode ?? 500, up.headers);
              up.pipe(res);
            },
          );
          r.on('error', () => res.writeHead(502).end());
          return void r.end(body);
        }
        const target = String(req.headers['x-amz-target'] ?? '');
        const out = await forward(req.headers, body, req.url ?? '/');
        if (
          target.endsWith('.AdminUpdateUserAttributes') &&
          out.status === 400 &&
          out.body.toString().includes('NotAuthorizedException')
        ) {
          const input = JSON.parse(body.toString()) as { UserPoolId: string; Username: string };
          const probe = await forward(
            { ...req.headers, 'x-amz-target': 'AWSCognitoIdentityProviderService.AdminGetUser' },
            Buffer.from(JSON.stringify({ UserPoolId: input.UserPoolId, Username: input.Username })),
            '/',
          );
          if (probe.body.toString().includes('UserNotFoundException')) {
            res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
            return void res.end(JSON.stringify({ __type: 'UserNotFoundException', message: 'User does not exist.' }));
          }
        }
        res.writeHead(out.status, out.headers);
        res.end(out.body);
      })().catch((e: unknown) => {
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(String(e));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return server;
}
