/**
 * Public API of the control plane (issue 4). Billing and metering export from ./billing and ./metering.
 */
export { ControlPlane } from './control-plane';
export type { ControlPlaneProps } from './control-plane';
export { ControlPlaneStack } from './control-plane-stack';
export type { ControlPlaneStackProps } from './control-plane-stack';
export { ControlPlaneApiBase, DEFAULT_CORS_HEADERS, DEFAULT_CORS_ORIGINS } from './api/control-plane-api';
export type {
  IControlPlaneApi,
  ControlPlaneApiBaseProps,
  RouteOptions,
  RouteRecord,
  HttpMethod,
} from './api/control-plane-api';
export { HttpControlPlaneApi } from './api/http-control-plane-api';
export type { HttpControlPlaneApiProps } from './api/http-control-plane-api';
export { PrivateRestControlPlaneApi } from './api/private-rest-control-plane-api';
export type { PrivateRestControlPlaneApiProps } from './api/private-rest-control-plane-api';
export { createControlPlaneApi } from './api/create-control-plane-api';
export type { ControlPlaneApiProps } from './api/create-control-plane-api';
export { DEFAULT_SCOPES } from './auth/auth-interface';
export type { IAuth, ControlPlaneScopes, CreateAdminUserProps } from './auth/auth-interface';
export { CognitoAuth, ALL_SCOPES } from './auth/cognito-auth';
export type { CognitoAuthProps } from './auth/cognito-auth';
export { OidcAuth } from './auth/oidc-auth';
export type { OidcAuthProps } from './auth/oidc-auth';
export { TenantTable } from './tenant-management/tenant-table';
export type { TenantTableProps } from './tenant-management/tenant-table';
export { TenantManagementService } from './tenant-management/tenant-management-service';
export type { TenantManagementServiceProps } from './tenant-management/tenant-management-service';
export { RegistrationTable } from './tenant-registration/registration-table';
export type { RegistrationTableProps } from './tenant-registration/registration-table';
export { TenantRegistrationService } from './tenant-registration/tenant-registration-service';
export type { TenantRegistrationServiceProps } from './tenant-registration/tenant-registration-service';
export { UserManagementService } from './user-management/user-management-service';
export type { UserManagementServiceProps } from './user-management/user-management-service';
export { UserTable } from './user-management/user-table';
export type { UserTableProps } from './user-management/user-table';
export { TenantConfigService } from './tenant-config/tenant-config-service';
export type { TenantConfigServiceProps } from './tenant-config/tenant-config-service';
export { LIFECYCLE_STATES, LIFECYCLE_EVENTS, TRANSITIONS } from '../contracts/lifecycle';
export type { LifecycleState, LifecycleEvent, TransitionRecord } from '../contracts/lifecycle';
