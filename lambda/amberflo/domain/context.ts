/** The Amberflo client of the adapter's handlers. Env: AMBERFLO_BASE_URL, AMBERFLO_API_KEY_SECRET_ARN. */
import { getSecret } from '../../billing/domain/secret-cache';
import { env } from '../../shared/aws-clients';
import { VendorHttp } from '../../shared/vendor-http';
import { AMBERFLO } from './amberflo-api';

export async function amberflo(): Promise<VendorHttp> {
  const apiKey = (await getSecret(env('AMBERFLO_API_KEY_SECRET_ARN'))).trim();
  return new VendorHttp({ vendor: AMBERFLO, baseUrl: env('AMBERFLO_BASE_URL'), headers: { 'X-API-KEY': apiKey } });
}
