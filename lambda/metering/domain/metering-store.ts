/**
 * DynamoDB persistence of the reference metering provider (DynamoDBMetering).
 *
 * meters table (PK pk, SK sk) — one small partition per kind, so lists are Queries, never Scans:
 *   pk 'METER'               sk <meterId>       the meter
 *   pk 'NAME'                sk <meterApiName>  {meterId}: makes meterApiName unique (transactional claim)
 *   pk 'CANCEL#<apiName>'    sk <rule id>       usage cancellation rules of a meter
 *   pk 'TENANT'              sk <tenantId>      {tier, tierSince}: the tenant's current tier (seed 003)
 * usage table (PK meterApiName, SK eventId; GSI byEventTime: meterApiName + eventTime):
 *   one item per usage event; the conditional put on (meterApiName, eventId) makes ingestion idempotent.
 */
import {
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '../../shared/domain-errors';
import { isConditionFailure, putOnce, queryAll } from '../../shared/dynamodb';
import type { CancellationRule, MeterType, UsageEvent } from './aggregation';

export const USAGE_TIME_INDEX = 'byEventTime';

export interface Meter {
  meterId: string;
  label: string;
  meterApiName: string;
  meterType: MeterType;
  createdAt: string;
  updatedAt: string;
  /** Further properties given at creation (kept and returned as they are). */
  [extra: string]: unknown;
}

/** The meter name is unique: another meter has it (or the meter changed concurrently). */
export class MeterNameTaken extends ConflictError {
  constructor(readonly meterApiName: string) {
    super(`meterApiName '${meterApiName}' is already used by another meter`, { field: 'meterApiName' });
  }
}

function stripKeys<T extends Record<string, unknown>>(item: T | undefined): Omit<T, 'pk' | 'sk'> | undefined {
  if (!item) return undefined;
  const { pk: _pk, sk: _sk, ...rest } = item;
  return rest;
}

export class MeteringStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly meters: string,
    private readonly usage: string,
  ) {}

  async createMeter(m: Meter): Promise<void> {
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.meters,
                Item: { pk: 'NAME', sk: m.meterApiName, meterId: m.meterId },
                ConditionExpression: 'attribute_not_exists(sk)',
              },
            },
            {
              Put: {
                TableName: this.meters,
                Item: { pk: 'METER', sk: m.meterId, ...m },
                ConditionExpression: 'attribute_not_exists(sk)',
              },
            },
          ],
        }),
      );
    } catch (e) {
      if (isConditionFailure(e)) throw new MeterNameTaken(m.meterApiName);
      throw e;
    }
  }

  async getMeter(meterId: string): Promise<Meter | undefined> {
    const res = await this.db.send(new GetCommand({ TableName: this.meters, Key: { pk: 'METER', sk: meterId } }));
    return stripKeys(res.Item) as Meter | undefined;
  }

  async getMeterByName(meterApiName: string): Promise<Meter | undefined> {
    const claim = await this.db.send(new GetCommand({ TableName: this.meters, Key: { pk: 'NAME', sk: meterApiName } }));
    const meterId = claim.Item?.meterId as string | undefined;
    return meterId ? this.getMeter(meterId) : undefined;
  }

  async listMeters(
    limit: number,
    start?: Record<string, unknown>,
  ): Promise<{ items: Meter[]; next?: Record<string, unknown> }> {
    const res = await this.db.send(
      new QueryCommand({
        TableName: this.meters,
        KeyConditionExpression: 'pk = :p',
        ExpressionAttributeValues: { ':p': 'METER' },
        Limit: limit,
        ExclusiveStartKey: start,
      }),
    );
    return { items: (res.Items ?? []).map((i) => stripKeys(i) as Meter), next: res.LastEvaluatedKey };
  }

  /** Replaces a meter; a new meterApiName moves the name claim in the same transaction. */
  async replaceMeter(before: Meter, after: Meter): Promise<void> {
    const items: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']> = [
      {
        Put: {
          TableName: this.meters,
          Item: { pk: 'METER', sk: after.meterId, ...after },
          ConditionExpression: 'attribute_exists(sk) AND updatedAt = :u',
          ExpressionAttributeValues: { ':u': before.updatedAt },
        },
      },
    ];
    if (after.meterApiName !== before.meterApiName) {
      items.push(
        { Delete: { TableName: this.meters, Key: { pk: 'NAME', sk: before.meterApiName } } },
        {
          Put: {
            TableName: this.meters,
            Item: { pk: 'NAME', sk: after.meterApiName, meterId: after.meterId },
            ConditionExpression: 'attribute_not_exists(sk)',
          },
        },
      );
    }
    try {
      await this.db.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (e) {
      if (isConditionFailure(e)) throw new MeterNameTaken(after.meterApiName);
      throw e;
    }
  }

  async deleteMeter(m: Meter): Promise<void> {
    await this.db.send(
      new TransactWriteCommand({
        TransactItems: [
          { Delete: { TableName: this.meters, Key: { pk: 'METER', sk: m.meterId } } },
          { Delete: { TableName: this.meters, Key: { pk: 'NAME', sk: m.meterApiName } } },
        ],
      }),
    );
  }

  /**
   * Sets a tenant's tier unless a newer event already set it (`atMs`: the event's time; redeliveries and
   * reordered events never move the tier back). 'stale' when refused.
   */
  async setTenantTier(tenantId: string, tier: string, atMs: number, eventId: string): Promise<'applied' | 'stale'> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.meters,
          Key: { pk: 'TENANT', sk: tenantId },
          UpdateExpression: 'SET tier = :t, tierSince = :at, tierEventId = :id',
          ConditionExpression: 'attribute_not_exists(tierSince) OR tierSince <= :at',
          ExpressionAttributeValues: { ':t': tier, ':at': atMs, ':id': eventId },
        }),
      );
      return 'applied';
    } catch (e) {
      if (isConditionFailure(e)) return 'stale';
      throw e;
    }
  }

  /** The tenant's current tier, when the control plane told us one. */
  async tenantTier(tenantId: string): Promise<string | undefined> {
    const res = await this.db.send(new GetCommand({ TableName: this.meters, Key: { pk: 'TENANT', sk: tenantId } }));
    return typeof res.Item?.tier === 'string' ? res.Item.tier : undefined;
  }

  /** Stores a usage event once; a redelivered event (same eventId) returns false. */
  putUsage(e: UsageEvent & { dimensions?: Record<string, string> }): Promise<boolean> {
    return putOnce(this.db, this.usage, { ...e }, 'eventId');
  }

  /** Every event of the meter with start <= eventTime < end (all pages). */
  async usageBetween(meterApiName: string, start: number, end: number): Promise<UsageEvent[]> {
    return queryAll<UsageEvent>(this.db, {
      TableName: this.usage,
      IndexName: USAGE_TIME_INDEX,
      KeyConditionExpression: 'meterApiName = :m AND eventTime BETWEEN :s AND :e',
      ExpressionAttributeValues: { ':m': meterApiName, ':s': start, ':e': end - 1 },
    });
  }

  /** Stores a cancellation rule; the same id with the same content is a no-op, with other content a conflict. */
  async putCancellation(rule: CancellationRule & { createdAt: string }): Promise<'created' | 'exists' | 'conflict'> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.meters,
          Item: { pk: `CANCEL#${rule.meterApiName}`, sk: rule.id, ...rule },
          ConditionExpression: 'attribute_not_exists(sk)',
        }),
      );
      return 'created';
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
      const existing = await this.db.send(
        new GetCommand({ TableName: this.meters, Key: { pk: `CANCEL#${rule.meterApiName}`, sk: rule.id } }),
      );
      const x = existing.Item as CancellationRule | undefined;
      const same =
        x &&
        x.tenantId === rule.tenantId &&
        x.startTimeInSeconds === rule.startTimeInSeconds &&
        x.endTimeInSeconds === rule.endTimeInSeconds;
      return same ? 'exists' : 'conflict';
    }
  }

  async cancellations(meterApiName: string): Promise<CancellationRule[]> {
    const items = await queryAll(this.db, {
      TableName: this.meters,
      KeyConditionExpression: 'pk = :p',
      ExpressionAttributeValues: { ':p': `CANCEL#${meterApiName}` },
    });
    return items.map((i) => stripKeys(i)) as unknown as CancellationRule[];
  }
}
