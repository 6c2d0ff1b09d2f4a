/**
 * What an accepted webhook does beyond the provider's own tables: mirror the billing state onto the
 * tenant item (when the control plane's tenant table is wired in) and announce `tenantUpdated`.
 * Both steps are idempotent (absolute values), so a resumed webhook may run them again safely.
 */
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { buildUpdate, writtenUnlessConditionFails } from '../../shared/dynamodb';
import type { OutgoingEvent } from '../../shared/events';

/**
 * Tenant item attributes a webhook sets, flat so that partial updates never drop earlier fields:
 * `tier` (SBT's name) follows the plan, plus `billingStatus`, `paymentState` and `billingUpdatedAt`.
 */
export function tenantBillingUpdate(tenantId: string, changes: Record<string, unknown>, at: string) {
  const fields: Record<string, unknown> = {
    tier: changes.plan,
    billingStatus: changes.billingStatus,
    paymentState: changes.paymentState,
    billingUpdatedAt: at,
  };
  return { Key: { tenantId }, ...buildUpdate(fields), ConditionExpression: 'attribute_exists(tenantId)' };
}

export async function mirrorOnTenant(
  db: DynamoDBDocumentClient,
  table: string,
  tenantId: string,
  changes: Record<string, unknown>,
  at: string,
): Promise<boolean> {
  // false: a billing-only tenant (no tenant item to mirror on)
  return writtenUnlessConditionFails(() =>
    db.send(new UpdateCommand({ TableName: table, ...tenantBillingUpdate(tenantId, changes, at) })),
  );
}

/** The `tenantUpdated` detail a webhook emits; `origin: 'billing'` stops providers echoing it back. */
export function tenantUpdatedFromWebhook(
  tenantId: string,
  webhookId: string,
  changes: Record<string, unknown>,
): Record<string, unknown> {
  const { plan, ...rest } = changes;
  return { tenantId, origin: 'billing', webhookId, ...(typeof plan === 'string' ? { tier: plan } : {}), ...rest };
}

export type { OutgoingEvent };
