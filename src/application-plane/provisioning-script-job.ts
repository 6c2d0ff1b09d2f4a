import type { Construct } from '../core/cdktf';
import { ScriptJob, type TenantLifecycleScriptJobProps, tenantLifecycleJobProps } from './script-job';

/** What a failed provisioning reports as `jobOutput` (SBT's value). */
export const PROVISIONING_FAILURE_STATUS = { tenantStatus: 'Failed to provision tenant.' } as const;

/**
 * A ScriptJob that provisions a tenant: runs on `onboardingRequest` and answers with `provisionSuccess`
 * or `provisionFailure`, identified by `tenantRegistrationId` (SBT-AWS's ProvisioningScriptJob).
 */
export class ProvisioningScriptJob extends ScriptJob {
  constructor(scope: Construct, id: string, props: TenantLifecycleScriptJobProps) {
    super(scope, id, tenantLifecycleJobProps(props, 'provision', PROVISIONING_FAILURE_STATUS));
  }
}
