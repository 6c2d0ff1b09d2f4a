import type { Construct } from '../../core/cdktf';
import { LambdaFunction } from '../../core/lambda-function';
import type { HttpMethod, IControlPlaneApi } from './control-plane-api';

/** One row of a service's route table: method, path, the one scope it needs, and another handler if not the service's. */
export type ScopedRoute = readonly [HttpMethod, string, string, LambdaFunction?];

export interface ServiceApiFunctionOptions {
  /** Service name: the archive is `<service>-api` and Powertools logs it as the service. */
  readonly service: string;
  readonly functionName: string;
  readonly description: string;
  /** Further environment. @default none */
  readonly environment?: Record<string, string>;
}

/**
 * The function behind a control-plane service's routes: construct id `api` (part of its resource
 * addresses), the `<service>-api` bundle, 15 s (API Gateway gives up after 29 s; a route does one
 * conditional write or one query).
 */
export function serviceApiFunction(scope: Construct, o: ServiceApiFunctionOptions): LambdaFunction {
  return new LambdaFunction(scope, 'api', {
    archive: `${o.service}-api`,
    functionName: o.functionName,
    description: o.description,
    timeout: 15,
    environment: { POWERTOOLS_SERVICE_NAME: o.service, ...o.environment },
  });
}

/** Adds every row to `api`, JWT-authorized with its one scope, served by `handler` unless the row names another. */
export function addScopedRoutes(api: IControlPlaneApi, handler: LambdaFunction, routes: readonly ScopedRoute[]): void {
  for (const [method, path, scope, fn] of routes)
    api.addRoute({ method, path, handler: fn ?? handler, scopes: [scope] });
}

/**
 * The five routes of a collection (SBT's shape): create and list on `collection`, get / update / delete
 * on `item`; reads take `read`, writes `write`. SBT updates tenants with PUT and registrations with PATCH.
 */
export function collectionRoutes(
  collection: string,
  item: string,
  o: { read: string; write: string; update: 'PUT' | 'PATCH' },
): ScopedRoute[] {
  return [
    ['POST', collection, o.write],
    ['GET', collection, o.read],
    ['GET', item, o.read],
    [o.update, item, o.write],
    ['DELETE', item, o.write],
  ];
}
