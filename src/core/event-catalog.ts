/**
 * The SBT event catalogue (pure data, no cdktf import, so handlers bundle it too).
 * Detail-types are `sbt_aws_<key>` as in SBT-AWS ≥ 0.9 so application planes written for SBT work
 * unchanged; `tenantUpdated` is ours (seed 003 asks for it; SBT has no update event).
 */
export const CONTROL_PLANE_SOURCE = 'sbt.control.plane';
export const APPLICATION_PLANE_SOURCE = 'sbt.application.plane';

/** Keys whose default source is the control plane. */
export const CONTROL_PLANE_EVENT_KEYS = [
  'onboardingRequest',
  'offboardingRequest',
  'billingSuccess',
  'billingFailure',
  'activateRequest',
  'deactivateRequest',
  'tenantUserCreated',
  'tenantUserDeleted',
  'tenantUpdated',
] as const;

/** Keys whose default source is the application plane. */
export const APPLICATION_PLANE_EVENT_KEYS = [
  'onboardingSuccess',
  'onboardingFailure',
  'offboardingSuccess',
  'offboardingFailure',
  'provisionSuccess',
  'provisionFailure',
  'deprovisionSuccess',
  'deprovisionFailure',
  'activateSuccess',
  'activateFailure',
  'deactivateSuccess',
  'deactivateFailure',
  'ingestUsage',
] as const;

export type ControlPlaneEventKey = (typeof CONTROL_PLANE_EVENT_KEYS)[number];
export type ApplicationPlaneEventKey = (typeof APPLICATION_PLANE_EVENT_KEYS)[number];
export type SbtEventKey = ControlPlaneEventKey | ApplicationPlaneEventKey;

export const SBT_EVENT_KEYS: readonly SbtEventKey[] = [...CONTROL_PLANE_EVENT_KEYS, ...APPLICATION_PLANE_EVENT_KEYS];

/** `onboardingRequest` → `sbt_aws_onboardingRequest`. */
export function detailTypeOf(key: SbtEventKey): string {
  return `sbt_aws_${key}`;
}

export function defaultSourceOf(key: SbtEventKey): string {
  return (CONTROL_PLANE_EVENT_KEYS as readonly string[]).includes(key) ? CONTROL_PLANE_SOURCE : APPLICATION_PLANE_SOURCE;
}
