/**
 * Public API of the Terraform-native SaaS Builder Toolkit.
 * Core building blocks first; each product area exports its constructs and stack.
 * cdktf's own classes (App, TerraformStack, …) are not re-exported: apps import them from `cdktf`, the
 * peer dependency, so there is exactly one copy of cdktf in an app and `instanceof` checks hold.
 */
export * from './contracts/event-catalog';
export * from './core/event-manager';
export * from './core/event-targets';
export * from './core/iam';
export * from './core/lambda-function';
export * from './core/sbt-stack';
export * from './core/backend';
export * from './contracts/scopes';
export * from './control-plane';
export * from './control-plane/billing';
export * from './control-plane/metering';
export * from './application-plane';
export * from './marketplace';
