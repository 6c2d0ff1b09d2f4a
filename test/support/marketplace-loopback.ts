/**
 * What the marketplace tests (integration harness and the synthesized registration site) stand up around
 * the handlers: the loopback Marketplace fake selling the test's product, an EventBridge capture, and the
 * control plane's tenant tables in DynamoDB Local (Marketplace buyers become tenants through its
 * registration path) — and a buyer on that fake, arriving with AWS Marketplace's form POST.
 */
import type { HttpEvent } from '../../lambda/shared/http';
import { ControlPlaneStack } from '../../src/control-plane/control-plane-stack';
import { EventBridgeCapture } from '../../local/eventbridge-capture';
import { httpEvent } from '../../local/http-event';
import { MarketplaceFake } from '../../local/marketplace-fake';
import { createTablesFromSynth, uniquePrefix } from '../../local/tables';
import { synthStack, testApp } from './synth';

export interface MarketplaceLoopback {
  readonly fake: MarketplaceFake;
  readonly bus: EventBridgeCapture;
  /** Stops the fake and the capture. */
  stop(): Promise<void>;
}

/** The Marketplace fake (its options as given; `product` is one the seller owns) and a bus capture, started. */
export async function startMarketplaceLoopback(
  product: string,
  options: MarketplaceFake['options'] = {},
): Promise<MarketplaceLoopback> {
  const fake = await new MarketplaceFake(options).start();
  fake.products.add(product);
  const bus = await new EventBridgeCapture().start();
  return {
    fake,
    bus,
    async stop() {
      await fake.stop();
      await bus.stop();
    },
  };
}

/**
 * The synthesized control plane's tenant and tenant-registration tables, created under a prefix made from
 * `label`: the tables the marketplace's registration path writes to, as a caller wires them.
 */
export async function controlPlaneTenantTables(label: string): Promise<{ tenants: string; registrations: string }> {
  const created = await createTablesFromSynth(
    synthStack(new ControlPlaneStack(testApp(), 'control-plane', { billing: false, metering: false })),
    uniquePrefix(`${label}-cp`),
  );
  const tableOf = (part: string) => Object.entries(created).find(([logical]) => logical.includes(part))![1];
  return { tenants: tableOf('tenants'), registrations: tableOf('registrations') };
}

/**
 * A buyer on the fake: a registration token that ResolveCustomer resolves to `product`, `account` and the
 * licence `licenseId` (l-…). The token carries `+`, `/` and `=` as real ones do, so that form and URL
 * encoding are exercised.
 */
export function addLicenseBuyer(
  fake: MarketplaceFake,
  o: { product: string; licenseId: string; account?: string },
): { token: string; licenseArn: string } {
  const token = `tok+/=${o.licenseId}-${Date.now()}`;
  const licenseArn = `arn:aws:license-manager::1:license/${o.licenseId}`;
  fake.addToken(token, {
    ProductCode: o.product,
    CustomerAWSAccountId: o.account ?? '123412341234',
    LicenseArn: licenseArn,
  });
  return { token, licenseArn };
}

/**
 * The fields AWS Marketplace's "Set up your account" form POSTs to the seller's fulfillment URL: the buyer's
 * registration token and, for a free trial, the offer type.
 */
export function landingFields(token: string, offerType?: string): Record<string, string> {
  return {
    'x-amzn-marketplace-token': token,
    ...(offerType ? { 'x-amzn-marketplace-offer-type': offerType } : {}),
  };
}

/** Those fields as the form's `application/x-www-form-urlencoded` body. */
export function landingForm(token: string, offerType?: string): string {
  return new URLSearchParams(landingFields(token, offerType)).toString();
}

/** That form POST to `/landing` as API Gateway hands it to the register handler; `body` as sent (bad ones too). */
export function landingEvent(body: string): HttpEvent {
  return httpEvent({
    method: 'POST',
    path: '/landing',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
}
