/**
 * `terraform-saas-builder-toolkit/amberflo`: metering on Amberflo (IMetering). Its own entry point so an
 * app that does not use Amberflo never loads it. Pass it to the control plane as `metering`.
 */
export * from './amberflo-metering';
export { VendorSecret } from '../vendor-secret';
