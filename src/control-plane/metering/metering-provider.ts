import { Construct } from '../../core/cdktf';
import type { IEventManager } from '../../core/event-manager';
import { SCOPES } from '../../contracts/scopes';
import type { IControlPlaneApi } from '../api/control-plane-api';
import { routeSyncMembers, subscribeAsyncMembers } from '../provider-wiring';
import type { TenantTable } from '../tenant-management/tenant-table';
import type { IMetering } from './metering-interface';

export interface MeteringProviderProps {
  /** The metering implementation to wire (DynamoDBMetering, a vendor package…). */
  readonly metering: IMetering;
  /** The control plane's HTTP API (routes of SBT §2 rows 19–25). */
  readonly api: IControlPlaneApi;
  /** The SBT event bus (`ingestUsage`, onboarding/offboarding). */
  readonly eventManager: IEventManager;
  /** Prefix of resource names. */
  readonly namePrefix: string;
  /** Handed to `metering.bind`. @default none */
  readonly tenantTable?: TenantTable;
}

/**
 * Wires an IMetering into the control plane (SBT's MeteringProvider): routes with the JWT authorizer and
 * each member's scope (default read/write metering scopes — SBT left them to the provider, so with
 * CognitoAuth its metering routes had none), `ingestUsage` and the customer lifecycle events (onboarding, offboarding, tenantUpdated) → Lambda.
 */
export class MeteringProvider extends Construct {
  constructor(scope: Construct, id: string, props: MeteringProviderProps) {
    super(scope, id);
    const { metering, api, eventManager } = props;
    metering.bind?.(this, { api, eventManager, namePrefix: props.namePrefix, tenantTable: props.tenantTable });

    const { meteringRead: read, meteringWrite: write } = SCOPES;
    routeSyncMembers(api, [
      [metering.fetchUsageFunction, 'GET', '/usage/{meterId}', read],
      [metering.fetchMeterFunction, 'GET', '/meters/{meterId}', read],
      [metering.fetchAllMetersFunction, 'GET', '/meters', read],
      [metering.createMeterFunction, 'POST', '/meters', write],
      [metering.cancelUsageEventsFunction, 'DELETE', '/usage', write],
      [metering.updateMeterFunction, 'PUT', '/meters/{meterId}', write],
      [metering.deleteMeterFunction, 'DELETE', '/meters/{meterId}', write],
    ]);
    subscribeAsyncMembers(this, eventManager, [
      [metering.ingestUsageEventFunction, 'ingestUsage'],
      [metering.createCustomerFunction, 'onboardingRequest'],
      [metering.deleteCustomerFunction, 'offboardingRequest'],
      [metering.updateCustomerFunction, 'tenantUpdated'],
    ]);
  }
}
