/**
 * Application-plane job results → tenant lifecycle: provision/deprovision Success/Failure (SBT ScriptJob
 * payloads `{tenantRegistrationId, jobOutput: {tenantData, tenantRegistrationData}}`; failures may carry
 * `error` / `cause`). Idempotent: a duplicate delivery finds the tenant already in the target state and
 * does nothing; a result that no longer fits (e.g. a late success after an offboarding started) is logged
 * and dropped, never retried forever.
 */
import { type JobError, LifecycleError, type LifecycleEvent } from '../../../src/contracts/lifecycle';
import { type Data, deepEqual, jobData } from './data';
import { updatedEvent } from './tenant-events';
import type { TenantService } from './tenant-service';

export type JobResultKey = 'provisionSuccess' | 'provisionFailure' | 'deprovisionSuccess' | 'deprovisionFailure';
export type JobResultOutcome = 'applied' | 'duplicate' | 'ignored';

const RESULT_EVENTS: Record<JobResultKey, LifecycleEvent> = {
  provisionSuccess: 'provisionSucceeded',
  provisionFailure: 'provisionFailed',
  deprovisionSuccess: 'deprovisionSucceeded',
  deprovisionFailure: 'deprovisionFailed',
};

/** The state a result moves the tenant to (a tenant found there already got this result). */
const TARGET_STATE: Record<JobResultKey, string> = {
  provisionSuccess: 'ACTIVE',
  provisionFailure: 'PROVISION_FAILED',
  deprovisionSuccess: 'OFFBOARDED',
  deprovisionFailure: 'DEPROVISION_FAILED',
};

/** Errors are clipped: a Step Functions cause can be tens of KB, and the item (with its history) must stay far below 400 KB. */
const MAX_ERROR_CHARS = 2048;

export async function applyJobResult(svc: TenantService, key: JobResultKey, detail: Data): Promise<JobResultOutcome> {
  const log = svc.log;
  const regId = detail.tenantRegistrationId;
  if (typeof regId !== 'string' || !regId) {
    log?.warn(`${key} without tenantRegistrationId ignored`, { detail });
    return 'ignored';
  }
  const reg = await svc.repository.getRegistration(regId);
  if (!reg) {
    log?.warn(`${key} for unknown registration ignored`, { tenantRegistrationId: regId });
    return 'ignored';
  }
  const tenantId = String(reg.tenantId);
  const jobOutput =
    detail.jobOutput && typeof detail.jobOutput === 'object' && !Array.isArray(detail.jobOutput)
      ? (detail.jobOutput as Data)
      : {};
  const structured = 'tenantData' in jobOutput || 'tenantRegistrationData' in jobOutput;
  // Success: { tenantData, tenantRegistrationData }. SBT failures send jobFailureStatus flat (e.g.
  // { tenantStatus: 'Failed to provision tenant.' }) — SBT drops it; we store it on the tenant.
  const tenantData = jobData(structured ? jobOutput.tenantData : jobOutput);
  delete tenantData.tenantName; // unique and immutable (see TenantService.updateTenant); a job cannot rename a tenant
  const registrationData = jobData(structured ? jobOutput.tenantRegistrationData : undefined);
  delete registrationData.tenantName; // nor give its registration another name than the tenant's
  const error = key.endsWith('Failure') ? jobError(key, detail, jobOutput) : undefined;
  const reason = `${key} from the application plane`;
  try {
    const { before, after } = await svc.applyTransition(tenantId, RESULT_EVENTS[key], {
      reason,
      error,
      tenantData,
      registrationData,
    });
    const changed = ['lifecycleState', ...Object.keys(tenantData).filter((k) => !deepEqual(before[k], tenantData[k]))];
    if (error) changed.push('lastError');
    if (before.sbtaws_active !== after.sbtaws_active) changed.push('sbtaws_active');
    await svc.emit([updatedEvent(after, before, changed, reason)]);
    return 'applied';
  } catch (e) {
    if (!(e instanceof LifecycleError)) throw e;
    const current = await svc.repository.getTenant(tenantId);
    if (current?.lifecycleState === TARGET_STATE[key]) return 'duplicate';
    log?.warn(`${key} does not fit tenant state; ignored`, { tenantId, lifecycleState: current?.lifecycleState });
    return 'ignored';
  }
}

function jobError(key: JobResultKey, detail: Data, jobOutput: Data): JobError {
  const cause = str(detail.cause) ?? str(jobOutput.cause);
  const output = JSON.stringify(jobOutput);
  return {
    error: clip(str(detail.error) ?? str(jobOutput.error) ?? `${key}`),
    ...(cause ? { cause: clip(cause) } : {}),
    jobOutput: output.length > MAX_ERROR_CHARS ? clip(output) : jobOutput,
  };
}

function clip(v: string): string {
  return v.length > MAX_ERROR_CHARS ? `${v.slice(0, MAX_ERROR_CHARS)}…(truncated)` : v;
}

function str(v: unknown): string | undefined {
  if (typeof v === 'string' && v) return v;
  if (v && typeof v === 'object') return JSON.stringify(v);
  return undefined;
}
