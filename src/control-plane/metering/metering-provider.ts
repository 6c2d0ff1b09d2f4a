import { Construct } from '../../core/cdktf';
import type { IEventManager } from '../../core/event-manager';
import { LambdaTarget } from '../../core/event-targets';
import type { SbtEventKey } from '../../contracts/event-catalog';
import { SCOPES } from '../../contracts/scopes';
import type { IControlPlaneApi, HttpMethod } from '../api/control-plane-api';
import type { TenantTable } from '../tenant-management/tenant-table';
import type { IASyncFunction, IMetering, ISyncFunction } from './metering-interface';

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
 * CognitoAuth its metering routes had none), `ingestUsage` and the customer lifecycle events → Lambda.
 */
export class MeteringProvider extends Construct {
  constructor(scope: Construct, id: string, props: MeteringProviderProps) {
    super(scope, id);
    const { metering, api, eventManager } = props;
    metering.bind?.(this, { api, eventManager, namePrefix: props.namePrefix, tenantTable: props.tenantTable });

    const route = (fn: ISyncFunction | undefined, method: HttpMethod, path: string, scope: string) => {
      if (fn) api.addRoute({ method, path, handler: fn.handler, scopes: [fn.scope ?? scope] });
    };
    route(metering.fetchUsageFunction, 'GET', '/usage/{meterId}', SCOPES.meteringRead);
    route(metering.fetchMeterFunction, 'GET', '/meters/{meterId}', SCOPES.meteringRead);
    route(metering.fetchAllMetersFunction, 'GET', '/meters', SCOPES.meteringRead);
    route(metering.createMeterFunction, 'POST', '/meters', SCOPES.meteringWrite);
    route(metering.cancelUsageEventsFunction, 'DELETE', '/usage', SCOPES.meteringWrite);
    route(metering.updateMeterFunction, 'PUT', '/meters/{meterId}', SCOPES.meteringWrite);
    route(metering.deleteMeterFunction, 'DELETE', '/meters/{meterId}', SCOPES.meteringWrite);

    const events: [IASyncFunction | undefined, SbtEventKey][] = [
      [metering.ingestUsageEventFunction, 'ingestUsage'],
      [metering.createCustomerFunction, 'onboardingRequest'],
      [metering.deleteCustomerFunction, 'offboardingRequest'],
    ];
    for (const [fn, key] of events) {
      if (!fn) continue;
      eventManager.addTargetToEvent(this, {
        eventDefinition: fn.trigger ?? eventManager.events[key],
        target: new LambdaTarget(fn.handler),
      });
    }
  }
}
