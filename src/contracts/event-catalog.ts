/**
 * The SBT event catalogue (pure data, no cdktf import, so handlers bundle it too).
 *
 * Two eras of names exist in the wild and both must work (design §4):
 *  - SBT-AWS ≥ 0.9 (`sbt-0.9`): detail-type `sbt_aws_<key>`, sources `sbt.control.plane` /
 *    `sbt.application.plane`;
 *  - SBT-AWS before 0.9 (`pre-0.9`, what the seed documents and SBT's DetailType enum use): detail-type
 *    `<key>`, sources `controlPlaneEventSource` / `applicationPlaneEventSource`.
 * Every rule matches both; which one we *emit* is a setting (EventManager `eventEra`, module variable
 * `event_era`), ≥ 0.9 by default. `tenantUpdated` is ours (seed 003 asks for it; SBT has no update event).
 */
export const CONTROL_PLANE_SOURCE = 'sbt.control.plane';
export const APPLICATION_PLANE_SOURCE = 'sbt.application.plane';
/** SBT's default sources before 0.9 (the literal strings; the seed's sample event uses the first). */
export const LEGACY_CONTROL_PLANE_SOURCE = 'controlPlaneEventSource';
export const LEGACY_APPLICATION_PLANE_SOURCE = 'applicationPlaneEventSource';

/** The naming eras: `sbt-0.9` (`sbt_aws_<key>`, `sbt.*.plane`) and `pre-0.9` (`<key>`, `*PlaneEventSource`). */
export const EVENT_ERAS = ['sbt-0.9', 'pre-0.9'] as const;
export type EventEra = (typeof EVENT_ERAS)[number];
export const DEFAULT_EVENT_ERA: EventEra = 'sbt-0.9';
/** Detail-type prefix of the ≥ 0.9 era. */
export const DETAIL_TYPE_PREFIX = 'sbt_aws_';

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

export function isEventEra(v: unknown): v is EventEra {
  return (EVENT_ERAS as readonly unknown[]).includes(v);
}

/** `onboardingRequest` → `sbt_aws_onboardingRequest` (≥ 0.9) or `onboardingRequest` (pre-0.9). */
export function detailTypeOf(key: SbtEventKey, era: EventEra = DEFAULT_EVENT_ERA): string {
  return era === 'pre-0.9' ? key : `${DETAIL_TYPE_PREFIX}${key}`;
}

/** Both eras' detail-types of a key (what rules match). */
export function detailTypesOf(key: SbtEventKey): [string, string] {
  return [detailTypeOf(key, 'sbt-0.9'), detailTypeOf(key, 'pre-0.9')];
}

/** The key of a detail-type of either era (`sbt_aws_provisionSuccess` or `provisionSuccess`); undefined if not SBT's. */
export function keyOfDetailType(detailType: string): SbtEventKey | undefined {
  const key = detailType.startsWith(DETAIL_TYPE_PREFIX) ? detailType.slice(DETAIL_TYPE_PREFIX.length) : detailType;
  return (SBT_EVENT_KEYS as readonly string[]).includes(key) ? (key as SbtEventKey) : undefined;
}

export function isControlPlaneKey(key: SbtEventKey): boolean {
  return (CONTROL_PLANE_EVENT_KEYS as readonly string[]).includes(key);
}

/** The plane's default source in an era. */
export function defaultSourceOf(key: SbtEventKey, era: EventEra = DEFAULT_EVENT_ERA): string {
  if (era === 'pre-0.9') return isControlPlaneKey(key) ? LEGACY_CONTROL_PLANE_SOURCE : LEGACY_APPLICATION_PLANE_SOURCE;
  return isControlPlaneKey(key) ? CONTROL_PLANE_SOURCE : APPLICATION_PLANE_SOURCE;
}

/**
 * SBT's `DetailType` (SBT-AWS before 0.9, still what the seed's examples use, e.g. `DetailType.INGEST_USAGE`):
 * the un-prefixed names. `addTargetToEvent(scope, { eventType: DetailType.X, target })` routes the event
 * of either era; putting `detailType: DetailType.X` on the bus is matched by every rule we create.
 */
export const DetailType = {
  ONBOARDING_REQUEST: 'onboardingRequest',
  OFFBOARDING_REQUEST: 'offboardingRequest',
  BILLING_SUCCESS: 'billingSuccess',
  BILLING_FAILURE: 'billingFailure',
  ACTIVATE_REQUEST: 'activateRequest',
  DEACTIVATE_REQUEST: 'deactivateRequest',
  TENANT_USER_CREATED: 'tenantUserCreated',
  TENANT_USER_DELETED: 'tenantUserDeleted',
  ONBOARDING_SUCCESS: 'onboardingSuccess',
  ONBOARDING_FAILURE: 'onboardingFailure',
  OFFBOARDING_SUCCESS: 'offboardingSuccess',
  OFFBOARDING_FAILURE: 'offboardingFailure',
  PROVISION_SUCCESS: 'provisionSuccess',
  PROVISION_FAILURE: 'provisionFailure',
  DEPROVISION_SUCCESS: 'deprovisionSuccess',
  DEPROVISION_FAILURE: 'deprovisionFailure',
  ACTIVATE_SUCCESS: 'activateSuccess',
  ACTIVATE_FAILURE: 'activateFailure',
  DEACTIVATE_SUCCESS: 'deactivateSuccess',
  DEACTIVATE_FAILURE: 'deactivateFailure',
  INGEST_USAGE: 'ingestUsage',
  /** Ours (seed 003); SBT has no update event. */
  TENANT_UPDATED: 'tenantUpdated',
} as const satisfies Record<string, SbtEventKey>;
export type DetailType = (typeof DetailType)[keyof typeof DetailType];
