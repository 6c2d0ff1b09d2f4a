import type { Construct } from '../core/cdktf';
import { ScriptJob, type TenantLifecycleScriptJobProps, tenantLifecycleJobProps } from './script-job';

/** What a failed deprovisioning reports as `jobOutput` (SBT's value). */
export const DEPROVISIONING_FAILURE_STATUS = { tenantStatus: 'Failed to deprovision tenant.' } as const;

/**
 * A ScriptJob that removes a tenant's resources: runs on `offboardingRequest` and answers with
 * `deprovisionSuccess` or `deprovisionFailure`, identified by `tenantRegistrationId` (SBT-AWS's
 * DeprovisioningScriptJob).
 */
export class DeprovisioningScriptJob extends ScriptJob {
  constructor(scope: Construct, id: string, props: TenantLifecycleScriptJobProps) {
    super(scope, id, tenantLifecycleJobProps(props, 'deprovision', DEPROVISIONING_FAILURE_STATUS));
  }
}
