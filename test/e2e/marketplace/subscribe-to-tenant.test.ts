/**
 * AWS Marketplace → tenant, end to end, as the synthesized system runs: the marketplace, control-plane and
 * application-plane stacks' Terraform JSON drive the handlers (with the environment their aws_lambda_function
 * blocks declare) and the EventBridge rules between the planes (our pattern matcher, local/). Real handlers against
 * DynamoDB Local and the loopback Marketplace fake; the provisioning job is the application plane's own script run by
 * aws-local-stepfunctions with a stand-in `aws` CLI.
 *
 *   Marketplace form POST → /landing (ResolveCustomer at once) → License Updated (AWS's sample event, matched by the
 *   synthesized agreements rule, delivered as its SQS queue would) → the control plane's registration path →
 *   onboardingRequest {tenantId, tenantRegistrationId} → billing createCustomer + provisioning job → provisionSuccess
 *   → tenant ACTIVE. Purchase Agreement Amended (upgrade) → tenantUpdated → billing plan. License Deprovisioned →
 *   offboardingRequest → deprovisioning job → OFFBOARDED.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SQSEvent } from 'aws-lambda';
import { SCOPES } from '../../../src/contracts/scopes';
import { MarketplaceStack } from '../../../src/marketplace/marketplace-stack';
import { installAwsStandIn } from '../../../local/aws-stand-in';
import { EventBridgeCapture } from '../../../local/eventbridge-capture';
import { LocalSystem } from '../../../local/system';
import { SynthHarness } from '../../../local/synth-harness';
import { createTablesFromSynth, uniquePrefix } from '../../../local/tables';
import { MarketplaceFake } from '../../../local/marketplace-fake';
import { busArnOf, type LocalPlanes, startLocalPlanes } from '../../support/local-planes';
import { landingEvent, landingForm } from '../../support/marketplace-loopback';
import { synthStack, testApp } from '../../support/synth';

const BUS_NAME = 'e2e-mp-sbt-events';
const BUS_ARN = busArnOf(BUS_NAME);
const PRODUCT = 'e2eprod000000000000000001';
const ADMIN = [SCOPES.tenantRead, SCOPES.tenantWrite, SCOPES.billingRead];

/**
 * The marketplace module's inputs resolved the way Terraform would (`var.x`, `join(",", var.x)`): the harness
 * resolves resource references; module variables are ours to give.
 */
class ModuleHarness extends SynthHarness {
  constructor(
    json: ConstructorParameters<typeof SynthHarness>[0],
    o: ConstructorParameters<typeof SynthHarness>[1],
    private readonly vars: Record<string, string | string[]>,
  ) {
    super(json, o);
  }
  override resolve(value: string): string {
    const v = value
      .replace(/\$\{join\(",", var\.([a-z_]+)\)\}/g, (_, n: string) => [this.vars[n] ?? []].flat().join(','))
      .replace(/\$\{var\.([a-z_]+)\}/g, (all, n: string) => (n === 'name_prefix' ? all : String(this.vars[n] ?? all)));
    return super.resolve(v);
  }
}

const bus = new EventBridgeCapture();
const fake = new MarketplaceFake();
let planes: LocalPlanes;
let mp: ModuleHarness;
let bin: string;
let agreementsPattern: Record<string, unknown>;

