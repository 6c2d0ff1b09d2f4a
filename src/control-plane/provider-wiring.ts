/**
 * How BillingProvider and MeteringProvider wire a provider's members (SBT's IASyncFunction /
 * ISyncFunction) into the control plane — one place, so both providers wire the same way.
 */
import type { SbtEventKey } from '../contracts/event-catalog';
import type { Construct } from '../core/cdktf';
import type { IEventManager } from '../core/event-manager';
import { LambdaTarget } from '../core/event-targets';
import type { HttpMethod, IControlPlaneApi } from './api/control-plane-api';
import type { IASyncFunction, ISyncFunction } from './billing/billing-interface';

/** An async member and the catalogue event it answers unless it names its own `trigger`. */
export type AsyncMemberRow = readonly [IASyncFunction | undefined, SbtEventKey];
/** A sync member, its route, and the scope it needs unless it names its own. */
export type SyncMemberRow = readonly [ISyncFunction | undefined, HttpMethod, string, string];

/** Each present async member becomes a Lambda target of a rule (in `scope`) on its event. */
export function subscribeAsyncMembers(
  scope: Construct,
  eventManager: IEventManager,
  rows: readonly AsyncMemberRow[],
): void {
  for (const [fn, key] of rows) {
    if (!fn) continue;
    eventManager.addTargetToEvent(scope, {
      eventDefinition: fn.trigger ?? eventManager.events[key],
      target: new LambdaTarget(fn.handler),
    });
  }
}

/** Each present sync member becomes a JWT route with its scope. */
export function routeSyncMembers(api: IControlPlaneApi, rows: readonly SyncMemberRow[]): void {
  for (const [fn, method, path, scope] of rows) {
    if (fn) api.addRoute({ method, path, handler: fn.handler, scopes: [fn.scope ?? scope] });
  }
}
