/**
 * npm run local [-- --port 3000] [-- --real-aws] [-- --json] [-- --token <spec>]…
 * Starts the local runtime (local/runtime.ts) and prints its URL, tokens and the system admin's sign-in.
 * Stops everything it started on SIGINT/SIGTERM, and when its parent (npm) goes away.
 */
import { parseArgs } from 'node:util';
import { killAll, watchParent } from './processes';
import { parseTokenSpec, startLocalRuntime, type TokenSpec } from './runtime';

export const USAGE = `usage: npm run local [-- options]
Runs the synthesized control and application planes on 127.0.0.1: the API (JWT authorizer, every route),
DynamoDB Local, cognito-local (users), EventBridge rules, provisioning jobs, and a live console; and the
marketplace stack beside them: registration page and endpoint, a loopback AWS Marketplace, notifications
through fauxqs (SQS/SNS), the metering job on demand (docs/marketplace.md, "Locally").

options:
  --port <n>        API port (default 3000; 0 = any free port)
  --token <spec>    also print a token for <spec>: 'user:<name>' (that user's role scopes) or
                    'scopes:<s1,s2>' (e.g. scopes:tenant/tenant_read); repeatable
  --real-aws        jobs use the 'aws' on your PATH instead of the local CloudFormation stand-in
  --event-era <e>   which SBT era's event names both planes emit: sbt-0.9 (default) or pre-0.9
  --no-marketplace  do not run the marketplace stack (starts faster)
  --json            print one line 'SBT_LOCAL {json}' (url, tokens, admin sign-in) instead of the guide
  -h, --help        this text

Tokens while it runs: curl -s -X POST <url>/_local/token -d '{"scopes":["tenant/tenant_read"]}'  or  -d '{"user":"admin"}'
Console: <url>/_local/console
Marketplace: POST <url>/_local/marketplace/subscribe, then <url>/landing (the fulfillment URL), <url>/register,
  POST <url>/_local/marketplace/notify -d '{"action":"subscribe-success","customerIdentifier":"…"}', …/usage, …/meter`;

function fail(message: string): never {
  console.error(`npm run local: ${message}`);
  process.exit(2);
}

async function main() {
  let values: {
    port?: string;
    token?: string[];
    'real-aws'?: boolean;
    'event-era'?: string;
    'no-marketplace'?: boolean;
    json?: boolean;
    help?: boolean;
  };
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string' },
        token: { type: 'string', multiple: true },
        'real-aws': { type: 'boolean' },
        'event-era': { type: 'string' },
        'no-marketplace': { type: 'boolean' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    fail(`${(e as Error).message}\n${USAGE}`);
  }
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const port = values.port === undefined ? 3000 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    fail(`--port must be an integer 0-65535, not '${values.port}'`);
  const eventEra = values['event-era'];
  if (eventEra !== undefined && eventEra !== 'sbt-0.9' && eventEra !== 'pre-0.9')
    fail(`--event-era must be sbt-0.9 or pre-0.9, not '${eventEra}'`);
  let specs: { text: string; spec: TokenSpec }[];
  try {
    specs = (values.token ?? []).map((text) => ({ text, spec: parseTokenSpec(text) }));
  } catch (e) {
    fail((e as Error).message);
  }

  // A failed job or handler is reported, never the end of the runtime.
  process.on('unhandledRejection', (e) => console.error('unhandled rejection:', e));
  let stopping = false;
  let rt: Awaited<ReturnType<typeof startLocalRuntime>> | undefined;
  const stop = (why: string) => {
    if (stopping) return;
    stopping = true;
    if (!values.json) console.error(`\nstopping (${why})…`);
    // Everything this process started is ended within the 2 s budget, orderly or not.
    const hard = setTimeout(() => {
      rt?.abort();
      killAll('SIGKILL');
      process.exit(0);
    }, 1500);
    hard.unref();
    void (rt ? rt.stop() : Promise.resolve()).finally(() => {
      rt?.abort();
      killAll('SIGKILL');
      process.exit(0);
    });
  };
  // `on`, not `once`: the same signal often arrives twice (e.g. npm forwards it and a supervisor signals
  // the whole process group); a second one must not hit Node's default action and end us before the
  // engines are stopped. The stop is bounded by its own deadline, so later signals are ignored.
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, () => {
      if (!stopping) stop(sig);
    });
  }
  watchParent(() => stop('parent exited'));
  process.once('exit', () => rt?.abort()); // a crash too: no engine, job or temp folder outlives us

  try {
    rt = await startLocalRuntime({
      port,
      realAws: values['real-aws'],
      eventEra,
      marketplace: !values['no-marketplace'],
    });
  } catch (e) {
    const err = e as Error & { code?: string };
    if (err.code === 'EADDRINUSE') fail(err.message);
    throw e;
  }
  if (stopping) return void (await rt.stop());
  const tokens: Record<string, string> = {};
  for (const { text, spec } of specs) {
    try {
      tokens[text] = await rt.mintToken(spec);
    } catch (e) {
      console.error(`--token ${text}: ${(e as Error).message}`);
    }
  }
  const admin = rt.cognito.admin;
  if (values.json) {
    console.log(
      `SBT_LOCAL ${JSON.stringify({ url: rt.url, adminToken: rt.adminToken, tokens, awsCallLog: rt.awsCallLog, eventBridgeEndpoint: rt.eventBridgeEndpoint, cognito: rt.cognito, console: `${rt.url}/_local/console`, marketplace: rt.marketplace })}`,
    );
    return;
  }
  console.log(`control plane API  ${rt.url}
console            ${rt.url}/_local/console
admin token        ${rt.adminToken}
${Object.entries(tokens)
  .map(([k, v]) => `token ${k.padEnd(12)} ${v}\n`)
  .join('')}job aws calls      ${rt.awsCallLog}
cognito-local      ${rt.cognito.endpoint}  pool ${rt.cognito.userPoolId}  client ${rt.cognito.clientId}
${admin ? `system admin       ${admin.userName} / temporary password ${admin.temporaryPassword}\n` : ''}${
  rt.marketplace
    ? `marketplace        product ${rt.marketplace.productCode}  fulfillment URL ${rt.marketplace.fulfillmentUrl}  page ${rt.marketplace.pageUrl}
                   queues (fauxqs) ${rt.marketplace.queueEndpoint}  Marketplace fake ${rt.marketplace.marketplaceEndpoint}  (docs/marketplace.md, "Locally")
`
    : ''
}
  TOKEN=${rt.adminToken}
  curl -s -X POST ${rt.url}/tenants -H "Authorization: Bearer $TOKEN" -H 'content-type: application/json' \\
       -d '{"tenantName":"acme","email":"owner@acme.example","tier":"basic"}'
  curl -s ${rt.url}/tenants -H "Authorization: Bearer $TOKEN"
  curl -s -X POST ${rt.url}/_local/token -d '{"scopes":["tenant/tenant_read"]}'

Ctrl-C stops it.`);
}

main().catch((e) => {
  console.error(e);
  killAll('SIGKILL');
  process.exit(1);
});
