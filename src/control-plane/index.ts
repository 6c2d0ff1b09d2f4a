/**
 * Public API of the control plane (issue 4). Billing and metering export from ./billing and ./metering.
 * One statement per module: its classes and functions, then (`type`) its props and interfaces.
 */
export { ControlPlane, type ControlPlaneProps } from './control-plane';
export { ControlPlaneStack, type ControlPlaneStackProps } from './control-plane-stack';
export {
  ControlPlaneApiBase,
  DEFAULT_CORS_HEADERS,
  DEFAULT_CORS_ORIGINS,
  type IControlPlaneApi,
  type ControlPlaneApiBaseProps,
  type RouteOptions,
  type RouteRecord,
  type HttpMethod,
} from './api/control-plane-api';
export { HttpControlPlaneApi, type HttpControlPlaneApiProps } from './api/http-control-plane-api';
export { PrivateRestControlPlaneApi, type PrivateRestControlPlaneApiProps } from './api/private-rest-control-plane-api';
export { createControlPlaneApi, type ControlPlaneApiProps } from './api/create-control-plane-api';
export { DEFAULT_SCOPES, type IAuth, type ControlPlaneScopes, type CreateAdminUserProps } from './auth/auth-interface';
export { CognitoAuth, ALL_SCOPES, type CognitoAuthProps } from './auth/cognito-auth';
export { OidcAuth, type OidcAuthProps } from './auth/oidc-auth';
export { TenantTable, type TenantTableProps } from './tenant-management/tenant-table';
export {
  TenantManagementService,
  type TenantManagementServiceProps,
} from './tenant-management/tenant-management-service';
export { RegistrationTable, type RegistrationTableProps } from './tenant-registration/registration-table';
export {
  TenantRegistrationService,
  type TenantRegistrationServiceProps,
} from './tenant-registration/tenant-registration-service';
export { UserManagementService, type UserManagementServiceProps } from './user-management/user-management-service';
export { UserTable, type UserTableProps } from './user-management/user-table';
export { TenantConfigService, type TenantConfigServiceProps } from './tenant-config/tenant-config-service';
export {
  LIFECYCLE_STATES,
  LIFECYCLE_EVENTS,
  TRANSITIONS,
  type LifecycleState,
  type LifecycleEvent,
  type TransitionRecord,
} from '../contracts/lifecycle';
