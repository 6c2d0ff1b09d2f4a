/**
 * `terraform-saas-builder-toolkit/moesif`: billing on Moesif (IBilling). Its own entry point so an app
 * that does not use Moesif never loads it. Pass it to the control plane as `billing`.
 */
export * from './moesif-billing';
export { VendorSecret } from '../vendor-secret';
