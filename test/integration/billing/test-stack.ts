/**
 * The small control plane the billing and metering tests run: SbtStack + EventManager + HttpControlPlaneApi
 * (JWT) + TenantTable + DynamoDBMetering + DynamoDBBilling (with the metering usage source) wired by
 * BillingProvider and MeteringProvider — exactly as the lead wires them into ControlPlane.
 */
import { EventManager } from '../../../src/core/event-manager';
import { SbtStack } from '../../../src/core/sbt-stack';
import { HttpControlPlaneApi } from '../../../src/control-plane/api/http-control-plane-api';
import { BillingProvider } from '../../../src/control-plane/billing/billing-provider';
import type { IBilling } from '../../../src/control-plane/billing/billing-interface';
import { DynamoDBBilling } from '../../../src/control-plane/billing/dynamodb-billing';
import { DynamoDBMetering } from '../../../src/control-plane/metering/dynamodb-metering';
import { MeteringProvider } from '../../../src/control-plane/metering/metering-provider';
import { TenantTable } from '../../../src/control-plane/tenant-management/tenant-table';
import type { Construct } from '../../../src/core/cdktf';
import { testApp } from '../../support/synth';

export class BillingTestStack extends SbtStack {
  readonly eventManager: EventManager;
  readonly api: HttpControlPlaneApi;
  readonly tenantTable: TenantTable;
  readonly metering: DynamoDBMetering;
  readonly billing: IBilling;
  readonly billingProvider: BillingProvider;
  readonly meteringProvider: MeteringProvider;

  constructor(scope: Construct, id: string, opts: { billing?: (s: SbtStack) => IBilling } = {}) {
    super(scope, id, { namePrefix: 'test' });
    this.eventManager = new EventManager(this, 'events', { busName: this.name('sbt-events') });
    this.tenantTable = new TenantTable(this, 'tenants', { name: this.name('tenants') });
    this.api = new HttpControlPlaneApi(this, 'api', {
      name: this.name('control-plane'),
      jwt: { issuer: 'https://issuer.example', audience: ['aud'] },
    });
    this.metering = new DynamoDBMetering(this, 'metering', { namePrefix: this.namePrefix });
    this.billing = opts.billing
      ? opts.billing(this)
      : new DynamoDBBilling(this, 'billing', { namePrefix: this.namePrefix, metering: this.metering });
    const wiring = {
      api: this.api,
      eventManager: this.eventManager,
      namePrefix: this.namePrefix,
      tenantTable: this.tenantTable,
    };
    this.billingProvider = new BillingProvider(this, 'billing-provider', { billing: this.billing, ...wiring });
    this.meteringProvider = new MeteringProvider(this, 'metering-provider', { metering: this.metering, ...wiring });
  }
}

export function billingTestStack(opts: { billing?: (s: SbtStack) => IBilling } = {}): BillingTestStack {
  return new BillingTestStack(testApp(), 'billing-test', opts);
}
