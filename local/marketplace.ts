/**
 * The marketplace stack beside the planes in `npm run local`, run from its synthesized Terraform JSON:
 * - HTTP: its API routes (POST /landing — the fulfillment URL —, POST /register, the JWT-scoped admin
 *   /subscribers routes) and the registration page's bucket objects (index.html, app.js, style.css and
 *   config.js from its template with the input variables applied) on the runtime's port. In AWS these are
 *   three hosts (control-plane API, marketplace API, CloudFront); locally their paths do not overlap (checked
 *   at start), so one origin serves them — which is also what the page expects (`registerUrl: '/register'`).
 * - AWS Marketplace: the loopback fake (local/marketplace-fake.ts: ResolveCustomer, GetEntitlements,
 *   BatchMeterUsage); `subscribe()` is a buyer subscribing (a registration token and an entitlement).
 * - Notifications through a real queue engine (fauxqs): the synthesized queues (redrive to their DLQs), the
 *   legacy SNS topic subscriptions (SNS envelope kept), the synthesized EventBridge rules (us-east-1 default
 *   bus → forward rule → our bus → agreements rule → queue, patterns matched by local/event-pattern.ts), and
 *   the synthesized event source mapping polling the queue into the consumer with partial batch responses.
 * - The schedules (hourly metering, pending-access sweep) run on demand.
 * Handlers run in the runtime's LambdaPool with the environment their `aws_lambda_function` declares plus the
 * local endpoints; the control-plane events they put are delivered by the runtime's EventRouter and traced,
 * so an answer comes back once the system settled (a registration that grants access answers with the tenant
 * already ACTIVE).
 */
import {
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
  type Message,
} from '@aws-sdk/client-sqs';
import { CreateTopicCommand, PublishCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Testing } from '../src/core/cdktf';
import { FileAsset } from '../src/core/file-asset';
import { MarketplaceStack } from '../src/marketplace/marketplace-stack';
import { applyVariables } from './terraform-variables';
import { matchesPattern } from './event-pattern';
import type { EventRouter, TimelineEvent, Trace } from './event-router';
import { startFauxqsProcess, type FauxqsProcess } from './fauxqs';
import { httpEventOfRequest } from './http-event';
import { createQueue, sqsEventOf } from './sqs-queue';
import type { LambdaPool, LocalFunction } from './lambda-pool';
import { MarketplaceFake, type BilledRecord } from './marketplace-fake';
import type { StackJson } from './stack-json';
import { SynthHarness } from './synth-harness';
import { createTablesFromSynth, uniquePrefix } from './tables';

type Block = Record<string, unknown>;

/** Product code of the local listing. */
export const LOCAL_PRODUCT_CODE = 'sbtlocalproduct0000000001';
/** Contract dimensions from lowest to highest tier (the tenant's tier is the highest entitled). */
export const LOCAL_TIER_DIMENSIONS = ['basic', 'premium'];
const SELLER_ACCOUNT = '123456512334';
/** How long a notification call waits for the consumer (first delivery; retries are SQS's business). */
const NOTIFY_TIMEOUT_MS = 120_000;

export const SNS_ACTIONS = [
  'subscribe-success',
  'subscribe-fail',
  'unsubscribe-pending',
  'unsubscribe-success',
  'entitlement-updated',
] as const;
export const EVENT_ACTIONS = [
  'license-updated',
  'license-deprovisioned',
  'agreement-created',
  'agreement-amended',
  'agreement-ended',
] as const;
export type NotifyAction = (typeof SNS_ACTIONS)[number] | (typeof EVENT_ACTIONS)[number];

/** A buyer who subscribed on the (fake) Marketplace. */
export interface LocalBuyer {
  readonly token: string;
  readonly customerIdentifier: string;
  readonly customerAWSAccountId: string;
  /** The licence as ResolveCustomer spells it. */
  readonly licenseArn: string;
  /** The licence as AWS's licence events spell it. */
  readonly eventLicenseArn: string;
  readonly agreementId: string;
  readonly offerId: string;
  readonly productCode: string;
  dimension: string;
  readonly subscribedAt: string;
}

export interface LocalMarketplaceInfo {
  readonly productCode: string;
  /** POST target of Marketplace's "Set up your account" form (the listing's fulfillment URL). */
  readonly fulfillmentUrl: string;
  /** The registration page (the landing redirects there). */
  readonly pageUrl: string;
  /** SQS and SNS endpoint (fauxqs). */
  readonly queueEndpoint: string;
  /** The Marketplace fake (AWS_ENDPOINT_URL_MARKETPLACE_METERING / _ENTITLEMENT_SERVICE). */
  readonly marketplaceEndpoint: string;
  readonly tables: Record<string, string>;
  readonly queues: Record<string, string>;
}

export interface LocalMarketplace {
  readonly info: LocalMarketplaceInfo;
  readonly fake: MarketplaceFake;
  /** Serves a marketplace API route or a registration page object; false when the request is not one. */
  serve(req: IncomingMessage, res: ServerResponse, u: URL, body: Buffer): Promise<boolean>;
  /** `/_local/marketplace[/…]`: subscribe, notify, usage, meter, sweep, state. */
  serveLocal(req: IncomingMessage, res: ServerResponse, u: URL, body: Buffer): Promise<void>;
  /** Subscriber items for the console. */
  subscribers(): Promise<Record<string, unknown>[]>;
  stop(): Promise<void>;
}

