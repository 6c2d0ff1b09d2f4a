/**
 * Shared set-up of the marketplace integration tests: tables created from the synthesized marketplace stack
 * (DynamoDB Local), the Marketplace fake and the EventBridge capture on loopback, and the environment the
 * construct gives the handlers.
 */
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { resetTenantGatewayForTesting } from '../../../lambda/marketplace/domain/runtime';
import { handler as notifications } from '../../../lambda/marketplace/notifications';
import { handler as register } from '../../../lambda/marketplace/register';
import { dynamo } from '../../../lambda/shared/aws-clients';
import { TenantService } from '../../../lambda/tenant-management/domain/tenant-service';
import { ControlPlaneStack } from '../../../src/control-plane/control-plane-stack';
import { MarketplaceStack } from '../../../src/marketplace/marketplace-stack';
import { httpEvent } from '../../../local/http-event';
import type { MarketplacePricingModel } from '../../../src/marketplace/pricing';
import { EventBridgeCapture } from '../../../local/eventbridge-capture';
import { MarketplaceFake } from '../../../local/marketplace-fake';
import { lambdaContext } from '../../support/lambda-context';
import { synthStack, testApp } from '../../support/synth';
import { createTablesFromSynth, uniquePrefix } from '../../../local/tables';

export const PRODUCT = 'prod1code000000000000001';
export const BUS = 'arn:aws:events:us-east-1:000000000000:event-bus/sbt-events';

export interface Harness {
  fake: MarketplaceFake;
  bus: EventBridgeCapture;
  tables: { subscribers: string; usage: string; ledger: string; tenants: string; registrations: string };
  stop(): Promise<void>;
}

export async function startHarness(
  label: string,
  o: {
    identityMode?: 'license' | 'customer';
    pricingModel?: MarketplacePricingModel;
    fakeNow?: () => number;
    fakeRatePerSecond?: number;
    fakeEcho?: 'exact' | 'documented';
  } = {},
): Promise<Harness> {
  const json = synthStack(
    new MarketplaceStack(testApp(), 'marketplace', {
      eventBusArn: BUS,
      adminJwt: { issuer: 'https://issuer.example', audience: ['admin'] },
      notifications: { eventBridge: true, legacySns: true },
    }),
  );
  const created = await createTablesFromSynth(json, uniquePrefix(label));
  const find = (part: string) => Object.entries(created).find(([logical]) => logical.includes(part))![1];
  // The control plane's tenant tables: Marketplace buyers become tenants through its registration path.
  const cp = await createTablesFromSynth(
    synthStack(new ControlPlaneStack(testApp(), 'control-plane', { systemAdminEmail: 'admin@example.com' })) as never,
    uniquePrefix(`${label}-cp`),
  );
  const findCp = (part: string) => Object.entries(cp).find(([logical]) => logical.includes(part))![1];
  const tables = {
    subscribers: find('subscribers'),
    usage: find('metering_usage'),
    ledger: find('metering_ledger'),
    tenants: findCp('tenants'),
    registrations: findCp('registrations'),
  };
  const fake = await new MarketplaceFake({
    now: o.fakeNow,
    ratePerSecond: o.fakeRatePerSecond,
    echo: o.fakeEcho,
  }).start();
  fake.products.add(PRODUCT);
  const bus = await new EventBridgeCapture().start();
  Object.assign(process.env, {
    PRODUCT_CODE: PRODUCT,
    SUBSCRIBERS_TABLE_NAME: tables.subscribers,
    IDENTITY_MODE: o.identityMode ?? 'license',
    PRICING_MODEL: o.pricingModel ?? 'CONTRACTS_WITH_SUBSCRIPTION',
    REQUIRED_FIELDS: 'companyName,contactPerson,contactEmail',
    OPTIONAL_FIELDS: 'contactPhone',
    SELLER_EMAIL: '',
    EVENT_BUS_NAME: BUS,
    CONTROL_PLANE_EVENT_SOURCE: 'sbt.control.plane',
    MARKETPLACE_REGION: 'us-east-1',
    USAGE_TABLE_NAME: tables.usage,
    LEDGER_TABLE_NAME: tables.ledger,
    TENANT_TABLE_NAME: tables.tenants,
    REGISTRATION_TABLE_NAME: tables.registrations,
  });
  resetTenantGatewayForTesting();
  delete process.env.REGISTRATION_PAGE_URL;
  return {
    fake,
    bus,
    tables,
    async stop() {
      await fake.stop();
      await bus.stop();
    },
  };
}

/**
 * The control plane's tenant service on the harness's tenant tables, its events dropped: its own result path
 * (what its results Lambda does on provisionSuccess) and its reads.
 */
export function controlPlaneTenants(h: Harness): TenantService {
  return new TenantService({
    db: dynamo(),
    tenantTable: h.tables.tenants,
    registrationTable: h.tables.registrations,
    emit: async () => undefined,
  });
}

/**
 * A buyer whose Marketplace token (`tok-<id>`) the fake resolves for PRODUCT to `account`, a customer
 * identifier and, unless `withLicense` is false, a licence: `licenseArn` in ResolveCustomer's spelling,
 * `eventLicenseArn` the EventBridge sample's spelling of the same licence.
 */
