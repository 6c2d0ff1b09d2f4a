/**
 * Shared by the registration-site tests (HTTP and browser): the marketplace stack synthesized to disk by
 * `app.synth()` (so the page assets exist where the `aws_s3_object` sources say), its input variables
 * applied, its tables created in DynamoDB Local, the Marketplace fake and the bus capture on loopback,
 * and the site served from all of that (test/support/registration-site.ts).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from '../../../src/core/cdktf';
import { MarketplaceStack } from '../../../src/marketplace/marketplace-stack';
import type { StackJson } from '../../../local/stack-json';
import { createTablesFromSynth, uniquePrefix } from '../../../local/tables';
import {
  controlPlaneTenantTables,
  type MarketplaceLoopback,
  startMarketplaceLoopback,
} from '../../support/marketplace-loopback';
import { startRegistrationSite, type RegistrationSite } from '../../support/registration-site';
import { applyVariables } from '../../../local/terraform-variables';

export const PRODUCT = 'sitetestproductcode00001';
const BUS = 'arn:aws:events:us-east-1:000000000000:event-bus/sbt-events';
export const REQUIRED = ['companyName', 'contactPerson', 'contactEmail'];
export const OPTIONAL = ['contactPhone'];

/** The fake and the bus capture (`MarketplaceLoopback`), and the site served from the synthesized stack. */
export interface SiteFixture extends MarketplaceLoopback {
  site: RegistrationSite;
  json: StackJson;
  tables: Record<string, string>;
  stop(): Promise<void>;
}

export async function startSite(label: string, openssl: string): Promise<SiteFixture> {
  const out = mkdtempSync(join(tmpdir(), 'sbt-site-synth-'));
  const app = new App({ outdir: out });
  new MarketplaceStack(app, 'marketplace', {
    eventBusArn: BUS,
    adminJwt: { issuer: 'https://issuer.example', audience: ['admin'] },
    registrationPage: { productName: 'Widgets' },
  });
  app.synth();
  const stackDir = join(out, 'stacks', 'marketplace');
  const cpTables = await controlPlaneTenantTables(label);
  const rawJson = JSON.parse(readFileSync(join(stackDir, 'cdk.tf.json'), 'utf8')) as StackJson;
  const json = applyVariables(rawJson, {
    product_code: PRODUCT,
    registration_required_fields: REQUIRED,
    registration_optional_fields: OPTIONAL,
    // The control plane's tables (onboarding goes through its registration path), as a caller wires them.
    tenant_table_name: cpTables.tenants,
    tenant_registration_table_name: cpTables.registrations,
  });
  const tables = await createTablesFromSynth(json as Parameters<typeof createTablesFromSynth>[0], uniquePrefix(label));
  const loopback = await startMarketplaceLoopback(PRODUCT);
  const site = await startRegistrationSite({ json, stackDir, tables, busName: BUS, openssl });
  return {
    site,
    ...loopback,
    json,
    tables,
    async stop() {
      await site.stop();
      await loopback.stop();
      rmSync(out, { recursive: true, force: true });
    },
  };
}

/** An HTTPS request to the site (its certificate is self-signed). */
export function fetchSite(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
) {
  return new Promise<{ status: number; headers: Record<string, string>; body: string }>((resolve, reject) => {
    const req = request(
      url,
      { method: init.method ?? 'GET', headers: init.headers, rejectUnauthorized: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers as Record<string, string>,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}
