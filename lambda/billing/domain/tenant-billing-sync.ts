/**
 * What an accepted webhook does beyond the provider's own tables: mirror the billing state onto the
 * tenant item (when the control plane's tenant table is wired in) and announce `tenantUpdated`.
 * Both steps are idempotent (absolute values), so a resumed webhook may run them again safely.
 */
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { OutgoingEvent } from '../../shared/events';

/** Field names on the tenant item: `tier` (SBT's) follows the plan; `billing` holds the rest. */
export function tenantBillingUpdate(tenantId: string, changes: Record<string, unknown>, at: string) {
  const billing: Record<string, unknown> = { ...changes, updatedAt: at };
  const names: Record<string, string> = { '#b': 'billing' };
  const values: Record<string, unknown> = { ':b': billing };
  let expr = 'SET #b = :b';
  if (typeof changes.plan === 'string') {
    names['#tier'] = 'tier';
    values[':tier'] = changes.plan;
    expr += ', #tier = :tier';
  }
  return {
    Key: { tenantId },
    UpdateExpression: expr,
    ConditionExpression: 'attribute_exists(tenantId)',
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

export async function mirrorOnTenant(
  db: DynamoDBDocumentClient,
  table: string,
  tenantId: string,
  changes: Record<string, unknown>,
  at: string,
): Promise<boolean> {
  try {
    await db.send(new UpdateCommand({ TableName: table, ...tenantBillingUpdate(tenantId, changes, at) }));
    return true;
  } catch (e) {
    if ((e as { name?: string }).name === 'ConditionalCheckFailedException') return false; // billing-only tenant
    throw e;
  }
}

/** The `tenantUpdated` detail a webhook emits; `origin: 'billing'` stops providers echoing it back. */
export function tenantUpdatedFromWebhook(
  tenantId: string,
  webhookId: string,
  changes: Record<string, unknown>,
): Record<string, unknown> {
  return {
    tenantId,
    origin: 'billing',
    webhookId,
    ...(typeof changes.plan === 'string' ? { tier: changes.plan } : {}),
    billing: changes,
  };
}

export type { OutgoingEvent };