beforeAll(async () => {
  await bus.start();
  await fake.start();
  fake.products.add(PRODUCT);
  bin = mkdtempSync(join(tmpdir(), 'e2e-mp-aws-'));
  // Root mode keeps the sample provisioning scripts (module mode takes the caller's).
  planes = await startLocalPlanes(bus, {
    busName: BUS_NAME,
    label: 'e2e-mp-cp',
    poolId: 'us-east-1_E2ELocal',
    jobPath: [installAwsStandIn(bin).bin],
  });
  const mpJson = synthStack(
    new MarketplaceStack(testApp(), 'marketplace', { mode: 'module', registrationPage: false, requiredFields: [] }),
  );
  const mpTables = await createTablesFromSynth(mpJson as never, uniquePrefix('e2e-mp'));
  const tableOf = (part: string) => Object.entries(planes.cpTables).find(([logical]) => logical.includes(part))![1];
  mp = new ModuleHarness(
    mpJson,
    {
      tables: mpTables,
      busName: 'e2e-mp-agreements',
      matches: LocalSystem.matches,
      references: { 'aws_sqs_queue.*.url': 'http://127.0.0.1:1/unused-dlq' },
    },
    {
      product_code: PRODUCT,
      event_bus_arn: BUS_ARN,
      control_plane_event_source: 'sbt.control.plane',
      seller_email: '',
      registration_required_fields: [],
      registration_optional_fields: [],
      tenant_table_name: tableOf('tenants'),
      tenant_registration_table_name: tableOf('registrations'),
      tier_dimensions: ['basic', 'premium'],
    },
  );
  const rule = Object.values(
    mpJson.resource!.aws_cloudwatch_event_rule as Record<string, { event_pattern?: string; provider?: string }>,
  ).find((r) => r.event_pattern && !r.provider)!;
  // The rule passes our product's licence events only: the pattern as deployed has var.product_code interpolated.
  agreementsPattern = JSON.parse(rule.event_pattern!.split('${var.product_code}').join(PRODUCT));
});

afterAll(async () => {
  await bus.stop();
  await fake.stop();
  rmSync(bin, { recursive: true, force: true });
});

/** AWS's sample event shape (reference §3.8) for this buyer. */
function marketplaceEvent(detailType: string, detail: Record<string, unknown>) {
  return {
    version: '0',
    id: `ev-${Math.random().toString(36).slice(2)}`,
    'detail-type': detailType,
    source: 'aws.agreement-marketplace',
    account: '123456789012',
    time: new Date().toISOString(),
    region: 'us-east-1',
    resources: [],
    detail: { requestId: 'r', catalog: 'AWSMarketplace', ...detail },
  };
}

/** Delivers a Marketplace event the way the synthesized path does: our rule must match it; its queue feeds the consumer. */
async function deliver(event: Record<string, unknown>) {
  expect(LocalSystem.matches(agreementsPattern, event)).toBe(true);
  const sqs: SQSEvent = {
    Records: [
      {
        messageId: String(event.id),
        receiptHandle: 'rh',
        body: JSON.stringify(event),
        attributes: {
          ApproximateReceiveCount: '1',
          SentTimestamp: '0',
          SenderId: 'events.amazonaws.com',
          ApproximateFirstReceiveTimestamp: '0',
        },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:marketplace-notifications',
        awsRegion: 'us-east-1',
      },
    ],
  };
  const out = (await mp.invoke(mp.functionNamed('-marketplace-notifications'), sqs)) as {
    batchItemFailures: unknown[];
  };
  expect(out.batchItemFailures).toEqual([]);
}

