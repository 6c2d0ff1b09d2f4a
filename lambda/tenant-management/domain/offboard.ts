/**
 * DELETE of a tenant or registration, idempotent as SBT's (a second DELETE is 200, so clients may
 * retry deletes): when the tenant is already being or has been offboarded, the answer is the current
 * state and nothing is emitted again. DEPROVISION_FAILED is "already deleted, cleanup failed" — it is
 * retried with the retry route, not by deleting again.
 */
import { LifecycleError } from '../../../src/contracts/lifecycle';
import type { TenantService } from './tenant-service';

const ALREADY_OFFBOARDING = new Set(['OFFBOARDING', 'OFFBOARDED', 'DEPROVISION_FAILED']);

export async function offboardIdempotently(
  svc: TenantService,
  tenantId: string,
  reason: string,
): Promise<{ tenant: Record<string, unknown>; emitted: boolean; repeated: boolean }> {
  try {
    return { ...(await svc.requestTransition(tenantId, 'offboard', reason)), repeated: false };
  } catch (e) {
    // Only the state machine's refusal (offboarding from OFFBOARDING…) can mean "already offboarding".
    if (!(e instanceof LifecycleError)) throw e;
    const tenant = await svc.getTenant(tenantId);
    if (!ALREADY_OFFBOARDING.has(String(tenant.lifecycleState))) throw e;
    return { tenant, emitted: true, repeated: true };
  }
}
