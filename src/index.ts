/**
 * Public API of the Terraform-native SaaS Builder Toolkit.
 * Core building blocks first; each product area exports its constructs and stack.
 */
export * from './core/cdktf';
export * from './core/event-catalog';
export * from './core/event-manager';
export * from './core/event-targets';
export * from './core/iam';
export * from './core/lambda-function';
export * from './core/sbt-stack';
export * from './core/backend';
export * from './core/scopes';
export { ControlPlaneApi } from './control-plane/api/control-plane-api';
export type { ControlPlaneApiProps, RouteOptions, RouteRecord, HttpMethod } from './control-plane/api/control-plane-api';
export { TenantTable } from './control-plane/tenant-management/tenant-table';
export { TenantConfigService } from './control-plane/tenant-config/tenant-config-service';
export { ControlPlaneStack } from './control-plane/control-plane-stack';
export type { ControlPlaneStackProps } from './control-plane/control-plane-stack';
export * from './application-plane';
