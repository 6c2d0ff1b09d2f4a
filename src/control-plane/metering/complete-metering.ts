import { Construct } from '../../core/cdktf';
import type { IASyncFunction, IMetering, ISyncFunction } from './metering-interface';

/** Every member a CompleteMetering fills in (its public fields). */
export type MeteringMembers = Omit<CompleteMetering, keyof Construct>;

/**
 * Base of the metering providers that fill in all of IMetering's routes, usage ingestion and the tenant
 * tier it follows (DynamoDBMetering, AmberfloMetering; a vendor package can extend it too). It declares the
 * members once; a provider only builds its functions.
 */
export abstract class CompleteMetering extends Construct implements IMetering {
  // Set once, by the constructor, from what `build` returns (every member: the type leaves none out).
  readonly createMeterFunction!: ISyncFunction;
  readonly fetchMeterFunction!: ISyncFunction;
  readonly fetchAllMetersFunction!: ISyncFunction;
  readonly updateMeterFunction!: ISyncFunction;
  readonly deleteMeterFunction!: ISyncFunction;
  readonly fetchUsageFunction!: ISyncFunction;
  readonly cancelUsageEventsFunction!: ISyncFunction;
  readonly ingestUsageEventFunction!: IASyncFunction;
  /** Records the tier a tenant starts on (`onboardingRequest`). */
  readonly createCustomerFunction!: IASyncFunction;
  /** Follows tier changes (`tenantUpdated`, seed 003): usage ingested afterwards is recorded under the new tier. */
  readonly updateCustomerFunction!: IASyncFunction;
  /** Removes the vendor-side customer (`offboardingRequest`). @default none: the provider keeps usage history */
  readonly deleteCustomerFunction?: IASyncFunction;

  /**
   * @param build creates the members under `self` (this construct, so their addresses are the provider's)
   * and returns them; it runs before the subclass's own fields are set.
   */
  protected constructor(scope: Construct, id: string, build: (self: Construct) => MeteringMembers) {
    super(scope, id);
    Object.assign(this, build(this));
  }
}
