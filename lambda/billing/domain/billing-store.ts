/**
 * DynamoDB persistence of the reference billing provider (DynamoDBBilling). Every write is conditional so
 * retried events and redelivered webhooks change nothing twice:
 *  - customers: PK tenantId; created with attribute_not_exists, updated only when present;
 *  - users:     PK tenantId, SK userId;
 *  - webhooks:  PK webhookId, TTL expiresAt — the replay record, written in the same transaction as the
 *               customer change it causes (so the change and "seen" commit together or not at all).
 */
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { cancellationCodes, isConditionFailure, putOnce, queryAll, setClause } from '../../shared/dynamodb';
import type { BillingCustomer, BillingUser } from './billing-model';

export interface BillingTables {
  customers: string;
  users: string;
}

export class BillingStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tables: BillingTables,
  ) {}

  /** Creates the customer once; a retried onboarding event finds it and returns false. */
  createCustomer(c: BillingCustomer): Promise<boolean> {
    return putOnce(this.db, this.tables.customers, { ...c }, 'tenantId');
  }

  async getCustomer(tenantId: string): Promise<BillingCustomer | undefined> {
    const res = await this.db.send(
      new GetCommand({ TableName: this.tables.customers, Key: { tenantId }, ConsistentRead: true }),
    );
    return res.Item as BillingCustomer | undefined;
  }

  /** Sets fields of an existing customer; undefined when there is none. */
  async updateCustomer(
    tenantId: string,
    changes: Partial<BillingCustomer>,
    now: Date,
  ): Promise<BillingCustomer | undefined> {
    return (await this.updateExisting(this.tables.customers, { tenantId }, 'tenantId', changes, now)) as
      | BillingCustomer
      | undefined;
  }

  /** Sets `changes` (+ updatedAt) on the item at `key` if it exists (`mustExist` is one of its key attributes); its new image. */
  private async updateExisting(
    table: string,
    key: Record<string, string>,
    mustExist: string,
    changes: Record<string, unknown>,
    now: Date,
  ) {
    const set = setClause({ ...changes, updatedAt: now.toISOString() });
    try {
      const res = await this.db.send(
        new UpdateCommand({
          TableName: table,
          Key: key,
          UpdateExpression: set.expression,
          ConditionExpression: `attribute_exists(${mustExist})`,
          ExpressionAttributeNames: set.names,
          ExpressionAttributeValues: set.values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return res.Attributes;
    } catch (e) {
      if (isConditionFailure(e)) return undefined;
      throw e;
    }
  }

  /**
   * Offboarding: the customer is kept as `canceled` (invoices and audits need it) and its users are
   * removed. Idempotent: a second call finds it canceled and no users.
   */
  async cancelCustomer(tenantId: string, now: Date): Promise<boolean> {
    const updated = await this.updateCustomer(
      tenantId,
      { billingStatus: 'canceled', canceledAt: now.toISOString() },
      now,
    );
    for (const u of await this.listUsers(tenantId)) await this.deleteUser(tenantId, u.userId);
    return updated !== undefined;
  }

  async listUsers(tenantId: string): Promise<BillingUser[]> {
    return queryAll<BillingUser>(this.db, {
      TableName: this.tables.users,
      KeyConditionExpression: 'tenantId = :t',
      ExpressionAttributeValues: { ':t': tenantId },
    });
  }

  /** Creates the user once (retries are no-ops). */
  createUser(u: BillingUser): Promise<boolean> {
    return putOnce(this.db, this.tables.users, { ...u }, 'userId');
  }

  async getUser(tenantId: string, userId: string): Promise<BillingUser | undefined> {
    const res = await this.db.send(
      new GetCommand({ TableName: this.tables.users, Key: { tenantId, userId }, ConsistentRead: true }),
    );
    return res.Item as BillingUser | undefined;
  }

  async updateUser(
    tenantId: string,
    userId: string,
    changes: Partial<BillingUser>,
    now: Date,
  ): Promise<BillingUser | undefined> {
    return (await this.updateExisting(this.tables.users, { tenantId, userId }, 'userId', changes, now)) as
      | BillingUser
      | undefined;
  }

  async deleteUser(tenantId: string, userId: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.tables.users, Key: { tenantId, userId } }));
  }
}

/** What the replay table remembers of a webhook. */
export interface WebhookRecord {
  webhookId: string;
  tenantId: string;
  /** The billing fields it set (so a redelivery can finish the follow-up steps). */
  changes: Record<string, unknown>;
  receivedAt: string;
  /** True until tenant-table update and `tenantUpdated` are done. */
  pending: boolean;
  /** Epoch ms until which one invocation holds the follow-up steps (stops concurrent duplicates emitting twice). */
  leaseUntil: number;
  /** Epoch seconds; DynamoDB TTL removes the record after it. */
  expiresAt: number;
}

