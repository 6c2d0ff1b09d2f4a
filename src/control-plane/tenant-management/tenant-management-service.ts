import { Construct } from '../../core/cdktf';
import type { IEventManager } from '../../core/event-manager';
import type { LambdaFunction } from '../../core/lambda-function';
import type { IControlPlaneApi } from '../api/control-plane-api';
import {
  addScopedRoutes,
  collectionRoutes,
  type ServiceApiFunctionOptions,
  serviceApiFunction,
} from '../api/service-routes';
import type { ControlPlaneScopes } from '../auth/auth-interface';
import type { RegistrationTable } from '../tenant-registration/registration-table';
import type { TenantTable } from './tenant-table';

export interface TenantManagementServiceProps {
  readonly api: IControlPlaneApi;
  readonly scopes: ControlPlaneScopes;
  readonly tenantTable: TenantTable;
  readonly registrationTable: RegistrationTable;
  readonly eventManager: IEventManager;
  /** Prefix of the function name. */
  readonly namePrefix: string;
}

/** Environment and grants every tenant-lifecycle function needs (both tables, the bus). */
export function bindTenantLifecycle(
  fn: LambdaFunction,
  p: Pick<TenantManagementServiceProps, 'tenantTable' | 'registrationTable' | 'eventManager'>,
): void {
  fn.addEnvironment('TENANT_TABLE_NAME', p.tenantTable.tableName);
  fn.addEnvironment('REGISTRATION_TABLE_NAME', p.registrationTable.tableName);
  for (const [k, v] of Object.entries(p.eventManager.handlerEnvironment())) fn.addEnvironment(k, v);
  fn.addToRolePolicy(p.tenantTable.writeStatement());
  fn.addToRolePolicy(p.registrationTable.writeStatement());
  p.eventManager.grantPutEventsTo(fn);
}

/** A service's API function (see serviceApiFunction) bound to the tenant lifecycle. */
export function tenantLifecycleApiFunction(
  scope: Construct,
  props: Pick<TenantManagementServiceProps, 'tenantTable' | 'registrationTable' | 'eventManager'>,
  o: ServiceApiFunctionOptions,
): LambdaFunction {
  const fn = serviceApiFunction(scope, o);
  bindTenantLifecycle(fn, props);
  return fn;
}

/**
 * /tenants (SBT routes 1–5) + `PUT /tenants/{id}/activate|deactivate` + `POST /tenants/{id}/retry`, all JWT
 * with one scope each. SBT mixes IAM (writes) and JWT (reads) here (#128: users following the docs got
 * 403); every route here takes the same bearer token.
 */
export class TenantManagementService extends Construct {
  static readonly TENANTS_PATH = '/tenants';
  static readonly TENANT_ID_PATH = '/tenants/{tenantId}';
  readonly function: LambdaFunction;

  constructor(scope: Construct, id: string, props: TenantManagementServiceProps) {
    super(scope, id);
    this.function = tenantLifecycleApiFunction(this, props, {
      service: 'tenant-management',
      functionName: `${props.namePrefix}-tenant-management`,
      description: 'Control plane /tenants routes',
    });
    const { tenantRead: read, tenantWrite: write } = props.scopes;
    const t = TenantManagementService.TENANTS_PATH;
    const ti = TenantManagementService.TENANT_ID_PATH;
    addScopedRoutes(props.api, this.function, [
      ...collectionRoutes(t, ti, { read, write, update: 'PUT' }),
      ['PUT', `${ti}/activate`, write],
      ['PUT', `${ti}/deactivate`, write],
      ['POST', `${ti}/retry`, write],
    ]);
  }
}
