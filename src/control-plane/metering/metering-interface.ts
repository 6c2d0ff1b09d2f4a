/**
 * IMetering — what a metering provider (our DynamoDBMetering, a vendor package such as an Amberflo
 * adapter, your own) hands to the control plane. Same members and routes as SBT-AWS 0.9.3
 * (reference/sbt-aws.md §6.4, routes §2 rows 19–25), wired by MeteringProvider; scopes default to
 * `metering/metering_read` (reads) and `metering/metering_write` (changes). Request shapes follow seed 000's
 * metering section (POST /meters `{label, meterApiName, meterType}`, GET /usage/{meterId}?meterApiName=
 * &startTimeInSeconds=&endTimeInSeconds=, DELETE /usage `{id, meterApiName, ingestionTimeRange}`, ingest
 * events `{tenantId, meterApiName, meterValue}`).
 */
import type { Construct } from '../../core/cdktf';
import type { BillingBindContext, IASyncFunction, ISyncFunction } from '../billing/billing-interface';

export type { IASyncFunction, ISyncFunction } from '../billing/billing-interface';

/** What `bind` receives (the same parts of the control plane a billing provider gets). */
export type MeteringBindContext = BillingBindContext;

export interface IMetering {
  /** `POST /meters` `{label, meterApiName, meterType, ...}` → 201. Sync, default scope `metering/metering_write`. Required. */
  readonly createMeterFunction: ISyncFunction;
  /** `GET /meters/{meterId}`. Sync, default scope `metering/metering_read`. Required. */
  readonly fetchMeterFunction: ISyncFunction;
  /** `GET /meters?limit=&next_token=` (paginated). Sync, default scope `metering/metering_read`. Required. */
  readonly fetchAllMetersFunction: ISyncFunction;
  /** `PUT /meters/{meterId}`. Sync, default scope `metering/metering_write`. */
  readonly updateMeterFunction?: ISyncFunction;
  /** `DELETE /meters/{meterId}`. Sync, default scope `metering/metering_write`. */
  readonly deleteMeterFunction?: ISyncFunction;
  /**
   * Records usage. Async, default trigger `ingestUsage` (application plane source); detail
   * `{tenantId, meterApiName, meterValue, eventId?, timestamp?, dimensions?}`. Must be idempotent per event
   * id: EventBridge and Lambda both redeliver. Required.
   */
  readonly ingestUsageEventFunction: IASyncFunction;
  /**
   * `GET /usage/{meterId}?meterApiName=&startTimeInSeconds=&endTimeInSeconds=` (window defaults to the last
   * 24 h). Sync, default scope `metering/metering_read`. Required.
   */
  readonly fetchUsageFunction: ISyncFunction;
  /**
   * `DELETE /usage` `{id, meterApiName, ingestionTimeRange: {startTimeInSeconds, endTimeInSeconds}}`: cancels
   * usage ingested in the range. Sync, default scope `metering/metering_write`.
   */
  readonly cancelUsageEventsFunction?: ISyncFunction;
  /** Creates the vendor-side customer. Async, default trigger `onboardingRequest`. */
  readonly createCustomerFunction?: IASyncFunction;
  /** Deletes the vendor-side customer. Async, default trigger `offboardingRequest`. */
  readonly deleteCustomerFunction?: IASyncFunction;
  /**
   * Follows a tenant's changes (seed 003: a new `tier` is a new plan for usage from then on). Async,
   * default trigger `tenantUpdated` (detail: the tenant's new state flat, plus `changedFields`); should
   * act only on the fields it keeps (e.g. `tier`) and tolerate redelivery and reordering.
   */
  readonly updateCustomerFunction?: IASyncFunction;
  /** Called once by MeteringProvider before wiring. @default nothing to bind */
  bind?(scope: Construct, context: MeteringBindContext): void;
}
