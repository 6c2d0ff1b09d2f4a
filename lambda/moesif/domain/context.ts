/**
 * Moesif clients of the adapter's handlers, keys from Secrets Manager (cached).
 * Env: MOESIF_MANAGEMENT_BASE_URL, MOESIF_MANAGEMENT_KEY_SECRET_ARN; for usage forwarding
 * MOESIF_COLLECTOR_BASE_URL, MOESIF_APPLICATION_ID_SECRET_ARN.
 */
import { getSecret } from '../../billing/domain/secret-cache';
import { env } from '../../shared/aws-clients';
import { VendorHttp } from '../../shared/vendor-http';
import { MOESIF } from './moesif-api';

export async function moesifManagement(): Promise<VendorHttp> {
  const key = (await getSecret(env('MOESIF_MANAGEMENT_KEY_SECRET_ARN'))).trim();
  return new VendorHttp({
    vendor: MOESIF,
    baseUrl: env('MOESIF_MANAGEMENT_BASE_URL'),
    headers: { authorization: `Bearer ${key}` },
  });
}

export async function moesifCollector(): Promise<VendorHttp> {
  const appId = (await getSecret(env('MOESIF_APPLICATION_ID_SECRET_ARN'))).trim();
  return new VendorHttp({
    vendor: MOESIF,
    baseUrl: env('MOESIF_COLLECTOR_BASE_URL'),
    headers: { 'X-Moesif-Application-Id': appId },
  });
}
