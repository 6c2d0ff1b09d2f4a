/**
 * Webhook signature scheme (pure; no AWS). It follows the vendor-neutral Standard Webhooks layout
 * (https://www.standardwebhooks.com), which Svix-based vendors already emit:
 *
 *   webhook-id:        unique message id (the replay-protection key; signed, so it cannot be swapped)
 *   webhook-timestamp: unix seconds when the vendor signed (rejected outside ±toleranceSeconds)
 *   webhook-signature: space-separated `v1,<base64 HMAC-SHA256(secret, "<id>.<timestamp>.<raw body>")>`
 *
 * The HMAC covers the raw body bytes exactly as received, plus id and timestamp so neither can be
 * replayed with a different body. A secret value may hold several secrets separated by whitespace
 * (rotation: old and new accepted during the switch); a secret starting `whsec_` is base64 of the key
 * bytes (Standard Webhooks), any other string is used as UTF-8 key bytes.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const WEBHOOK_HEADERS = {
  id: 'webhook-id',
  timestamp: 'webhook-timestamp',
  signature: 'webhook-signature',
} as const;

/** Default clock-skew window: 5 minutes either side, as Stripe and Standard Webhooks recommend. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

export type VerifyResult =
  | { ok: true; id: string; timestamp: number }
  | {
      ok: false;
      reason: 'missing-headers' | 'bad-id' | 'bad-timestamp' | 'stale-timestamp' | 'bad-signature' | 'no-secret';
    };

function keyBytes(secret: string): Buffer {
  return secret.startsWith('whsec_') ? Buffer.from(secret.slice(6), 'base64') : Buffer.from(secret, 'utf8');
}

/** Splits a stored secret value into the accepted secrets (rotation). */
export function secretsOf(value: string): string[] {
  return value
    .split(/\s+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** `v1,<base64>` for `id`, `timestamp` and the raw body: what a vendor (or a test) sends. */
export function signWebhook(secret: string, id: string, timestamp: number, rawBody: string): string {
  const mac = createHmac('sha256', keyBytes(secret)).update(`${id}.${timestamp}.${rawBody}`, 'utf8').digest('base64');
  return `v1,${mac}`;
}

/** Headers a vendor sends for `rawBody`: the three `webhook-*` headers. */
export function webhookHeaders(secret: string, id: string, timestamp: number, rawBody: string): Record<string, string> {
  return {
    [WEBHOOK_HEADERS.id]: id,
    [WEBHOOK_HEADERS.timestamp]: String(timestamp),
    [WEBHOOK_HEADERS.signature]: signWebhook(secret, id, timestamp, rawBody),
  };
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Verifies the three headers against the raw body. `nowSeconds` is injected (tests, and so the check is
 * pure). Signature comparison is constant-time; any listed `v1` signature made with any accepted secret
 * passes.
 */
export function verifyWebhook(input: {
  secretValue: string;
  headers: { id?: string; timestamp?: string; signature?: string };
  rawBody: string;
  nowSeconds: number;
  toleranceSeconds?: number;
}): VerifyResult {
  const { id, timestamp, signature } = input.headers;
  const secrets = secretsOf(input.secretValue);
  if (!secrets.length) return { ok: false, reason: 'no-secret' };
  if (!id || !timestamp || !signature) return { ok: false, reason: 'missing-headers' };
  if (!/^[\x21-\x7e]{1,256}$/.test(id)) return { ok: false, reason: 'bad-id' }; // printable ASCII, a sane key size
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'bad-timestamp' };
  const ts = Number(timestamp);
  const tolerance = input.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (Math.abs(input.nowSeconds - ts) > tolerance) return { ok: false, reason: 'stale-timestamp' };
  const offered = signature
    .split(' ')
    .map((s) => s.trim())
    .filter((s) => s.startsWith('v1,'));
  for (const secret of secrets) {
    const expected = signWebhook(secret, id, ts, input.rawBody);
    if (offered.some((o) => safeEqual(o, expected))) return { ok: true, id, timestamp: ts };
  }
  return { ok: false, reason: 'bad-signature' };
}
