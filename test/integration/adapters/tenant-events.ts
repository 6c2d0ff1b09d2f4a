/**
 * The control plane's tenant events (`sbt_aws_*` details) as a vendor adapter receives them, for the adapter
 * suites' tenant Acme: each suite drives the same lifecycle against its own vendor fake.
 */

/** Acme's onboardingRequest. */
export const ACME_ONBOARDING = { tenantId: 'acme', tenantName: 'Acme', email: 'ops@acme.example', tier: 'basic' };

/** A tenantUpdated for a lifecycle change only: nothing a vendor keeps has changed. */
export const lifecycleOnlyUpdate = (tenantId: string, tier: string) => ({
  tenantId,
  tier,
  lifecycleState: 'ACTIVE',
  changedFields: ['lifecycleState'],
});

/** A tenantUpdated for a tier change (seed 003). */
export const tierChange = (tenantId: string, tenantName: string, tier: string) => ({
  tenantId,
  tenantName,
  tier,
  changedFields: ['tier'],
});
