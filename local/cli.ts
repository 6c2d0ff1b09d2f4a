/**
 * npm run local [-- --port 3000] [-- --real-aws] [-- --json]
 * Starts the local runtime (local/runtime.ts) and prints its URL and an admin token.
 */
import { startLocalRuntime } from './runtime';

async function main() {
  const args = process.argv.slice(2);
  if (args.includes('--help')) {
    console.log(
      'usage: npm run local [-- --port N] [-- --real-aws] [-- --event-era sbt-0.9|pre-0.9] [-- --json]\nRuns the synthesized control and application planes on 127.0.0.1.',
    );
    return;
  }
  const portArg = args.indexOf('--port');
  const port = portArg >= 0 ? Number(args[portArg + 1]) : 3000;
  // A failed job or handler is reported, never the end of the runtime.
  process.on('unhandledRejection', (e) => console.error('unhandled rejection:', e));
  const eraArg = args.indexOf('--event-era');
  const eventEra = eraArg >= 0 ? args[eraArg + 1] : undefined;
  if (eventEra !== undefined && eventEra !== 'sbt-0.9' && eventEra !== 'pre-0.9') {
    console.error(`--event-era must be sbt-0.9 or pre-0.9, not '${eventEra}'`);
    process.exit(2);
  }
  const rt = await startLocalRuntime({ port, realAws: args.includes('--real-aws'), eventEra });
  const stop = () => {
    void rt.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  if (args.includes('--json')) {
    console.log(`SBT_LOCAL ${JSON.stringify({ url: rt.url, adminToken: rt.adminToken, awsCallLog: rt.awsCallLog, eventBridgeEndpoint: rt.eventBridgeEndpoint })}`);
    return;
  }
  console.log(`control plane API  ${rt.url}
admin token        ${rt.adminToken}
job aws calls      ${rt.awsCallLog}

  TOKEN=${rt.adminToken}
  curl -s -X POST ${rt.url}/tenants -H "Authorization: Bearer $TOKEN" -H 'content-type: application/json' \\
       -d '{"tenantName":"acme","email":"owner@acme.example","tier":"basic","tenantStatus":"In progress"}'
  curl -s ${rt.url}/tenants -H "Authorization: Bearer $TOKEN"
  curl -s '${rt.url}/tenant-config?tenantName=acme'

Ctrl-C stops it.`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
