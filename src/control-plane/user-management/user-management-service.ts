import { Construct } from '../../core/cdktf';
import type { IEventManager } from '../../core/event-manager';
import type { LambdaFunction } from '../../core/lambda-function';
import type { IControlPlaneApi } from '../api/control-plane-api';
import { addScopedRoutes, serviceApiFunction } from '../api/service-routes';
import { scopesOf, type IAuth } from '../auth/auth-interface';
import { UserTable } from './user-table';
import { propsErrors } from '../../core/props-validation';

export interface UserManagementServiceProps {
  readonly api: IControlPlaneApi;
  readonly auth: IAuth;
  readonly eventManager: IEventManager;
  /** Prefix of the function (and user table) names. */
  readonly namePrefix: string;
  /** Deletion protection for the user table (only created when the IdP has no user store). @default true */
  readonly deletionProtection?: boolean | string;
  /**
   * Where users live: `auth` = the IdP's directory (`IAuth.bindUserStore`, e.g. Cognito), `table` = the
   * control plane's DynamoDB user table. @default 'auth' when the IdP offers it, else 'table'
   */
  readonly userStore?: 'auth' | 'table';
}

/**
 * /users (SBT routes 13–17) plus `PUT /users/{userId}/enable|disable`, which SBT's IAuth defines but
 * never routes (#115). Emits tenantUserCreated / tenantUserDeleted (SBT defines them; nothing emits them).
 */
export class UserManagementService extends Construct {
  readonly function: LambdaFunction;
  /** The user table, when users are kept in DynamoDB. */
  readonly userTable?: UserTable;

  constructor(scope: Construct, id: string, props: UserManagementServiceProps) {
    super(scope, id);
    this.function = serviceApiFunction(this, {
      service: 'user-management',
      functionName: `${props.namePrefix}-user-management`,
      description: 'Control plane /users routes',
      environment: props.eventManager.handlerEnvironment(),
    });
    props.eventManager.grantPutEventsTo(this.function);
    const store = props.userStore ?? (props.auth.bindUserStore ? 'auth' : 'table');
    if (store === 'auth') {
      if (props.auth.bindUserStore) props.auth.bindUserStore(this.function);
      else propsErrors(this).push("userStore 'auth' but this IAuth has no user store");
    } else {
      this.userTable = new UserTable(this, 'users', {
        name: `${props.namePrefix}-users`,
        deletionProtection: props.deletionProtection,
      });
      this.userTable.bindUserStore(this.function);
    }
    const { userRead: read, userWrite: write } = scopesOf(props.auth);
    const a = props.auth;
    // An SBT-style IAuth may bring its own user functions and per-operation scopes (SBT routes /users to
    // them); each route uses the plug-in's function and scope when given, ours otherwise.
    addScopedRoutes(props.api, this.function, [
      ['POST', '/users', a.createUserScope ?? write, a.createUserFunction],
      ['GET', '/users', a.fetchAllUsersScope ?? read, a.fetchAllUsersFunction],
      ['GET', '/users/{userId}', a.fetchUserScope ?? read, a.fetchUserFunction],
      ['PUT', '/users/{userId}', a.updateUserScope ?? write, a.updateUserFunction],
      ['DELETE', '/users/{userId}', a.deleteUserScope ?? write, a.deleteUserFunction],
      ['PUT', '/users/{userId}/enable', a.enableUserScope ?? write, a.enableUserFunction],
      ['PUT', '/users/{userId}/disable', a.disableUserScope ?? write, a.disableUserFunction],
    ]);
  }
}