export interface LocalMarketplaceOptions {
  /** The runtime's base URL (the marketplace routes and page are served on it). */
  readonly url: string;
  readonly account: string;
  readonly busArn: string;
  /** The control plane's tenant and tenant-registration tables (buyers become tenants through its path). */
  readonly tenantTable: string;
  readonly registrationTable: string;
  /** Issuer and audiences of the admin routes' JWT authorizer (the control plane's user pool). */
  readonly adminJwt: { issuer: string; audience: string[] };
  /** Control-plane routes (`METHOD /path`): the marketplace's must not overlap them. */
  readonly controlPlaneRoutes: string[];
  readonly pool: LambdaPool;
  readonly router: EventRouter;
  /** The runtime's function factory (unpacks the built zip, reads the declared environment). */
  readonly localFunction: (h: SynthHarness, logical: string) => LocalFunction;
  /** The runtime's JWT verification (issuer, signature, expiry, audience). */
  readonly verify: (token: string) => Promise<{ claims?: Record<string, unknown>; reason?: string }>;
  readonly log: (line: string) => void;
  readonly namePrefix?: string;
  /** Folder for the synthesis (the runtime's temp folder, removed on stop). */
  readonly synthDir: string;
}

class HttpProblem extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

const hex = (n: number) => randomBytes(n).toString('hex');
const digits = (n: number) => Array.from(randomBytes(n), (b) => String(b % 10)).join('');
const ref = (value: unknown, type: string, attr: string): string | undefined =>
  new RegExp(`^\\$\\{${type}\\.([A-Za-z0-9_-]+)\\.${attr}\\}$`).exec(String(value ?? ''))?.[1];

