/**
 * What the tenant service shows of its items: API views (bookkeeping hidden) and the details of the events
 * it emits (`onboardingRequest`/`offboardingRequest`…, `tenantUpdated`), always within EventBridge's 256 KB.
 * Pure functions of the items.
 */
import type { SbtEventKey } from '../../../src/contracts/event-catalog';
import type { LifecycleEvent } from '../../../src/contracts/lifecycle';
import { type Data, EVENT_DETAIL_BUDGET, fitDetail } from './data';

export type OutgoingEvent = { key: SbtEventKey; detail: Record<string, unknown> };
export type Emit = (events: OutgoingEvent[]) => Promise<void>;

/** Hidden bookkeeping attributes are not part of API responses. */
export function present(item: Data | undefined): Data {
  if (!item) return {};
  const { listPartition: _p, requestFingerprint: _f, ...rest } = item;
  return rest;
}

/** Event detail views: the history stays out (EventBridge entries are limited to 256 KB). */
function eventView(item: Data): Data {
  const { listPartition: _p, lifecycleHistory: _h, version: _v, requestFingerprint: _f, ...rest } = item;
  return rest;
}

/** Fields an event always carries, however large the tenant: enough to act on it or fetch the rest. */
const REFERENCE_FIELDS = [
  'tenantId',
  'tenantRegistrationId',
  'lifecycleState',
  'sbtaws_active',
  'tenantName',
  'tier',
  'email',
  'createdAt',
  'updatedAt',
];

/** The tenant as a request event's detail (activateRequest, deactivateRequest). */
export function tenantDetail(tenant: Data): Data {
  return fitDetail(eventView(tenant), REFERENCE_FIELDS);
}

/** SBT's onboarding/offboarding payload: registration data ∪ tenant data ∪ ids (tenantData carries tenantRegistrationId, #143). */
export function requestDetail(tenant: Data, registration: Data): Data {
  return fitDetail(
    {
      ...eventView(registration),
      ...eventView(tenant),
      tenantId: tenant.tenantId,
      tenantRegistrationId: tenant.tenantRegistrationId,
    },
    REFERENCE_FIELDS,
  );
}

/** `tenantUpdated` for a change from `before` to `after` of the `changed` fields. */
export function updatedEvent(after: Data, before: Data, changed: string[], reason: string): OutgoingEvent {
  const uniq = [...new Set(changed)];
  return {
    key: 'tenantUpdated',
    // The tenant's new state, flat as in onboardingRequest (SBT-era consumers read detail.tier, .email…),
    // then what changed: changedFields, changes (new values), previous (old values), reason.
    // Never over EventBridge's 256 KB: changes and previous get a quarter of the budget each, the flat
    // state the rest; large values go by reference (omittedFields — GET /tenants/{tenantId} has them).
    detail: fitDetail(
      {
        ...eventView(after),
        tenantId: after.tenantId,
        tenantRegistrationId: after.tenantRegistrationId,
        lifecycleState: after.lifecycleState,
        changedFields: uniq,
        changes: fitDetail(
          Object.fromEntries(uniq.map((k) => [k, after[k] ?? null])),
          ['lifecycleState', 'sbtaws_active'],
          EVENT_DETAIL_BUDGET / 4,
        ),
        previous: fitDetail(
          Object.fromEntries(uniq.map((k) => [k, before[k] ?? null])),
          ['lifecycleState', 'sbtaws_active'],
          EVENT_DETAIL_BUDGET / 4,
        ),
        reason,
      },
      [...REFERENCE_FIELDS, 'changedFields', 'changes', 'previous', 'reason'],
    ),
  };
}

/** The request event a lifecycle event asks the application plane to act on. */
export function requestEventFor(event: LifecycleEvent): SbtEventKey | undefined {
  switch (event) {
    case 'provision':
    case 'retryProvisioning':
      return 'onboardingRequest';
    case 'offboard':
    case 'retryDeprovisioning':
      return 'offboardingRequest';
    case 'activate':
      return 'activateRequest';
    case 'deactivate':
      return 'deactivateRequest';
    default:
      return undefined;
  }
}