test('subscribe via Marketplace → ACTIVE tenant with a billing customer; upgrade → billing plan; unsubscribe → OFFBOARDED', async () => {
  const { cp, system } = planes;
  const account = '845735284135';
  const licenseArn = `arn:aws:license-manager::${account}:license:l-e2e0000000000000000000000000001`;
  const eventLicense = `aws:license-manager:us-east-1:${account}:l-e2e0000000000000000000000000001`;
  fake.addToken('e2e-token', { ProductCode: PRODUCT, CustomerAWSAccountId: account, LicenseArn: licenseArn });
  fake.entitlements.push({
    ProductCode: PRODUCT,
    Dimension: 'basic',
    LicenseArn: licenseArn,
    CustomerAWSAccountId: account,
    Value: { BooleanValue: true },
  });

  // 1. "Set up your account": Marketplace form-POSTs the token to the fulfillment URL (no page: registered at once).
  const landing = (await mp.invoke(
    mp.functionNamed('-marketplace-register'),
    landingEvent(landingForm('e2e-token')),
  )) as { statusCode: number; body: string };
  expect(landing.statusCode).toBe(200);
  expect(bus.events).toEqual([]); // no access before AWS confirms

  // 2. License Updated: access → the control plane's registration path → both planes run.
  const lic = (kind: string, offer = 'offer-e2e') =>
    marketplaceEvent(`License ${kind} - Manufacturer`, {
      agreement: { id: 'agmt-e2e' },
      product: { code: PRODUCT, id: 'prod-e2e' },
      license: { arn: eventLicense },
      acceptor: { accountId: account },
      proposer: { accountId: '123456512334' },
      offer: { id: offer },
    });
  await deliver(lic('Updated'));
  await system.drain();
  expect(system.deliveries.filter((d) => d.outcome !== 'ok')).toEqual([]);
  const onboarding = bus.events.find((e) => e.DetailType === 'sbt_aws_onboardingRequest')!;
  const { tenantId, tenantRegistrationId } = onboarding.detail as { tenantId: string; tenantRegistrationId: string };
  expect(tenantId).toBeDefined();
  expect(tenantRegistrationId).toBeDefined();
  expect(system.deliveries.map((d) => `${d.detailType} → ${d.kind}`)).toEqual(
    expect.arrayContaining([
      'sbt_aws_onboardingRequest → states',
      'sbt_aws_onboardingRequest → lambda',
      'sbt_aws_provisionSuccess → lambda',
    ]),
  );
  const tenant = (await cp.request({ method: 'GET', path: `/tenants/${tenantId}`, scopes: ADMIN })).body.data;
  expect(tenant).toMatchObject({
    lifecycleState: 'ACTIVE',
    tier: 'basic',
    source: 'aws-marketplace',
    licenseArn,
    customerAWSAccountId: account,
  });
  const registration = (
    await cp.request({ method: 'GET', path: `/tenant-registrations/${tenantRegistrationId}`, scopes: ADMIN })
  ).body.data;
  expect(registration).toMatchObject({ lifecycleState: 'ACTIVE', source: 'aws-marketplace' });
  const billing = await cp.request({
    method: 'GET',
    path: `/tenants/${tenantId}/billing`,
    scopes: [SCOPES.billingRead],
  });
  expect(billing.status).toBe(200);
  expect(billing.body.data).toMatchObject({ plan: 'basic' });

  // 3. Upgrade: the agreement is amended; the licence now entitles `premium` → tenantUpdated → billing plan.
  bus.clear();
  fake.entitlements.find((e) => e.LicenseArn === licenseArn)!.Dimension = 'premium';
  await deliver(
    marketplaceEvent('Purchase Agreement Amended - Manufacturer', {
      agreement: { id: 'agmt-e2e', intent: 'AMEND', status: 'ACTIVE' },
      acceptor: { accountId: account },
      proposer: { accountId: '123456512334' },
      offer: { id: 'offer-e2e' },
    }),
  );
  await system.drain();
  expect(bus.events.map((e) => e.DetailType)).toEqual(['sbt_aws_tenantUpdated']);
  expect(
    (await cp.request({ method: 'GET', path: `/tenants/${tenantId}/billing`, scopes: [SCOPES.billingRead] })).body.data,
  ).toMatchObject({ plan: 'premium' });
  expect((await cp.request({ method: 'GET', path: `/tenants/${tenantId}`, scopes: ADMIN })).body.data).toMatchObject({
    tier: 'premium',
  });

  // 4. Unsubscribe: License Deprovisioned → offboarding through the control plane → OFFBOARDED.
  bus.clear();
  await deliver(lic('Deprovisioned'));
  await system.drain();
  expect(system.deliveries.filter((d) => d.outcome !== 'ok')).toEqual([]);
  expect(bus.events.map((e) => e.DetailType)).toEqual(
    expect.arrayContaining(['sbt_aws_offboardingRequest', 'sbt_aws_deprovisionSuccess']),
  );
  expect((await cp.request({ method: 'GET', path: `/tenants/${tenantId}`, scopes: ADMIN })).body.data).toMatchObject({
    lifecycleState: 'OFFBOARDED',
  });
});
