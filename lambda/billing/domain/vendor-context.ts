/** The vendor client of HttpBillingVendorAdapter handlers. Env: VENDOR_BASE_URL, VENDOR_API_KEY_SECRET_ARN. */
import { env } from '../../shared/aws-clients';
import { getSecret } from './secret-cache';
import { VendorClient } from './vendor-client';

export async function vendorClient(): Promise<VendorClient> {
  const apiKey = (await getSecret(env('VENDOR_API_KEY_SECRET_ARN'))).trim();
  return new VendorClient({ baseUrl: env('VENDOR_BASE_URL'), apiKey });
}