export type WebhookOutcome =
  | { kind: 'applied'; record: WebhookRecord }
  | { kind: 'resume'; record: WebhookRecord }
  | { kind: 'duplicate' }
  | { kind: 'stale' }
  | { kind: 'unknown-tenant' };

export const LEASE_MS = 30_000;

/**
 * Replay protection: records webhook ids with conditional writes and hands out a lease for the
 * follow-up steps. `customers` given → the customer change commits in the same transaction as the record
 * (only when the webhook is newer than the last one applied: vendors do not guarantee order).
 */
export class WebhookLedger {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly customers?: string,
  ) {}

  async record(input: {
    webhookId: string;
    tenantId: string;
    changes: Record<string, unknown>;
    webhookTimestamp: number;
    now: Date;
    ttlSeconds: number;
  }): Promise<WebhookOutcome> {
    const nowMs = input.now.getTime();
    const record: WebhookRecord = {
      webhookId: input.webhookId,
      tenantId: input.tenantId,
      changes: input.changes,
      receivedAt: input.now.toISOString(),
      pending: true,
      leaseUntil: nowMs + LEASE_MS,
      expiresAt: Math.floor(nowMs / 1000) + input.ttlSeconds,
    };
    const put = { TableName: this.table, Item: record, ConditionExpression: 'attribute_not_exists(webhookId)' };
    if (!this.customers) {
      try {
        await this.db.send(new PutCommand(put));
        return { kind: 'applied', record };
      } catch (e) {
        if (isConditionFailure(e)) return this.resume(input.webhookId, nowMs);
        throw e;
      }
    }
    const set = setClause({
      ...input.changes,
      updatedAt: input.now.toISOString(),
      lastWebhookAt: input.webhookTimestamp,
    });
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: put },
            {
              Update: {
                TableName: this.customers,
                Key: { tenantId: input.tenantId },
                UpdateExpression: set.expression,
                ConditionExpression:
                  'attribute_exists(tenantId) AND (attribute_not_exists(lastWebhookAt) OR lastWebhookAt <= :ts)',
                ExpressionAttributeNames: set.names,
                ExpressionAttributeValues: { ...set.values, ':ts': input.webhookTimestamp },
              },
            },
          ],
        }),
      );
      return { kind: 'applied', record };
    } catch (e) {
      const codes = cancellationCodes(e);
      if (codes[0] === 'ConditionalCheckFailed') return this.resume(input.webhookId, nowMs);
      if (codes[1] !== 'ConditionalCheckFailed') throw e;
      // The customer is missing or already has a newer webhook applied: remember the id, change nothing.
      const exists = await this.db.send(
        new GetCommand({ TableName: this.customers, Key: { tenantId: input.tenantId }, ConsistentRead: true }),
      );
      if (!exists.Item) return { kind: 'unknown-tenant' };
      try {
        await this.db.send(
          new PutCommand({ ...put, Item: { ...record, pending: false, changes: {}, ignored: 'older' } }),
        );
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
      }
      return { kind: 'stale' };
    }
  }

  /** A redelivery: if the first delivery did not finish (and holds no live lease), take over. */
  private async resume(webhookId: string, nowMs: number): Promise<WebhookOutcome> {
    try {
      const res = await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { webhookId },
          UpdateExpression: 'SET leaseUntil = :until',
          ConditionExpression: 'pending = :true AND leaseUntil < :now',
          ExpressionAttributeValues: { ':until': nowMs + LEASE_MS, ':true': true, ':now': nowMs },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return { kind: 'resume', record: res.Attributes as WebhookRecord };
    } catch (e) {
      if (isConditionFailure(e)) return { kind: 'duplicate' };
      throw e;
    }
  }

  /** Follow-up steps done: later redeliveries are plain duplicates. */
  complete(webhookId: string): Promise<void> {
    return this.update(webhookId, 'SET pending = :false REMOVE leaseUntil', { ':false': false });
  }

  /** Follow-up failed: release the lease so the vendor's retry can finish the work at once. */
  release(webhookId: string): Promise<void> {
    return this.update(webhookId, 'SET leaseUntil = :zero', { ':zero': 0 });
  }

  private async update(webhookId: string, expression: string, values: Record<string, unknown>): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { webhookId },
        UpdateExpression: expression,
        ExpressionAttributeValues: values,
      }),
    );
  }
}
