/**
 * Secrets Manager reads with a per-container cache: webhook bursts and vendor calls do not pay a
 * GetSecretValue each (cost, latency, the 10k/s quota), and a rotated secret is picked up within
 * `ttlMs` (default 5 minutes). The client has no endpoint: tests redirect it with
 * AWS_ENDPOINT_URL_SECRETS_MANAGER.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

let client: SecretsManagerClient | undefined;
const cache = new Map<string, { value: string; expires: number }>();

export const DEFAULT_SECRET_TTL_MS = 5 * 60 * 1000;

export async function getSecret(secretId: string, ttlMs = DEFAULT_SECRET_TTL_MS, now = Date.now()): Promise<string> {
  const hit = cache.get(secretId);
  if (hit && hit.expires > now) return hit.value;
  client ??= new SecretsManagerClient({});
  const res = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  const value = res.SecretString ?? (res.SecretBinary ? Buffer.from(res.SecretBinary).toString('utf8') : undefined);
  if (value === undefined) throw new Error(`secret ${secretId} has no value`);
  cache.set(secretId, { value, expires: now + ttlMs });
  return value;
}

/** Tests: forget cached values (and the client, so a new endpoint is used). */
export function clearSecretCache(): void {
  cache.clear();
  client = undefined;
}
