/**
 * `terraform-saas-builder-toolkit/descope`: the control plane's identity on Descope (IAuth). Its own entry
 * point so an app that does not use Descope never loads it. Pass it to the control plane as `auth`.
 */
export * from './descope-auth';
export { VendorSecret } from '../vendor-secret';
