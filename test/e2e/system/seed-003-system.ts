/**
 * What both seed-003 tests run on (issue 12): a synthesized control plane — its rules, targets and real
 * handlers — on fresh DynamoDB Local tables, its events on an EventBridge capture, driven through its API
 * with one token's scopes; and the two steps both take: a tenant onboarded to ACTIVE, then its tier changed
 * with `PUT /tenants/{id}`.
 */
import { ControlPlaneStack } from '../../../src/control-plane/control-plane-stack';
import { EventBridgeCapture } from '../../../local/eventbridge-capture';
import { LocalSystem } from '../../../local/system';
import type { SynthHarness } from '../../../local/synth-harness';
import { controlPlaneHarness } from '../../support/control-plane-harness';
import { createTenant, expectStatus, type ScopedApi, scopedApi, type TenantInput } from '../../support/scoped-api';
import { synthStack, testApp } from '../../support/synth';

export interface Seed003System {
  readonly bus: EventBridgeCapture;
  cp: SynthHarness;
  system: LocalSystem;
  /** The API with the test's scopes. */
  api: ScopedApi;
}

/**
 * The system for one test file: started in `beforeAll` (the fields are set from then on), the capture
 * stopped in `afterAll`. `name` prefixes the tables and names the bus.
 */
export function seed003System(name: string, scopes: readonly string[]): Seed003System {
  const s = { bus: new EventBridgeCapture() } as Seed003System;
  beforeAll(async () => {
    await s.bus.start();
    const json = synthStack(
      new ControlPlaneStack(testApp(), 'control-plane', { systemAdminEmail: 'admin@example.com' }),
    );
    s.cp = await controlPlaneHarness(json, name);
    s.system = new LocalSystem(s.bus, [{ harness: s.cp }]);
    s.api = scopedApi(s.cp, scopes);
  });
  afterAll(() => s.bus.stop());
  return s;
}

/**
 * `POST /tenants` (201), the onboardingRequest delivered to every target of the synthesized rules, then the
 * application plane's provisionSuccess: the tenant is ACTIVE, and the lifecycle-only tenantUpdated that
 * follows has been delivered too.
 */
export async function onboardActiveTenant(
  s: Seed003System,
  tenant: TenantInput,
): Promise<{ tenantId: string; tenantRegistrationId: string }> {
  const { tenantId, tenantRegistrationId } = await createTenant(s.api, tenant);
  await s.system.drain(); // onboardingRequest → the providers' onboarding handlers
  await s.cp.publish('sbt.application.plane', 'sbt_aws_provisionSuccess', {
    tenantRegistrationId,
    jobOutput: { tenantData: { tenantStatus: 'created' } },
  });
  await s.system.drain(); // lifecycle-only tenantUpdated: nothing tier-relevant changed
  return { tenantId, tenantRegistrationId };
}

/** `PUT /tenants/{id}` with a new tier (200), and every delivery that follows succeeded. */
export async function changeTier(s: Seed003System, tenantId: string, tier: string): Promise<void> {
  expectStatus(await s.api.put(`/tenants/${tenantId}`, { tier }), 200);
  await s.system.drain();
  expect(s.system.deliveries.filter((d) => d.outcome !== 'ok')).toEqual([]);
}
