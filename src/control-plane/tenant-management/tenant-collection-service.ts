import { Construct } from '../../core/cdktf';
import type { IEventManager } from '../../core/event-manager';
import type { LambdaFunction } from '../../core/lambda-function';
import type { HttpMethod, IControlPlaneApi } from '../api/control-plane-api';
import { addScopedRoutes, collectionRoutes, serviceApiFunction } from '../api/service-routes';
import type { ControlPlaneScopes } from '../auth/auth-interface';
import type { RegistrationTable } from '../tenant-registration/registration-table';
import type { TenantTable } from './tenant-table';

/** What a service of the tenant lifecycle is given (the API, its scopes, both tables and the bus). */
export interface TenantCollectionServiceProps {
  readonly api: IControlPlaneApi;
  readonly scopes: ControlPlaneScopes;
  readonly tenantTable: TenantTable;
  readonly registrationTable: RegistrationTable;
  readonly eventManager: IEventManager;
  /** Prefix of the function names. */
  readonly namePrefix: string;
}

/** Environment and grants every tenant-lifecycle function needs (both tables, the bus). */
export function bindTenantLifecycle(
  fn: LambdaFunction,
  p: Pick<TenantCollectionServiceProps, 'tenantTable' | 'registrationTable' | 'eventManager'>,
): void {
  fn.addEnvironment('TENANT_TABLE_NAME', p.tenantTable.tableName);
  fn.addEnvironment('REGISTRATION_TABLE_NAME', p.registrationTable.tableName);
  for (const [k, v] of Object.entries(p.eventManager.handlerEnvironment())) fn.addEnvironment(k, v);
  fn.addToRolePolicy(p.tenantTable.writeStatement());
  fn.addToRolePolicy(p.registrationTable.writeStatement());
  p.eventManager.grantPutEventsTo(fn);
}

/** The collection a service serves: SBT's five routes on it, plus write-scoped actions on its items. */
export interface TenantCollection {
  /** Service name: the `<service>-api` bundle and the function `<prefix>-<service>`. */
  readonly service: string;
  readonly description: string;
  /** Collection path (create, list). */
  readonly path: string;
  /** Item path (get, update, delete). */
  readonly itemPath: string;
  /** SBT updates tenants with PUT and registrations with PATCH. */
  readonly update: 'PUT' | 'PATCH';
  /** Further item routes (method, suffix of the item path), scoped tenant write. */
  readonly itemActions: readonly (readonly [HttpMethod, string])[];
}

/**
 * Base of the two services of the tenant lifecycle (/tenants and /tenant-registrations): one API function
 * (construct id `api`) bound to both tables and the bus, serving the collection's routes, every one JWT with
 * one scope.
 */
export abstract class TenantCollectionService extends Construct {
  readonly function: LambdaFunction;

  protected constructor(scope: Construct, id: string, props: TenantCollectionServiceProps, c: TenantCollection) {
    super(scope, id);
    this.function = serviceApiFunction(this, {
      service: c.service,
      functionName: `${props.namePrefix}-${c.service}`,
      description: c.description,
    });
    bindTenantLifecycle(this.function, props);
    const { tenantRead: read, tenantWrite: write } = props.scopes;
    addScopedRoutes(props.api, this.function, [
      ...collectionRoutes(c.path, c.itemPath, { read, write, update: c.update }),
      ...c.itemActions.map(([method, suffix]) => [method, `${c.itemPath}${suffix}`, write] as const),
    ]);
  }
}
