/**
 * The reference app: every product stack, as `cdktf deploy` (root) or `npm run modules` (module) sees it.
 * main.ts builds it in root mode; scripts/modules builds it in module mode.
 */
import type { App } from './core/cdktf';
import { backendFromEnvironment } from './core/backend';
import { ApplicationPlaneStack } from './application-plane/application-plane-stack';
import { ControlPlaneStack } from './control-plane/control-plane-stack';
import { MarketplaceStack } from './marketplace/marketplace-stack';
import { MarketplacePricingModel } from './marketplace/pricing';

/** Module name (= stack id) → README description. Every stack here becomes modules/<name>/. */
export const MODULE_DESCRIPTIONS: Record<string, string> = {
  'control-plane':
    'SaaS control plane: tenant management and registration API with scoped auth, users, tenant config, the SBT event bus and lifecycle events; reference billing and metering, each behind a switch (`enable_billing`, `enable_metering`).',
  'application-plane':
    'SaaS application plane: script jobs (Step Functions + CodeBuild) that provision and deprovision tenants when the control plane asks, and report back on its event bus. You give the scripts, which event-detail keys they receive and which exported variables go back (`<job>_event_variables`, `<job>_tenant_data_variables`, …), their IAM statements, compute size and timeout (`job_timeout_minutes`).',
  marketplace:
    'AWS Marketplace SaaS product: registration endpoint and page (switch: `enable_registration_page`), subscription/entitlement notifications (EventBridge Concurrent Agreements or legacy SNS), hourly metering with exactly-once billing per customer, dimension and hour, seller e-mail and subscriber admin routes.',
};

export function buildReferenceApp(app: App, mode: 'root' | 'module') {
  const common =
    mode === 'root'
      ? {
          mode,
          region: process.env.AWS_REGION ?? 'us-east-1',
          backend: backendFromEnvironment(process.env, app.node.tryGetContext('backend')),
        }
      : { mode };
  const controlPlane = new ControlPlaneStack(app, 'control-plane', {
    ...common,
    // Root mode: from the environment, else Terraform asks for `system_admin_email` at plan time.
    ...(mode === 'root' ? { systemAdminEmail: process.env.SBT_SYSTEM_ADMIN_EMAIL } : {}),
  });
  // Root mode: the bus ARN is a cross-stack reference (cdktf reads it from the control plane's state).
  // Module mode: ignored — the module's `event_bus_arn` input is required.
  const applicationPlane = new ApplicationPlaneStack(app, 'application-plane', {
    ...common,
    eventBusArn: controlPlane.eventManager.busArn,
  });
  const marketplace = new MarketplaceStack(app, 'marketplace', {
    ...common,
    ...(mode === 'root'
      ? {
          productCode: process.env.SBT_MP_PRODUCT_CODE ?? 'example-product-code',
          eventBusArn: controlPlane.eventManager.busArn,
          // Buyers become tenants through the control plane's own registration path (its tables).
          tenantTableName: controlPlane.tenantTable.tableName,
          tenantRegistrationTableName: controlPlane.controlPlane.registrationTable.tableName,
          sellerEmail: process.env.SBT_MP_SELLER_EMAIL ?? '',
          // Subscriber admin routes trust the control plane's identity provider.
          adminJwt: { issuer: controlPlane.auth.jwtIssuer, audience: controlPlane.auth.jwtAudience },
        }
      : {}),
    pricingModel: MarketplacePricingModel.CONTRACTS_WITH_SUBSCRIPTION,
    notifications: { eventBridge: true, legacySns: false },
  });
  return { controlPlane, applicationPlane, marketplace };
}
