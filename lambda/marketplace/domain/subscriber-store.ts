/**
 * The subscribers table, written ONLY with conditional UpdateItem (never a blind PutItem), so registration and
 * notifications can arrive in any order and any number of times and still converge on one end state:
 *  - each fact family has its own attributes and its own order guard (`subscriptionOrder`, `licenseOrder`,
 *    `agreementOrder`): an older or duplicate notification fails its condition and changes nothing;
 *  - registration sets its fields once (`registrationHash` guard): the same form again is a no-op, a different
 *    one is a conflict;
 *  - access changes go through `reconcile`, an optimistic-concurrency loop on `accessVersion`, and every change
 *    is followed by exactly one confirmed control-plane event (`emittedVersion` marks it; a crash between put
 *    and mark re-emits — at-least-once, with `accessVersion` in the detail for consumers to dedupe).
 */
import {
  DeleteCommand,
  GetCommand,
  QueryCommand,
  UpdateCommand,
  type UpdateCommandInput,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import {
  isConditionFailure,
  queryPages,
  type SetClause,
  setClause,
  writtenUnlessConditionFails,
} from '../../shared/dynamodb';
import { createHash } from 'node:crypto';
import { accessTransition, pendingEmission, type SubscriberItem } from './access';
import {
  agreementKey,
  customerKey,
  licenseIdOf,
  licenseKey,
  subscriberIdOf,
  type IdentityMode,
  type ResolvedCustomer,
} from './identity';
import type { Notification } from './notifications';
import type { TenantGateway } from './tenant-gateway';

export const INDEX = {
  account: 'customerAWSAccountIdIndex',
  customerIdentifier: 'customerIdentifierIndex',
  kind: 'kindIndex',
  /** Sparse: subscribers whose access change has not reached the control plane yet (the sweep retries them). */
  emissionPending: 'emissionPendingIndex',
} as const;

export interface AccessEffects {
  /** The control plane's tenant path (onboard / offboard / plan updates); must throw if it failed. */
  tenants: TenantGateway;
  /** Tells the seller about a new subscriber (SES); best effort is not enough — throw to retry. */
  notifySeller?(item: SubscriberItem): Promise<void>;
}

export class RegistrationConflict extends Error {}

export class SubscriberStore {
  constructor(
    readonly db: DynamoDBDocumentClient,
    readonly tableName: string,
    readonly mode: IdentityMode,
    readonly now: () => Date = () => new Date(),
    /** How long a reconciler owns the emission of one access change before another may take over. */
    readonly emitLeaseMs = 60_000,
  ) {}

  private iso() {
    return this.now().toISOString();
  }

  /** UpdateItem of one subscriber item (`input`: expression, condition, names, values, ReturnValues). */
  private update(subscriberId: string, input: Omit<UpdateCommandInput, 'TableName' | 'Key'>) {
    return this.db.send(new UpdateCommand({ TableName: this.tableName, Key: { subscriberId }, ...input }));
  }

  async get(subscriberId: string): Promise<SubscriberItem | undefined> {
    const r = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: { subscriberId }, ConsistentRead: true }),
    );
    return r.Item as SubscriberItem | undefined;
  }

  /** Guarded update: applies `set` only when `guardAttr` is absent or older than `order`. Returns whether applied. */
  private async guarded(
    subscriberId: string,
    guardAttr: string,
    order: string,
    set: Record<string, unknown>,
    kind = 'subscriber',
    firstValues: Record<string, unknown> = {},
  ): Promise<boolean> {
    const now = this.iso();
    const s = setClause(
      { ...set, [guardAttr]: order, updatedAt: now },
      { ifNotExists: { kind, createdAt: now, ...firstValues } },
    );
    // false: a duplicate, or older than what we have
    return this.setIf(subscriberId, s, 'attribute_not_exists(#g) OR #g < :g', { '#g': guardAttr }, { ':g': order });
  }

  /** Applies a SET clause when `condition` holds; false when it does not. */
  private async setIf(
    subscriberId: string,
    s: SetClause,
    condition: string,
    names: Record<string, string>,
    values: Record<string, unknown>,
  ): Promise<boolean> {
    return writtenUnlessConditionFails(() =>
      this.update(subscriberId, {
        UpdateExpression: s.expression,
        ConditionExpression: condition,
        ExpressionAttributeNames: { ...s.names, ...names },
        ExpressionAttributeValues: { ...s.values, ...values },
      }),
    );
  }

  /** Which item a legacy (CustomerIdentifier) notification belongs to. */
  async keyForCustomerIdentifier(customerIdentifier: string): Promise<string> {
    if (this.mode === 'customer') return customerKey(customerIdentifier);
    const r = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: INDEX.customerIdentifier,
        KeyConditionExpression: 'customerIdentifier = :c',
        ExpressionAttributeValues: { ':c': customerIdentifier.trim() },
      }),
    );
    const hit = (r.Items ?? []).find((i) => i.kind === 'subscriber');
    // Not registered yet: park the facts under the legacy key; registration folds them in (see register()).
    return (hit?.subscriberId as string | undefined) ?? customerKey(customerIdentifier);
  }

  async applySubscription(subscriberId: string, n: Extract<Notification, { kind: 'subscription' }>): Promise<boolean> {
    return this.guarded(
      subscriberId,
      'subscriptionOrder',
      n.order,
      { subscriptionStatus: n.action, offerId: n.offerId, freeTrial: n.freeTrial, subscriptionEventId: n.id },
      'subscriber',
      { customerIdentifier: n.customerIdentifier, productCode: n.productCode },
    );
  }

  async applyLicense(
    n: Extract<Notification, { kind: 'license' }>,
  ): Promise<{ subscriberId: string; applied: boolean }> {
    const subscriberId = licenseKey(n.licenseArn);
    const applied = await this.guarded(
      subscriberId,
      'licenseOrder',
      n.order,
      {
        licenseStatus: n.action === 'updated' ? 'ACTIVE' : 'DEPROVISIONED',
        licenseEventId: n.id,
        agreementId: n.agreementId,
        offerId: n.offerId,
        // The deprovisioned event opens (per one doc revision) the final 1 h reporting window.
        ...(n.action === 'deprovisioned'
          ? { finalUsageUntil: new Date(this.now().getTime() + 3600_000).toISOString() }
          : {}),
      },
      'subscriber',
      {
        licenseArn: n.licenseArn,
        licenseId: licenseIdOf(n.licenseArn),
        customerAWSAccountId: n.accountId,
        productCode: n.productCode,
        // When the licence became active (metering never timestamps usage before it).
        ...(n.action === 'updated' ? { licenseStartedAt: n.order.split('#')[0] } : {}),
      },
    );
    return { subscriberId, applied };
  }

  async applyEntitlements(subscriberId: string, entitlements: unknown[], expired: boolean): Promise<void> {
    const now = this.iso();
    // A GetEntitlements answer is a snapshot taken now: a later fetch is always at least as fresh.
    await this.guarded(subscriberId, 'entitlementOrder', now, {
      entitlements,
      contractExpired: expired,
      entitlementCheckedAt: now,
    });
  }

  /** Agreement facts are kept on their own item and copied onto the licences of that agreement we know of. */
  async applyAgreement(n: Extract<Notification, { kind: 'agreement' }>): Promise<string[]> {
    const facts = {
      agreementStatus: n.action === 'ended' ? (n.status ?? 'ENDED') : (n.status ?? 'ACTIVE'),
      agreementIntent: n.intent,
      agreementEventId: n.id,
      agreementStartTime: n.startTime,
      agreementEndTime: n.endTime,
      ...(n.action === 'ended' ? { agreementEndedAt: this.iso() } : {}),
    };
    await this.guarded(agreementKey(n.agreementId), 'agreementOrder', n.order, facts, 'agreement', {
      agreementId: n.agreementId,
      customerAWSAccountId: n.accountId,
      offerId: n.offerId,
    });
    if (!n.accountId) return [];
    const touched: string[] = [];
    for await (const r of queryPages(this.db, {
      TableName: this.tableName,
      IndexName: INDEX.account,
      KeyConditionExpression: 'customerAWSAccountId = :a',
      FilterExpression: 'agreementId = :g AND kind = :k',
      ExpressionAttributeValues: { ':a': n.accountId, ':g': n.agreementId, ':k': 'subscriber' },
    })) {
      for (const it of r) {
        const id = it.subscriberId as string;
        await this.guarded(id, 'agreementOrder', n.order, facts);
        touched.push(id);
      }
    }
    return touched;
  }

  /**
   * Registration: one conditional UpdateItem. Returns the subscriber id; throws RegistrationConflict when this
   * licence/customer was already registered with different data (uniqueness).
   */
  async register(c: ResolvedCustomer, fields: Record<string, string>, offerType?: string): Promise<string> {
    const subscriberId = subscriberIdOf(c, this.mode);
    const now = this.iso();
    const registrationHash = createHash('sha256')
      .update(JSON.stringify(Object.entries(fields).sort()))
      .digest('hex');
    const s = setClause(
      {
        productCode: c.productCode,
        registration: fields,
        registrationHash,
        customerAWSAccountId: c.customerAWSAccountId,
        licenseArn: c.licenseArn,
        licenseId: c.licenseArn ? licenseIdOf(c.licenseArn) : undefined,
        customerIdentifier: c.customerIdentifier?.trim() || undefined,
        offerType,
        ...(offerType === 'free-trial' ? { freeTrial: true } : {}),
        updatedAt: now,
      },
      { ifNotExists: { kind: 'subscriber', createdAt: now, registeredAt: now } },
    );
    if (
      !(await this.setIf(
        subscriberId,
        s,
        'attribute_not_exists(#h) OR #h = :h',
        { '#h': 'registrationHash' },
        { ':h': registrationHash },
      ))
    ) {
      throw new RegistrationConflict(`subscriber ${subscriberId} is already registered`);
    }
    // Both paths at once (migration): SNS facts that arrived before registration were parked on the legacy key.
    if (subscriberId.startsWith('license:') && c.customerIdentifier)
      await this.foldParked(subscriberId, customerKey(c.customerIdentifier));
    return subscriberId;
  }

  private async foldParked(into: string, parkedId: string): Promise<void> {
    const parked = await this.get(parkedId);
    if (!parked || parked.registeredAt) return;
    if (typeof parked.subscriptionOrder === 'string' && typeof parked.subscriptionStatus === 'string') {
      await this.guarded(into, 'subscriptionOrder', parked.subscriptionOrder, {
        subscriptionStatus: parked.subscriptionStatus,
        offerId: parked.offerId,
        freeTrial: parked.freeTrial,
      });
    }
    if (typeof parked.entitlementOrder === 'string') {
      await this.guarded(into, 'entitlementOrder', parked.entitlementOrder, {
        entitlements: parked.entitlements,
        contractExpired: parked.contractExpired,
        entitlementCheckedAt: parked.entitlementCheckedAt,
      });
    }
    await this.db
      .send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { subscriberId: parkedId },
          ConditionExpression: 'attribute_not_exists(registeredAt)',
        }),
      )
      .catch((e) => {
        if (!isConditionFailure(e)) throw e;
      });
  }

  /**
   * Makes stored access match the facts and emits the control-plane event of every change exactly once
   * (confirmed). Safe to call any number of times, concurrently, from any handler.
   */
  async reconcile(subscriberId: string, effects: AccessEffects): Promise<SubscriberItem | undefined> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const item = await this.get(subscriberId);
      if (item?.kind !== 'subscriber') return item;
      const to = accessTransition(item);
      if (to) {
        const v = item.accessVersion ?? 0;
        try {
          await this.update(subscriberId, {
            UpdateExpression:
              'SET #acc = :to, accessVersion = :nv, accessChangedAt = :now, emissionPending = :pending' +
              (to === 'GRANTED' ? ', grantedAt = if_not_exists(grantedAt, :now)' : ''),
            ConditionExpression: v === 0 ? 'attribute_not_exists(accessVersion)' : 'accessVersion = :v',
            ExpressionAttributeNames: { '#acc': 'access' },
            ExpressionAttributeValues: {
              ':to': to,
              ':nv': v + 1,
              ':now': this.iso(),
              ':pending': 'true',
              ...(v === 0 ? {} : { ':v': v }),
            },
          });
        } catch (e) {
          if (isConditionFailure(e)) continue; // someone else moved it; re-read
          throw e;
        }
        continue; // re-read and emit
      }
      const pending = pendingEmission(item);
      if (pending === undefined) return item;
      // Claim the emission of this version, so concurrent reconcilers (duplicates in one SQS batch, registration
      // racing a notification) put the event once. A crashed claimer's lease expires and a redelivery re-emits.
      const nowMs = this.now().getTime();
      try {
        await this.update(subscriberId, {
          UpdateExpression: 'SET emittingVersion = :v, emitLeaseUntil = :until',
          ConditionExpression:
            'accessVersion = :v AND (attribute_not_exists(emittedVersion) OR emittedVersion < :v) AND ' +
            '(attribute_not_exists(emittingVersion) OR emittingVersion < :v OR emitLeaseUntil < :now)',
          ExpressionAttributeValues: { ':v': pending, ':until': nowMs + this.emitLeaseMs, ':now': nowMs },
        });
      } catch (e) {
        if (isConditionFailure(e)) {
          const again = await this.get(subscriberId);
          // Another reconciler owns this emission (or access moved on: loop and handle the newer version).
          if (again && again.accessVersion === pending) return again;
          continue;
        }
        throw e;
      }
      const granted = item.access === 'GRANTED';
      let tenant: { tenantId: string; tenantRegistrationId: string; planHash: string } | undefined;
      try {
        if (granted && effects.notifySeller && !item.sellerNotifiedAt) {
          await effects.notifySeller(item);
          await this.update(subscriberId, {
            UpdateExpression: 'SET sellerNotifiedAt = if_not_exists(sellerNotifiedAt, :now)',
            ExpressionAttributeValues: { ':now': this.iso() },
          });
        }
        if (granted) tenant = await effects.tenants.onboard(item, pending);
        else await effects.tenants.offboard(item, 'AWS Marketplace: the subscription ended');
      } catch (e) {
        // Release the claim so the redelivery (the message is reported as failed) can emit at once.
        await this.update(subscriberId, {
          UpdateExpression: 'REMOVE emitLeaseUntil, emittingVersion',
          ConditionExpression: 'emittingVersion = :v',
          ExpressionAttributeValues: { ':v': pending },
        }).catch(() => undefined);
        throw e;
      }
      try {
        await this.update(subscriberId, {
          UpdateExpression:
            'SET emittedVersion = :v' +
            (tenant ? ', tenantId = :tid, tenantRegistrationId = :trid, planHash = :ph' : '') +
            // Leaves the sweep's index only when the newest change is done (a newer one keeps it pending).
            ' REMOVE emitLeaseUntil' +
            (pending === item.accessVersion ? ', emissionPending' : ''),
          ConditionExpression: 'attribute_not_exists(emittedVersion) OR emittedVersion < :v',
          ExpressionAttributeValues: {
            ':v': pending,
            ...(tenant
              ? { ':tid': tenant.tenantId, ':trid': tenant.tenantRegistrationId, ':ph': tenant.planHash }
              : {}),
          },
        });
      } catch (e) {
        if (!isConditionFailure(e)) throw e;
      }
    }
    return this.get(subscriberId);
  }

  /**
   * The safety net behind SQS retries: access changes whose control-plane effect has not happened yet (e.g. an
   * offboarding while the tenant was still PROVISIONING, which the control plane refuses until the job finishes)
   * are retried from the sparse `emissionPendingIndex`. Returns how many are still pending after this sweep.
   */
  async sweepPendingEmissions(
    effects: AccessEffects,
    onError: (id: string, e: unknown) => void,
  ): Promise<{ retried: number; stillPending: number }> {
    let retried = 0;
    let stillPending = 0;
    for await (const r of queryPages(this.db, {
      TableName: this.tableName,
      IndexName: INDEX.emissionPending,
      KeyConditionExpression: 'emissionPending = :t',
      ExpressionAttributeValues: { ':t': 'true' },
    })) {
      for (const it of r) {
        const id = String(it.subscriberId);
        retried++;
        try {
          const after = await this.reconcile(id, effects);
          if (after && pendingEmission(after) !== undefined) stillPending++;
        } catch (e) {
          stillPending++;
          onError(id, e);
        }
      }
    }
    return { retried, stillPending };
  }

  /**
   * Trial → paid on the EventBridge path: the buyer's licence moved to another offer than the free-trial one it was
   * registered with (events carry no trial flag; DescribeAgreement would be the only other source).
   */
  async endFreeTrial(subscriberId: string, order: string): Promise<void> {
    await writtenUnlessConditionFails(() =>
      this.update(subscriberId, {
        UpdateExpression: 'SET freeTrial = :f, freeTrialEndedAt = :at',
        ConditionExpression: 'freeTrial = :t',
        ExpressionAttributeValues: { ':f': false, ':t': true, ':at': order.split('#')[0] },
      }),
    );
  }

  /**
   * Plan changes (upgrade, downgrade, trial → paid, amended agreement, new entitlements) of a buyer who is a
   * tenant → the tenant's tier/entitlements through the control plane (tenantUpdated). Runs after reconcile, so
   * the onboarding of this access version has been emitted first; a crash before the mark re-applies, and an
   * update with nothing changed emits nothing.
   */
  async syncPlan(subscriberId: string, effects: AccessEffects, reason: string): Promise<void> {
    const item = await this.get(subscriberId);
    if (item?.kind !== 'subscriber' || item.access !== 'GRANTED' || typeof item.tenantId !== 'string') return;
    if ((item.emittedVersion ?? 0) !== (item.accessVersion ?? 0)) return;
    const hash = await effects.tenants.updatePlan(item, reason);
    if (hash === undefined || hash === item.planHash) return;
    await writtenUnlessConditionFails(() =>
      this.update(subscriberId, {
        UpdateExpression: 'SET planHash = :h, planChangedAt = :now',
        ConditionExpression: 'tenantId = :t',
        ExpressionAttributeValues: { ':h': hash, ':now': this.iso(), ':t': item.tenantId },
      }),
    );
  }

  async delete(subscriberId: string): Promise<SubscriberItem | undefined> {
    const r = await this.db
      .send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { subscriberId },
          ConditionExpression: 'kind = :k',
          ExpressionAttributeValues: { ':k': 'subscriber' },
          ReturnValues: 'ALL_OLD',
        }),
      )
      .catch((e) => {
        if (isConditionFailure(e)) return { Attributes: undefined };
        throw e;
      });
    return r.Attributes as SubscriberItem | undefined;
  }

  async list(limit: number, startKey?: Record<string, unknown>) {
    const r = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: INDEX.kind,
        KeyConditionExpression: 'kind = :k',
        ExpressionAttributeValues: { ':k': 'subscriber' },
        Limit: limit,
        ExclusiveStartKey: startKey,
      }),
    );
    return { items: (r.Items ?? []) as SubscriberItem[], next: r.LastEvaluatedKey };
  }
}