export async function startLocalMarketplace(o: LocalMarketplaceOptions): Promise<LocalMarketplace> {
  const cleanups: (() => Promise<void> | void)[] = [];
  const stop = async () => {
    for (const c of cleanups.splice(0).reverse()) {
      try {
        await c();
      } catch {
        /* best effort */
      }
    }
  };
  let fauxqsStarting: Promise<FauxqsProcess> | undefined;
  try {
    return await boot();
  } catch (e) {
    await stop();
    await fauxqsStarting?.then(
      (f) => f.stop(),
      () => undefined,
    ); // failed before it was awaited
    throw e;
  }

  async function boot(): Promise<LocalMarketplace> {
    // The queue engine starts (a Node process) while the stack is synthesized and its tables created.
    fauxqsStarting = startFauxqsProcess();
    fauxqsStarting.catch(() => undefined); // awaited below; no unhandled-rejection report meanwhile
    // The stack as a root module would deploy it next to the control plane: its tables, bus and user pool.
    const stack = new MarketplaceStack(Testing.app({ outdir: o.synthDir }), 'marketplace', {
      productCode: LOCAL_PRODUCT_CODE,
      eventBusArn: o.busArn,
      tenantTableName: o.tenantTable,
      tenantRegistrationTableName: o.registrationTable,
      tierDimensions: LOCAL_TIER_DIMENSIONS,
      adminJwt: o.adminJwt,
      notifications: { eventBridge: true, legacySns: true },
      registrationPage: { productName: 'SBT local product' },
      deletionProtection: false,
    });
    // Input variables applied as `terraform apply` would (join/jsonencode over var.*); resource references
    // are resolved by the harness below.
    const json = applyVariables(JSON.parse(Testing.synth(stack)) as StackJson);
    const res = (type: string) => (json.resource?.[type] ?? {}) as Record<string, Block>;

    const tables = await createTablesFromSynth(json as never, uniquePrefix('local-mp'));
    const fake = await new MarketplaceFake({ setEnv: false }).start();
    cleanups.push(() => fake.stop());
    fake.products.add(LOCAL_PRODUCT_CODE);
    const fauxqs: FauxqsProcess = await fauxqsStarting;
    cleanups.push(() => fauxqs.stop());
    const awsCfg = {
      region: 'us-east-1',
      endpoint: fauxqs.address,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    };
    // fauxqs queue URLs (http://sqs.<region>.<host>:<port>/…) are not resolvable hosts: requests go to the endpoint.
    const sqs = new SQSClient({ ...awsCfg, useQueueUrlAsEndpoint: false });
    const sns = new SNSClient(awsCfg);
    cleanups.push(() => {
      sqs.destroy();
      sns.destroy();
    });

    // Queues as synthesized: dead-letter queues first, then the queues that redrive to them.
    const queueBlocks = res('aws_sqs_queue');
    const queues: Record<string, { name: string; url: string; arn: string; dlqOf?: string }> = {};
    const references: Record<string, string> = {};
    const nameOf = (logical: string, q: Block) => String(q.name ?? `${String(q.name_prefix ?? logical)}${hex(4)}`);
    const redriveOf = (q: Block) => {
      const dlq = /aws_sqs_queue\.([A-Za-z0-9_-]+)\.arn/.exec(String(q.redrive_policy ?? ''))?.[1];
      const max = /"?maxReceiveCount"?\s*=\s*(\d+)/.exec(String(q.redrive_policy ?? ''))?.[1];
      return dlq ? { dlq, max: Number(max ?? 5) } : undefined;
    };
    const ordered = Object.entries(queueBlocks).sort(([, a], [, b]) => Number(!!redriveOf(a)) - Number(!!redriveOf(b)));
    for (const [logical, q] of ordered) {
      const name = nameOf(logical, q);
      const redrive = redriveOf(q);
      const attributes: Record<string, string> = {};
      if (q.visibility_timeout_seconds !== undefined)
        attributes.VisibilityTimeout = String(q.visibility_timeout_seconds);
      if (q.message_retention_seconds !== undefined)
        attributes.MessageRetentionPeriod = String(q.message_retention_seconds);
      if (redrive)
        attributes.RedrivePolicy = JSON.stringify({
          deadLetterTargetArn: queues[redrive.dlq]!.arn,
          maxReceiveCount: redrive.max,
        });
      const { url, arn } = await createQueue(sqs, name, attributes);
      queues[logical] = { name, url, arn };
      references[`aws_sqs_queue.${logical}.arn`] = arn;
      references[`aws_sqs_queue.${logical}.url`] = url;
    }
    // Legacy topics: Marketplace's topics (another account) stand in fauxqs under the same names.
    const topics = new Map<string, string>(); // synthesized topic ARN → local topic ARN
    for (const s of Object.values(res('aws_sns_topic_subscription'))) {
      const topicArn = String(s.topic_arn);
      const queue = ref(s.endpoint, 'aws_sqs_queue', 'arn');
      if (!queue || s.protocol !== 'sqs') continue;
      let local = topics.get(topicArn);
      if (!local) {
        local = (await sns.send(new CreateTopicCommand({ Name: topicArn.split(':').pop()! }))).TopicArn!;
        topics.set(topicArn, local);
      }
      await sns.send(
        new SubscribeCommand({
          TopicArn: local,
          Protocol: 'sqs',
          Endpoint: queues[queue]!.arn,
          Attributes: { RawMessageDelivery: String(s.raw_message_delivery === true) },
        }),
      );
    }

    const harness = new SynthHarness(json, {
      tables,
      busName: o.busArn,
      namePrefix: o.namePrefix ?? 'sbt',
      matches: matchesPattern,
      references: { ...references, 'aws_cloudfront_distribution.*.domain_name': new URL(o.url).host },
    });
    // The endpoints every marketplace handler needs locally, on top of what its function block declares.
    const endpoints = {
      AWS_ENDPOINT_URL_MARKETPLACE_METERING: fake.meteringEndpoint,
      AWS_ENDPOINT_URL_MARKETPLACE_ENTITLEMENT_SERVICE: fake.entitlementEndpoint,
      AWS_ENDPOINT_URL_SQS: fauxqs.address,
      AWS_ENDPOINT_URL_SNS: fauxqs.address,
    };
    const fns = new Map<string, LocalFunction>();
    const fnOf = (logical: string): LocalFunction => {
      let f = fns.get(logical);
      if (!f) {
        const base = o.localFunction(harness, logical);
        const env: Record<string, string> = { ...base.env, ...endpoints };
        // The page is served on the runtime's (plain HTTP) origin, not https://<distribution>.
        if (env.REGISTRATION_PAGE_URL) env.REGISTRATION_PAGE_URL = `${o.url}/index.html`;
        fns.set(logical, (f = { ...base, env }));
      }
      return f;
    };

    // The page's bucket objects: inline content (config.js) or the file asset behind `source`.
    const assets = new Map<string, string>();
    for (const c of stack.node.findAll()) if (c instanceof FileAsset) assets.set(c.path, c.sourceFile);
    const objects = new Map<string, { body: Buffer; type: string }>();
    for (const obj of Object.values(res('aws_s3_object'))) {
      const file = obj.source === undefined ? undefined : assets.get(String(obj.source));
      if (obj.content === undefined && !file)
        throw new Error(`registration page object ${String(obj.key)}: asset ${String(obj.source)} not found`);
      objects.set(`/${String(obj.key)}`, {
        body: file ? readFileSync(file) : Buffer.from(String(obj.content)),
        type: String(obj.content_type ?? 'application/octet-stream'),
      });
    }

    // The marketplace API must not shadow (or be shadowed by) a control-plane route on the shared origin.
    const mpRoutes = Object.values(res('aws_apigatewayv2_route')).map((r) => String(r.route_key));
    const clash = mpRoutes
      .filter((k) => o.controlPlaneRoutes.includes(k))
      .concat([...objects.keys()].filter((p) => o.controlPlaneRoutes.includes(`GET ${p}`)));
    if (clash.length)
      throw new Error(
        `the marketplace and control-plane APIs both have ${clash.join(', ')}: they cannot share the local origin`,
      );

    const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
      marshallOptions: { removeUndefinedValues: true },
    });
    cleanups.push(() => doc.destroy());
    const tableOf = (part: string) => Object.entries(tables).find(([k]) => k.includes(part))?.[1];
    const subscribersTable = tableOf('subscribers')!;
    const usageTable = tableOf('metering_usage');

    // ---- Notifications: consumer polling (the synthesized event source mappings) ----
    type Outcome = { outcome: 'ok' | 'failed'; error?: string; function: string };
    const waiters = new Map<string, (r: Outcome) => void>();
    const finished = new Map<string, Outcome>(); // handled before anyone waited (bounded)
    const settle = (id: string, r: Outcome) => {
      const w = waiters.get(id);
      if (w) {
        waiters.delete(id);
        return w(r);
      }
      finished.set(id, r);
      if (finished.size > 1000) finished.delete(finished.keys().next().value!);
    };
    const waitFor = (id: string) =>
      new Promise<Outcome>((resolve, reject) => {
        const done = finished.get(id);
        if (done) {
          finished.delete(id);
          return resolve(done);
        }
        const timer = setTimeout(() => {
          waiters.delete(id);
          reject(new HttpProblem(504, `notification ${id} was not consumed within ${NOTIFY_TIMEOUT_MS / 1000} s`));
        }, NOTIFY_TIMEOUT_MS);
        timer.unref();
        waiters.set(id, (r) => {
          clearTimeout(timer);
          resolve(r);
        });
      });
    /** The notification id a queue message carries: the SNS envelope's MessageId or the event's id. */
    const notificationId = (m: Message): string => {
      try {
        const b = JSON.parse(m.Body ?? '') as { MessageId?: unknown; id?: unknown };
        if (typeof b.MessageId === 'string') return b.MessageId;
        if (typeof b.id === 'string') return b.id;
      } catch {
        /* not JSON: the queue's own id */
      }
      return m.MessageId!;
    };

    const timeline = (
      source: string,
      detailType: string,
      detail: Record<string, unknown>,
      trace: string,
    ): TimelineEvent => {
      const e: TimelineEvent = {
        id: randomUUID(),
        time: new Date().toISOString(),
        source,
        detailType,
        detail,
        trace,
        deliveries: [],
      };
      o.router.timeline.push(e);
      return e;
    };

    const abort = new AbortController();
    cleanups.push(() => abort.abort());
    const inFlight = new Set<Promise<void>>();
    for (const [, m] of Object.entries(res('aws_lambda_event_source_mapping'))) {
      const queueLogical = ref(m.event_source_arn, 'aws_sqs_queue', 'arn');
      const fnLogical = ref(m.function_name, 'aws_lambda_function', 'function_name');
      if (!queueLogical || !fnLogical) continue;
      const q = queues[queueLogical]!;
      const batchSize = Number(m.batch_size ?? 10);
      const partial = ((m.function_response_types as string[] | undefined) ?? []).includes('ReportBatchItemFailures');
      const handleBatch = async (msgs: Message[]) => {
        const trace: Trace = o.router.newTrace();
        const event = sqsEventOf(msgs, q.arn, o.account);
        const fn = fnOf(fnLogical);
        let failed = new Set<string>();
        let error: string | undefined;
        try {
          const out = (await o.pool.invoke(fn, event, trace)) as
            | { batchItemFailures?: { itemIdentifier: string }[] }
            | undefined;
          if (partial) failed = new Set((out?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
        } catch (e) {
          error = (e as Error).message;
          failed = new Set(msgs.map((x) => x.MessageId!));
        }
        const ok = msgs.filter((x) => !failed.has(x.MessageId!));
        for (let i = 0; i < ok.length; i += 10) {
          await sqs.send(
            new DeleteMessageBatchCommand({
              QueueUrl: q.url,
              Entries: ok.slice(i, i + 10).map((x, j) => ({ Id: String(j), ReceiptHandle: x.ReceiptHandle! })),
            }),
          );
        }
        await o.router.settled(trace);
        for (const x of msgs) {
          const bad = failed.has(x.MessageId!);
          const id = notificationId(x);
          o.log(
            `[marketplace] queue ${q.name} → lambda ${fn.name}: message ${id} ${bad ? `FAILED (stays on the queue; receive ${x.Attributes?.ApproximateReceiveCount ?? '1'})${error ? `: ${error}` : ''}` : 'ok'}`,
          );
          settle(id, {
            outcome: bad ? 'failed' : 'ok',
            error: bad ? (error ?? 'reported as a batch item failure (see the handler log)') : undefined,
            function: fn.name,
          });
        }
      };
      void (async () => {
        while (!abort.signal.aborted) {
          let msgs: Message[] = [];
          try {
            const r = await sqs.send(
              new ReceiveMessageCommand({
                QueueUrl: q.url,
                MaxNumberOfMessages: Math.min(batchSize, 10),
                WaitTimeSeconds: 20,
                AttributeNames: ['All'],
              }),
              { abortSignal: abort.signal },
            );
            msgs = r.Messages ?? [];
          } catch (e) {
            if (abort.signal.aborted) return;
            o.log(`[marketplace] polling ${q.name} failed: ${(e as Error).message}`);
            await new Promise((r) => setTimeout(r, 1000).unref());
            continue;
          }
          if (!msgs.length) continue;
          // Batches are handled concurrently (the mapping scales its pollers), each on its own trace.
          const p = handleBatch(msgs).catch((e: unknown) =>
            o.log(`[marketplace] batch from ${q.name} failed: ${String(e)}`),
          );
          inFlight.add(p);
          void p.finally(() => inFlight.delete(p));
        }
      })();
    }

    // ---- EventBridge: the synthesized rules of the marketplace stack, per bus ----
    const busNameOf = (v: unknown) => {
      const logical = ref(v, 'aws_cloudwatch_event_bus', 'name');
      return logical ? harness.resolve(String(res('aws_cloudwatch_event_bus')[logical]!.name)) : String(v ?? 'default');
    };
    const busArnOf = (logical: string) =>
      `arn:aws:events:us-east-1:${o.account}:event-bus/${busNameOf(`\${aws_cloudwatch_event_bus.${logical}.name}`)}`;
    const rules = Object.entries(res('aws_cloudwatch_event_rule'))
      .filter(([, r]) => r.event_pattern)
      .map(([logical, r]) => ({
        logical,
        bus: busNameOf(r.event_bus_name),
        pattern: JSON.parse(String(r.event_pattern)) as Record<string, unknown>,
      }));
    /** Delivers an event put on `bus` along the matching rules; returns the queue deliveries made. */
    const putEvent = async (bus: string, event: Record<string, unknown>, depth = 0): Promise<number> => {
      if (depth > 4) throw new Error('event forwarded more than 4 times: a rule loop?');
      let queued = 0;
      for (const rule of rules.filter((r) => r.bus === bus && matchesPattern(r.pattern, event))) {
        for (const t of Object.values(res('aws_cloudwatch_event_target')).filter(
          (x) => ref(x.rule, 'aws_cloudwatch_event_rule', 'name') === rule.logical,
        )) {
          const queue = ref(t.arn, 'aws_sqs_queue', 'arn');
          const toBus = ref(t.arn, 'aws_cloudwatch_event_bus', 'arn');
          if (queue) {
            await sqs.send(
              new SendMessageCommand({ QueueUrl: queues[queue]!.url, MessageBody: JSON.stringify(event) }),
            );
            o.log(
              `[marketplace] event ${String(event['detail-type'])} on bus ${bus} → rule ${rule.logical} → queue ${queues[queue]!.name}: ok`,
            );
            queued++;
          } else if (toBus) {
            o.log(
              `[marketplace] event ${String(event['detail-type'])} on bus ${bus} → rule ${rule.logical} → bus ${busNameOf(`\${aws_cloudwatch_event_bus.${toBus}.name}`)}`,
            );
            queued += await putEvent(
              busNameOf(`\${aws_cloudwatch_event_bus.${toBus}.name}`),
              { ...event, resources: [...((event.resources as string[]) ?? []), busArnOf(toBus)] },
              depth + 1,
            );
          }
        }
      }
      if (!depth && !queued)
        o.log(`[marketplace] event ${String(event['detail-type'])} on bus ${bus}: no rule matched`);
      return queued;
    };

    // ---- Buyers, notifications, usage, schedules ----
    const buyers = new Map<string, LocalBuyer>(); // by customerIdentifier
    const findBuyer = (b: Record<string, unknown>): LocalBuyer => {
      for (const field of ['customerIdentifier', 'licenseArn', 'customerAWSAccountId', 'token'] as const) {
        const v = b[field];
        if (v === undefined) continue;
        if (typeof v !== 'string' || !v) throw new HttpProblem(400, `field '${field}': a non-empty string`);
        const hit = [...buyers.values()].find(
          (x) => x[field] === v || (field === 'licenseArn' && x.eventLicenseArn === v),
        );
        if (!hit)
          throw new HttpProblem(
            404,
            `field '${field}': no buyer subscribed with ${field} ${v} (POST /_local/marketplace/subscribe first)`,
          );
        return hit;
      }
      throw new HttpProblem(
        400,
        "body: name the buyer with 'customerIdentifier', 'licenseArn', 'customerAWSAccountId' or 'token'",
      );
    };
    const dimensionField = (b: Record<string, unknown>, fallback: string): string => {
      if (b.dimension === undefined) return fallback;
      if (typeof b.dimension !== 'string' || !/^[A-Za-z0-9_.-]{1,100}$/.test(b.dimension))
        throw new HttpProblem(400, "field 'dimension': letters, digits, '_', '.', '-' (1-100)");
      return b.dimension;
    };
    const entitlementOf = (buyer: LocalBuyer) => fake.entitlements.find((e) => e.LicenseArn === buyer.licenseArn);

    const subscribe = (b: Record<string, unknown>): LocalBuyer => {
      const dimension = dimensionField(b, LOCAL_TIER_DIMENSIONS[0]!);
      const account = b.customerAWSAccountId === undefined ? digits(12) : String(b.customerAWSAccountId);
      if (!/^\d{12}$/.test(account)) throw new HttpProblem(400, "field 'customerAWSAccountId': 12 digits");
      const licenseId = `l-${hex(16)}`;
      const buyer: LocalBuyer = {
        token: `local-token-${hex(12)}`,
        customerIdentifier: `CI${hex(6).toUpperCase()}`,
        customerAWSAccountId: account,
        licenseArn: `arn:aws:license-manager::${account}:license:${licenseId}`,
        eventLicenseArn: `aws:license-manager:us-east-1:${account}:${licenseId}`,
        agreementId: `agmt-${hex(10)}`,
        offerId: `offer-${hex(10)}`,
        productCode: LOCAL_PRODUCT_CODE,
        dimension,
        subscribedAt: new Date().toISOString(),
      };
      fake.addToken(buyer.token, {
        ProductCode: LOCAL_PRODUCT_CODE,
        CustomerIdentifier: buyer.customerIdentifier,
        CustomerAWSAccountId: account,
        LicenseArn: buyer.licenseArn,
      });
      fake.entitlements.push({
        ProductCode: LOCAL_PRODUCT_CODE,
        Dimension: dimension,
        CustomerIdentifier: buyer.customerIdentifier,
        CustomerAWSAccountId: account,
        LicenseArn: buyer.licenseArn,
        Value: { IntegerValue: 1 },
      });
      buyers.set(buyer.customerIdentifier, buyer);
      o.log(
        `[marketplace] buyer ${buyer.customerIdentifier} (account ${account}) subscribed to ${dimension}: registration token ${buyer.token}`,
      );
      return buyer;
    };

    const notify = async (b: Record<string, unknown>) => {
      const action = b.action as NotifyAction;
      const all: readonly string[] = [...SNS_ACTIONS, ...EVENT_ACTIONS];
      if (typeof action !== 'string' || !all.includes(action))
        throw new HttpProblem(400, `field 'action': one of ${all.join(', ')}`);
      const buyer = findBuyer(b);
      // What the notification reports happened on Marketplace first.
      if (action === 'entitlement-updated' || action === 'agreement-amended') {
        buyer.dimension = dimensionField(b, buyer.dimension);
        entitlementOf(buyer)!.Dimension = buyer.dimension;
      } else if (b.dimension !== undefined)
        throw new HttpProblem(
          400,
          "field 'dimension': only entitlement-updated and agreement-amended change the dimension",
        );
      if (action === 'unsubscribe-pending' || action === 'license-deprovisioned' || action === 'agreement-ended')
        fake.endAgreement(buyer.licenseArn, Date.now());
      if (action === 'unsubscribe-success') fake.notSubscribed.add(buyer.customerIdentifier);
      if (action === 'subscribe-success' || action === 'license-updated')
        fake.notSubscribed.delete(buyer.customerIdentifier);

      const trace = `marketplace-${action}`;
      let id: string;
      let via: string;
      let entry: TimelineEvent;
      let wait: Promise<Outcome> | undefined;
      if ((SNS_ACTIONS as readonly string[]).includes(action)) {
        // The legacy topics (reference §3.7): subscription actions on one, entitlement-updated on the other.
        const kind = action === 'entitlement-updated' ? 'entitlement' : 'subscription';
        const topic = [...topics.entries()].find(([arn]) => arn.includes(`aws-mp-${kind}-notification-`))?.[1];
        if (!topic) throw new HttpProblem(409, `the synthesized stack subscribes no ${kind} topic`);
        const message = {
          action,
          'customer-identifier': buyer.customerIdentifier,
          'product-code': buyer.productCode,
          ...(kind === 'subscription' ? { 'offer-identifier': buyer.offerId, isFreeTrialTermPresent: 'false' } : {}),
        };
        id = (await sns.send(new PublishCommand({ TopicArn: topic, Message: JSON.stringify(message) }))).MessageId!;
        via = `SNS topic ${topic.split(':').pop()}`;
        entry = timeline(
          'aws.marketplace (SNS)',
          action,
          { customerIdentifier: buyer.customerIdentifier, messageId: id },
          trace,
        );
      } else {
        // Concurrent Agreements (reference §3.8): AWS's event shapes on the us-east-1 default bus.
        const detailType = {
          'license-updated': 'License Updated - Manufacturer',
          'license-deprovisioned': 'License Deprovisioned - Manufacturer',
          'agreement-created': 'Purchase Agreement Created - Manufacturer',
          'agreement-amended': 'Purchase Agreement Amended - Manufacturer',
          'agreement-ended': 'Purchase Agreement Ended - Manufacturer',
        }[action as (typeof EVENT_ACTIONS)[number]];
        const now = new Date().toISOString();
        const agreement = action.startsWith('agreement-')
          ? {
              id: buyer.agreementId,
              intent: action === 'agreement-amended' ? 'AMEND' : action === 'agreement-created' ? 'NEW' : undefined,
              status: action === 'agreement-ended' ? 'EXPIRED' : 'ACTIVE',
              ...(action === 'agreement-created' ? { startTime: buyer.subscribedAt } : {}),
              ...(action === 'agreement-ended' ? { endTime: now } : {}),
            }
          : { id: buyer.agreementId };
        id = `local-${randomUUID()}`;
        const event = {
          version: '0',
          id,
          'detail-type': detailType,
          source: 'aws.agreement-marketplace',
          account: SELLER_ACCOUNT,
          time: now,
          region: 'us-east-1',
          resources: [],
          detail: {
            requestId: randomUUID(),
            catalog: 'AWSMarketplace',
            agreement,
            acceptor: { accountId: buyer.customerAWSAccountId },
            proposer: { accountId: SELLER_ACCOUNT },
            offer: { id: buyer.offerId },
            ...(action.startsWith('license-')
              ? {
                  product: { code: buyer.productCode, id: `prod-${buyer.productCode.slice(0, 12)}` },
                  license: { arn: buyer.eventLicenseArn },
                }
              : {}),
          },
        };
        entry = timeline(
          event.source,
          detailType!,
          { customerIdentifier: buyer.customerIdentifier, licenseArn: buyer.eventLicenseArn },
          trace,
        );
        wait = waitFor(id);
        if (!(await putEvent('default', event))) {
          waiters.delete(id);
          wait.catch(() => undefined);
          return {
            action,
            id,
            via: 'EventBridge (default bus)',
            delivered: false,
            reason: 'no synthesized rule matched the event',
          };
        }
        via = 'EventBridge default bus → forward rule → marketplace bus → agreements rule → queue';
      }
      const r = await (wait ?? waitFor(id));
      // The console's timeline shows the consumer's outcome like any other delivery.
      entry.deliveries.push({
        rule: via,
        target: r.function,
        kind: 'lambda',
        outcome: r.outcome === 'ok' ? 'ok' : 'error',
        detail: r.error,
      });
      return { action, id, via, delivered: true, ...r, subscriber: await subscriberOf(buyer) };
    };

    const scanSubscribers = async (): Promise<Record<string, unknown>[]> => {
      const out: Record<string, unknown>[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const r = await doc.send(new ScanCommand({ TableName: subscribersTable, ExclusiveStartKey: start }));
        out.push(...((r.Items ?? []) as Record<string, unknown>[]).filter((i) => i.kind === 'subscriber'));
        start = r.LastEvaluatedKey;
      } while (start && out.length < 1000);
      return out.sort((a, b) => String(b.createdAt ?? '').localeCompare(String(a.createdAt ?? '')));
    };
    const subscriberOf = async (buyer: LocalBuyer) =>
      (await scanSubscribers()).find(
        (s) => s.customerIdentifier === buyer.customerIdentifier || s.licenseArn === buyer.licenseArn,
      );

    const writeUsage = async (b: Record<string, unknown>) => {
      if (!usageTable) throw new HttpProblem(409, 'this pricing model has no metering');
      const buyer = findBuyer(b);
      const dimension = dimensionField(b, '');
      if (!dimension) throw new HttpProblem(400, "field 'dimension': required (the metering dimension, e.g. users)");
      const quantity = b.quantity === undefined ? 1 : b.quantity;
      if (typeof quantity !== 'number' || !Number.isInteger(quantity) || quantity < 0)
        throw new HttpProblem(400, "field 'quantity': a non-negative integer");
      let timestamp = Math.floor(Date.now() / 1000);
      if (b.timestamp !== undefined) {
        const t =
          typeof b.timestamp === 'number'
            ? b.timestamp > 1e11
              ? b.timestamp
              : b.timestamp * 1000
            : Date.parse(String(b.timestamp));
        if (!Number.isFinite(t))
          throw new HttpProblem(400, "field 'timestamp': epoch seconds, epoch milliseconds or ISO-8601");
        timestamp = Math.floor(t / 1000);
      }
      const recordId = b.recordId === undefined ? randomUUID() : b.recordId;
      if (typeof recordId !== 'string' || !recordId) throw new HttpProblem(400, "field 'recordId': a non-empty string");
      // The documented usage record (docs/marketplace.md, Metering): what the seller's application writes.
      const item = {
        customerKey: buyer.licenseArn,
        recordId,
        dimension,
        quantity,
        timestamp,
        pending: 'true',
        licenseArn: buyer.licenseArn,
        customerAWSAccountId: buyer.customerAWSAccountId,
      };
      await doc.send(new PutCommand({ TableName: usageTable, Item: item }));
      return { table: usageTable, record: item, hour: new Date(Math.floor(timestamp / 3600) * 3600_000).toISOString() };
    };

    /** Runs a scheduled rule's target now, with what the schedule would send (its `input`, else a Scheduled Event). */
    const runSchedule = async (part: string) => {
      const entry = Object.entries(res('aws_cloudwatch_event_rule')).find(
        ([k, r]) => k.includes(part) && r.schedule_expression,
      );
      if (!entry) throw new HttpProblem(409, `the synthesized stack has no ${part} schedule`);
      const [rule, block] = entry;
      const target = Object.values(res('aws_cloudwatch_event_target')).find(
        (t) => ref(t.rule, 'aws_cloudwatch_event_rule', 'name') === rule,
      )!;
      const fnLogical = ref(target.arn, 'aws_lambda_function', 'arn')!;
      const event =
        target.input !== undefined
          ? JSON.parse(String(target.input))
          : {
              version: '0',
              id: randomUUID(),
              'detail-type': 'Scheduled Event',
              source: 'aws.events',
              account: o.account,
              time: new Date().toISOString(),
              region: 'us-east-1',
              resources: [`arn:aws:events:us-east-1:${o.account}:rule/${harness.resolve(String(block.name))}`],
              detail: {},
            };
      const trace = o.router.newTrace();
      const started = Date.now();
      o.log(`[marketplace] schedule ${String(block.schedule_expression)} (rule ${rule}) run on demand`);
      try {
        return await o.pool.invoke(fnOf(fnLogical), event, trace);
      } finally {
        await o.router.settled(trace);
        o.log(`[marketplace] schedule rule ${rule} done in ${Date.now() - started} ms`);
      }
    };
    const meter = async () => {
      const before = fake.billed.length;
      const calls = fake.calls.length;
      const report = await runSchedule('metering');
      const billed: BilledRecord[] = fake.billed.slice(before);
      return {
        report,
        batchMeterUsageCalls: fake.calls.slice(calls).filter((c) => c.target === 'BatchMeterUsage').length,
        billed,
      };
    };

    // ---- HTTP ----
    const serve = async (req: IncomingMessage, res: ServerResponse, u: URL, body: Buffer): Promise<boolean> => {
      const method = req.method ?? 'GET';
      const route = harness.matchRoute(method, u.pathname);
      if (!route) {
        const obj = objects.get(u.pathname);
        if (!obj || (method !== 'GET' && method !== 'HEAD')) return false;
        res.writeHead(200, { 'content-type': obj.type, 'cache-control': 'no-cache' });
        res.end(method === 'HEAD' ? undefined : obj.body);
        return true;
      }
      let claims: Record<string, unknown> | undefined;
      if (route.jwt) {
        const auth = req.headers.authorization;
        const v = auth?.startsWith('Bearer ') ? await o.verify(auth.slice(7)) : { reason: 'no bearer token' };
        if (!v.claims)
          return (
            send(
              res,
              401,
              { message: 'Unauthorized' },
              { 'www-authenticate': `Bearer error="invalid_token", error_description="${v.reason}"` },
            ),
            true
          );
        const scopes = String(v.claims.scope ?? '').split(' ');
        if (route.scopes.length && !route.scopes.some((s) => scopes.includes(s)))
          return (send(res, 403, { message: 'Forbidden' }), true);
        claims = v.claims;
      }
      if (route.badEncoding) return (send(res, 400, { message: 'Bad Request' }), true);
      const event = httpEventOfRequest(req, u, route, body, claims);
      const trace = o.router.newTrace();
      let status = 500;
      let out: string | undefined = JSON.stringify({ message: 'Internal Server Error' });
      let outHeaders: Record<string, string | string[]> = { 'content-type': 'application/json' };
      try {
        const r = (await o.pool.invoke(fnOf(route.fn), event, trace)) as
          | {
              statusCode?: number;
              body?: string;
              headers?: Record<string, string>;
              cookies?: string[];
              isBase64Encoded?: boolean;
            }
          | undefined;
        if (r && typeof r.statusCode === 'number') {
          status = r.statusCode;
          out = r.isBase64Encoded && r.body ? Buffer.from(r.body, 'base64').toString('utf8') : r.body;
          outHeaders = {
            'content-type': 'application/json',
            ...Object.fromEntries(Object.entries(r.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)])),
          };
          if (r.cookies?.length) outHeaders['set-cookie'] = r.cookies;
        } else {
          status = 200;
          out = r === undefined ? undefined : JSON.stringify(r);
        }
      } catch (e) {
        o.log(`[${route.fn}] ${method} ${u.pathname}: ${(e as Error).name}: ${(e as Error).message}`);
      }
      await o.router.settled(trace);
      if (!res.headersSent) {
        res.writeHead(status, outHeaders);
        res.end(out ?? '');
      }
      return true;
    };

    const info: LocalMarketplaceInfo = {
      productCode: LOCAL_PRODUCT_CODE,
      fulfillmentUrl: `${o.url}/landing`,
      pageUrl: `${o.url}/index.html`,
      queueEndpoint: fauxqs.address,
      marketplaceEndpoint: fake.meteringEndpoint,
      tables,
      queues: Object.fromEntries(Object.entries(queues).map(([k, q]) => [k, q.url])),
    };

    const serveLocal = async (req: IncomingMessage, res: ServerResponse, u: URL, body: Buffer): Promise<void> => {
      const sub = u.pathname.replace(/^\/_local\/marketplace\/?/, '');
      const method = req.method ?? 'GET';
      try {
        if (sub === '' && method === 'GET') {
          return send(res, 200, {
            ...info,
            buyers: [...buyers.values()],
            subscribers: await scanSubscribers(),
            billed: fake.billed,
          });
        }
        if (method !== 'POST' || !['subscribe', 'notify', 'usage', 'meter', 'sweep'].includes(sub)) {
          throw new HttpProblem(
            404,
            'Not Found: GET /_local/marketplace, POST /_local/marketplace/{subscribe,notify,usage,meter,sweep}',
          );
        }
        let b: Record<string, unknown> = {};
        if (body.length) {
          try {
            b = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
          } catch {
            throw new HttpProblem(400, 'body: not JSON');
          }
          if (!b || typeof b !== 'object' || Array.isArray(b)) throw new HttpProblem(400, 'body: a JSON object');
        }
        if (sub === 'subscribe') {
          const buyer = subscribe(b);
          return send(res, 201, {
            ...buyer,
            fulfillmentUrl: info.fulfillmentUrl,
            next: `curl -si -c jar -b jar ${info.fulfillmentUrl} -d x-amzn-marketplace-token=${buyer.token}`,
          });
        }
        if (sub === 'notify') return send(res, 200, await notify(b));
        if (sub === 'usage') return send(res, 201, await writeUsage(b));
        if (sub === 'meter') return send(res, 200, await meter());
        return send(res, 200, { result: await runSchedule('pending_sweep') });
      } catch (e) {
        if (e instanceof HttpProblem) return send(res, e.status, { message: e.message });
        o.log(`[marketplace] ${method} ${u.pathname}: ${String((e as Error)?.stack ?? e)}`);
        return send(res, 500, { message: `${(e as Error).name}: ${(e as Error).message}` });
      }
    };

    o.log(
      `[marketplace] product ${LOCAL_PRODUCT_CODE}: fulfillment URL ${info.fulfillmentUrl}, queues on ${fauxqs.address}, Marketplace fake on ${fake.meteringEndpoint}`,
    );
    return {
      info,
      fake,
      serve,
      serveLocal,
      subscribers: scanSubscribers,
      async stop() {
        abort.abort();
        await Promise.race([Promise.all(inFlight), new Promise((r) => setTimeout(r, 1000).unref())]);
        await stop();
      },
    };
  }
}
