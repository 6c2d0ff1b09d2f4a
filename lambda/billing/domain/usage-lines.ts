/**
 * Usage lines of the DynamoDB billing provider: per tenant, per meter, per closed period, the exact total
 * the metering provider's aggregation gives (PK tenantId, SK lineId = `<periodStart, 10 digits>#<meter>`).
 * Recomputing a period overwrites its lines with the same deterministic values, so reruns are safe.
 */
import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface UsageLine {
  tenantId: string;
  lineId: string;
  meterId: string;
  meterApiName: string;
  meterType: string;
  periodStart: number;
  periodEnd: number;
  /** Exact decimal string. */
  total: string;
  events: number;
  computedAt: string;
}

export const lineIdOf = (periodStart: number, meterApiName: string) =>
  `${String(periodStart).padStart(10, '0')}#${meterApiName}`;

/** The last closed period before `nowSeconds` (UTC days or months). */
export function previousPeriod(nowSeconds: number, period: 'day' | 'month'): { start: number; end: number } {
  if (period === 'day') {
    const end = Math.floor(nowSeconds / 86400) * 86400;
    return { start: end - 86400, end };
  }
  const d = new Date(nowSeconds * 1000);
  const end = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) / 1000;
  const s = new Date(end * 1000 - 1);
  return { start: Date.UTC(s.getUTCFullYear(), s.getUTCMonth(), 1) / 1000, end };
}

/** The period that starts at `start` (for reruns of a given period). */
export function periodFrom(start: number, period: 'day' | 'month'): { start: number; end: number } {
  if (period === 'day') return { start, end: start + 86400 };
  const d = new Date(start * 1000);
  return { start, end: Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) / 1000 };
}

export async function putLine(db: DynamoDBDocumentClient, table: string, line: UsageLine): Promise<void> {
  await db.send(new PutCommand({ TableName: table, Item: line }));
}

/** The lines of the tenant's most recent period that has any. */
export async function latestLines(db: DynamoDBDocumentClient, table: string, tenantId: string): Promise<UsageLine[]> {
  const res = await db.send(
    new QueryCommand({
      TableName: table,
      KeyConditionExpression: 'tenantId = :t',
      ExpressionAttributeValues: { ':t': tenantId },
      ScanIndexForward: false,
      Limit: 200,
    }),
  );
  const items = (res.Items ?? []) as UsageLine[];
  if (!items.length) return [];
  const latest = items[0]!.periodStart;
  return items.filter((l) => l.periodStart === latest).sort((a, b) => (a.meterApiName < b.meterApiName ? -1 : 1));
}
