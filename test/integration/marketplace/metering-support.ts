/** Helpers of the metering tests: a simulated clock, usage writes, the job with test-friendly options. */
import { MarketplaceMeteringClient } from '@aws-sdk/client-marketplace-metering';
import {
  BatchWriteCommand,
  QueryCommand,
  ScanCommand,
  type BatchWriteCommandInput,
  type BatchWriteCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../../../lambda/shared/aws-clients';
import { RateLimiter } from '../../../lambda/marketplace/domain/meter-sender';
import { runMeteringJob, type MeteringJobDeps } from '../../../lambda/marketplace/domain/metering-job';
import { PRODUCT, type Harness } from './harness';

export const HOUR = 3600_000;

export class Clock {
  constructor(public t: number) {}
  now = () => this.t;
  advance(ms: number) {
    this.t += ms;
  }
}

export interface Usage {
  customerKey: string;
  recordId: string;
  dimension: string;
  quantity: number;
  timestamp: number | string;
  licenseArn?: string;
  customerAWSAccountId?: string;
  customerIdentifier?: string;
}

export async function writeUsage(table: string, records: Usage[]) {
  for (let i = 0; i < records.length; i += 25) {
    let items: NonNullable<BatchWriteCommandInput['RequestItems']>[string] | undefined = records
      .slice(i, i + 25)
      .map((r) => ({ PutRequest: { Item: { ...r, pending: 'true' } } }));
    while (items?.length) {
      const res: BatchWriteCommandOutput = await dynamo().send(
        new BatchWriteCommand({ RequestItems: { [table]: items } }),
      );
      items = res.UnprocessedItems?.[table];
    }
  }
}

export function meteringClient() {
  return new MarketplaceMeteringClient({ region: 'us-east-1', maxAttempts: 1 });
}

export function job(h: Harness, clock: Clock, extra: Partial<MeteringJobDeps> = {}) {
  return runMeteringJob({
    db: dynamo(),
    metering: meteringClient(),
    usageTable: h.tables.usage,
    ledgerTable: h.tables.ledger,
    productCode: PRODUCT,
    now: clock.now,
    limiter: new RateLimiter(1000),
    sleep: async () => undefined,
    pageSize: 7,
    ...extra,
  });
}

export async function ledgerItems(h: Harness): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const r = await dynamo().send(
      new ScanCommand({ TableName: h.tables.ledger, ExclusiveStartKey: start, ConsistentRead: true }),
    );
    out.push(...(r.Items ?? []));
    start = r.LastEvaluatedKey;
  } while (start);
  return out;
}

export async function pendingCount(h: Harness): Promise<number> {
  const r = await dynamo().send(
    new QueryCommand({
      TableName: h.tables.usage,
      IndexName: 'pendingIndex',
      KeyConditionExpression: '#p = :t',
      ExpressionAttributeNames: { '#p': 'pending' },
      ExpressionAttributeValues: { ':t': 'true' },
      Select: 'COUNT',
    }),
  );
  return r.Count ?? 0;
}