export function tokenBuyer(h: Harness, id: string, account: string, withLicense = true) {
  const b = {
    token: `tok-${id}`,
    account,
    licenseArn: `arn:aws:license-manager::123456789012:license/l-${id}`,
    eventLicenseArn: `aws:license-manager:us-east-1:123456789012:l-${id}`,
    customerIdentifier: `CI${id}`,
  };
  h.fake.addToken(b.token, {
    ProductCode: PRODUCT,
    CustomerAWSAccountId: account,
    CustomerIdentifier: b.customerIdentifier,
    ...(withLicense ? { LicenseArn: b.licenseArn } : {}),
  });
  return b;
}

export interface HttpOut {
  status: number;
  headers: Record<string, string>;
  body: string;
  json?: Record<string, unknown>;
}

/** A POST to the register handler as API Gateway delivers it; the body parsed when it is JSON. */
async function call(path: string, contentType: string, body: string, cookie?: string): Promise<HttpOut> {
  const res = (await register(
    httpEvent({ method: 'POST', path, headers: { 'content-type': contentType, ...(cookie ? { cookie } : {}) }, body }),
  )) as { statusCode: number; headers?: Record<string, string>; body?: string };
  let json: Record<string, unknown> | undefined;
  try {
    json = res.body ? JSON.parse(res.body) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.statusCode, headers: res.headers ?? {}, body: res.body ?? '', json };
}

/** An HTML form's POST (url-encoded `form`) to the register handler's `path`, e.g. Marketplace's to /landing. */
export const postForm = (path: string, form: string, cookie?: string): Promise<HttpOut> =>
  call(path, 'application/x-www-form-urlencoded', form, cookie);

/**
 * A buyer's browser: keeps the session cookie /landing sets (as a browser would) and sends it back. `land()` is
 * AWS Marketplace's form POST of the token to the fulfillment URL; `register()` the page's JSON.
 */
export class Browser {
  cookie?: string;
  async land(token: string, offerType?: string): Promise<HttpOut> {
    const form = new URLSearchParams({
      'x-amzn-marketplace-token': token,
      ...(offerType ? { 'x-amzn-marketplace-offer-type': offerType } : {}),
    });
    const out = await postForm('/landing', form.toString(), this.cookie);
    const set = out.headers['set-cookie'];
    if (set) this.cookie = set.split(';')[0];
    return out;
  }
  async register(fields: Record<string, unknown>): Promise<HttpOut> {
    return call('/register', 'application/json', JSON.stringify(fields), this.cookie);
  }
}

/**
 * The buyer's journey as it ships: Marketplace form-POSTs the token to /landing (resolved at once, 302 to the
 * page, bound to this browser's session cookie), then the page registers `fields` on that session (201).
 */
export async function registerThroughPage(
  token: string,
  fields: Record<string, unknown>,
  offerType?: string,
): Promise<Browser> {
  const browser = new Browser();
  expect((await browser.land(token, offerType)).status).toBe(302);
  expect((await browser.register(fields)).status).toBe(201);
  return browser;
}

let seq = 0;
/** A record as SQS hands it to Lambda; `ids` are the received message's (default: fresh ones). */
export function sqsRecord(body: string, ids?: { messageId: string; receiptHandle: string }): SQSRecord {
  seq++;
  return {
    messageId: ids?.messageId ?? `msg-${seq}`,
    receiptHandle: ids?.receiptHandle ?? `rh-${seq}`,
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '0',
      SenderId: 'x',
      ApproximateFirstReceiveTimestamp: '0',
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:notifications',
    awsRegion: 'us-east-1',
  };
}
const sqsEvent = (...bodies: string[]): SQSEvent => ({ Records: bodies.map((body) => sqsRecord(body)) });

const notificationsContext = lambdaContext('marketplace-notifications');
/** The notifications handler given `bodies` as one SQS batch, as the queue's event source mapping delivers it. */
export const notify = async (...bodies: string[]) => notifications(sqsEvent(...bodies), notificationsContext);

/** §3.7: the SNS envelope around a Marketplace message. */
export function snsNotification(message: Record<string, unknown>, timestamp: string, id = `sns-${++seq}`): string {
  return JSON.stringify({
    Type: 'Notification',
    MessageId: id,
    TopicArn: `arn:aws:sns:us-east-1:287250355862:aws-mp-subscription-notification-${PRODUCT}`,
    Message: JSON.stringify(message),
    Timestamp: timestamp,
    SignatureVersion: '1',
    Signature: 'x',
    SigningCertURL: 'https://sns.us-east-1.amazonaws.com/x.pem',
    UnsubscribeURL: 'https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe',
  });
}

/** §3.8: an EventBridge event from aws.agreement-marketplace. */
export function agreementEvent(
  detailType: string,
  time: string,
  detail: Record<string, unknown>,
  id = `ev-${++seq}`,
): string {
  return JSON.stringify({
    version: '0',
    id,
    'detail-type': detailType,
    source: 'aws.agreement-marketplace',
    account: '123456789012',
    time,
    region: 'us-east-1',
    resources: [],
    detail: { requestId: 'r', catalog: 'AWSMarketplace', ...detail },
  });
}

export function licenseEvent(
  kind: 'Updated' | 'Deprovisioned',
  time: string,
  c: { licenseArn: string; account: string; agreementId?: string },
  id?: string,
): string {
  return agreementEvent(
    `License ${kind} - Manufacturer`,
    time,
    {
      agreement: { id: c.agreementId ?? 'agmt-1' },
      product: { code: PRODUCT, id: 'prod-x' },
      license: { arn: c.licenseArn },
      acceptor: { accountId: c.account },
      proposer: { accountId: '123456512334' },
      offer: { id: 'offer-1' },
    },
    id,
  );
}
