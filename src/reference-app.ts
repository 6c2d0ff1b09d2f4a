/**
 * The reference app: every product stack, as `cdktf deploy` (root) or `npm run modules` (module) sees it.
 * main.ts builds it in root mode; scripts/modules builds it in module mode.
 */
import type { App } from './core/cdktf';
import { backendFromEnvironment } from './core/backend';
import { ControlPlaneStack } from './control-plane/control-plane-stack';

/** Module name (= stack id) → README description. Every stack here becomes modules/<name>/. */
export const MODULE_DESCRIPTIONS: Record<string, string> = {
  'control-plane':
    'SaaS control plane: tenant management and registration API with scoped auth, users, tenant config, the SBT event bus and lifecycle events.',
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
  const controlPlane = new ControlPlaneStack(app, 'control-plane', { ...common });
  return { controlPlane };
}
