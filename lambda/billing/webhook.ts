/**
 * IBilling.webhookFunction: POST /billing/{path}, public at the API, so this handler authenticates:
 *  1. HMAC-SHA256 signature over `<webhook-id>.<webhook-timestamp>.<raw body>` with the secret in Secrets
 *     Manager (cached), timestamp within ±WEBHOOK_TOLERANCE_SECONDS → else 401 and nothing changes;
 *  2. replay protection: the webhook id is recorded with a conditional write (TTL'd), in the same
 *     transaction as the customer change when the provider keeps customers here → a redelivery has no
 *     second effect;
 *  3. follow-up: mirror billing state on the tenant item (if TENANT_TABLE_NAME) and emit `tenantUpdated`.
 * Env: WEBHOOK_SECRET_ARN, WEBHOOK_TABLE_NAME, CUSTOMERS_TABLE_NAME?, TENANT_TABLE_NAME?,
 * WEBHOOK_TOLERANCE_SECONDS? (300), WEBHOOK_REPLAY_TTL_SECONDS? (7 days), EVENT_BUS_NAME + sources.
 */
import { dynamo, env } from '../shared/aws-clients';
import { putSbtEvent } from '../shared/events';
import { header, notFound, parseBody, rawBody, routeTable, unauthorized } from '../shared/http';
import { logger } from '../shared/logger';
import { webhookBody, webhookChanges } from './domain/billing-model';
import { WebhookLedger } from './domain/billing-store';
import { getSecret } from './domain/secret-cache';
import { mirrorOnTenant, tenantUpdatedFromWebhook } from './domain/tenant-billing-sync';
import { WEBHOOK_HEADERS, verifyWebhook } from './domain/webhook-signature';

const numberEnv = (name: string, fallback: number) => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
};

/** The one route, below /billing/ at the path the provider's construct picks (webhook, moesif, vendor …). */
export const handler = routeTable({
  'POST /billing/{path+}': async (event) => {
    const body = rawBody(event);
    const now = new Date();
    const verdict = verifyWebhook({
      secretValue: await getSecret(env('WEBHOOK_SECRET_ARN')),
      headers: {
        id: header(event, WEBHOOK_HEADERS.id),
        timestamp: header(event, WEBHOOK_HEADERS.timestamp),
        signature: header(event, WEBHOOK_HEADERS.signature),
      },
      rawBody: body,
      nowSeconds: Math.floor(now.getTime() / 1000),
      toleranceSeconds: numberEnv('WEBHOOK_TOLERANCE_SECONDS', 300),
    });
    if (!verdict.ok) {
      logger.warn('webhook rejected', { reason: verdict.reason, sourceIp: event.requestContext.http?.sourceIp });
      if (verdict.reason === 'no-secret') throw new Error('webhook secret is empty'); // our fault: 500
      throw unauthorized('Invalid webhook signature');
    }
    const parsed = parseBody(event, webhookBody);
    const changes = webhookChanges(parsed);
    const ledger = new WebhookLedger(
      dynamo(),
      env('WEBHOOK_TABLE_NAME'),
      process.env.CUSTOMERS_TABLE_NAME || undefined,
    );
    const outcome = await ledger.record({
      webhookId: verdict.id,
      tenantId: parsed.data.tenantId,
      changes,
      webhookTimestamp: verdict.timestamp,
      now,
      ttlSeconds: numberEnv('WEBHOOK_REPLAY_TTL_SECONDS', 7 * 24 * 3600),
    });
    if (outcome.kind === 'unknown-tenant')
      throw notFound(`Billing customer not found for tenant ${parsed.data.tenantId}`);
    if (outcome.kind === 'duplicate' || outcome.kind === 'stale') {
      return { statusCode: 200, body: { received: true, status: outcome.kind } };
    }
    const { record } = outcome;
    try {
      const tenantTable = process.env.TENANT_TABLE_NAME;
      if (tenantTable) await mirrorOnTenant(dynamo(), tenantTable, record.tenantId, record.changes, record.receivedAt);
      await putSbtEvent('tenantUpdated', tenantUpdatedFromWebhook(record.tenantId, record.webhookId, record.changes));
      await ledger.complete(record.webhookId);
    } catch (e) {
      await ledger.release(record.webhookId).catch(() => undefined);
      throw e; // 500: the vendor retries, and the retry resumes the follow-up
    }
    return { statusCode: 200, body: { received: true, status: outcome.kind === 'resume' ? 'resumed' : 'applied' } };
  },
});
