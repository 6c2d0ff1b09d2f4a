/**
 * Tenants and registrations over DynamoDB: onboarding, updates, lifecycle transitions and job results.
 * Every write is conditional (no clobbering on retries or races); the tenant and its registration change
 * in one transaction; every change emits `sbt_aws_tenantUpdated` with the changed fields.
 *
 * Items:
 *  tenant        { tenantId, tenantRegistrationId, ...tenantData, lifecycleState, lifecycleHistory[], lastError?,
 *                  sbtaws_active, createdAt, updatedAt, version, listPartition: 'TENANT' }
 *  registration  { tenantRegistrationId, tenantId, ...tenantRegistrationData, lifecycleState, sbtaws_active,
 *                  createdAt, updatedAt, listPartition: 'REGISTRATION' }
 *  name claim    { tenantId: 'TENANT_NAME#<tenantName>', claimedBy } — makes tenantName unique (the
 *                  tenant-config lookup by name must be unambiguous); it has no GSI keys, so lists and
 *                  the config index never see it.
 */
import {
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { createHash } from 'crypto';
import type { SbtEventKey } from '../../../src/contracts/event-catalog';
import { conflict, decodeToken, encodeToken, HttpError, notFound } from '../../shared/http';
import { canonicalJson, clientBytes, deepEqual, EVENT_DETAIL_BUDGET, fitDetail, jobData, MAX_DATA_BYTES, type Data } from './data';
import {
  appendHistory,
  isActiveFlag,
  LifecycleError,
  registered,
  retryEventFor,
  transition,
  type JobError,
  type LifecycleEvent,
  type LifecycleState,
  type TransitionRecord,
} from '../../../src/contracts/lifecycle';

export const TENANT_LIST_INDEX = 'tenantListIndex';
export const REGISTRATION_LIST_INDEX = 'registrationListIndex';
export const TENANT_PARTITION = 'TENANT';
export const REGISTRATION_PARTITION = 'REGISTRATION';
const NAME_CLAIM = 'TENANT_NAME#';

export type Emit = (events: { key: SbtEventKey; detail: Record<string, unknown> }[]) => Promise<void>;

export interface TenantServiceDeps {
  readonly db: DynamoDBDocumentClient;
  readonly tenantTable: string;
  readonly registrationTable: string;
  readonly emit: Emit;
  readonly now?: () => string;
  readonly newId?: () => string;
  readonly log?: { warn(msg: string, extra?: Record<string, unknown>): void; error(msg: string, extra?: Record<string, unknown>): void };
}

export interface Page<T> {
  data: T[];
  next_token?: string;
}

export interface OnboardResult {
  tenant: Data;
  registration: Data;
  /** False when the request event could not be put on the bus (the tenant is then PROVISION_FAILED). */
  emitted: boolean;
  /** True when an Idempotency-Key matched an earlier request (nothing new was created). */
  replayed?: boolean;
}

/** Hidden bookkeeping attributes are not part of API responses. */
function present(item: Data | undefined): Data {
  if (!item) return {};
  const { listPartition: _p, requestFingerprint: _f, ...rest } = item;
  return rest;
}

/** Event detail views: the history stays out (EventBridge entries are limited to 256 KB). */
function eventView(item: Data): Data {
  const { listPartition: _p, lifecycleHistory: _h, version: _v, requestFingerprint: _f, ...rest } = item;
  return rest;
}

/** Fields an event always carries, however large the tenant: enough to act on it or fetch the rest. */
const REFERENCE_FIELDS = ['tenantId', 'tenantRegistrationId', 'lifecycleState', 'sbtaws_active', 'tenantName', 'tier', 'email', 'createdAt', 'updatedAt'];

const isConditionFailure = (e: unknown) =>
  (e as { name?: string }).name === 'ConditionalCheckFailedException' ||
  ((e as { name?: string }).name === 'TransactionCanceledException' &&
    ((e as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? []).some((r) => r.Code === 'ConditionalCheckFailed'));

/** Per-item codes of a cancelled transaction ([] for other errors). */
const cancellationCodes = (e: unknown): (string | undefined)[] =>
  (e as { name?: string }).name === 'TransactionCanceledException'
    ? ((e as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? []).map((r) => (r.Code === 'None' ? undefined : r.Code))
    : [];

const isItemTooLarge = (e: unknown) =>
  ((e as { name?: string }).name === 'ValidationException' && /item size|maximum allowed size/i.test(String((e as Error).message))) ||
  ((e as { CancellationReasons?: { Code?: string; Message?: string }[] }).CancellationReasons ?? []).some(
    (r) => r.Code === 'ValidationError' && /item size|maximum allowed size/i.test(String(r.Message)),
  );

function withoutName(names: Record<string, string>): Record<string, string> {
  const { '#n': _n, ...rest } = names;
  return rest;
}

/** `SET #f0 = :f0, …` parts for an update of `fields` (names and values kept apart from the expression). */
function setClause(fields: Data): { sets: string[]; names: Record<string, string>; values: Record<string, unknown> } {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const sets = Object.entries(fields).map(([k, v], i) => {
    names[`#f${i}`] = k;
    values[`:f${i}`] = v;
    return `#f${i} = :f${i}`;
  });
  return { sets, names, values };
}

export class TenantService {
  private readonly now: () => string;
  private readonly newId: () => string;

  constructor(private readonly d: TenantServiceDeps) {
    this.now = d.now ?? (() => new Date().toISOString());
    this.newId = d.newId ?? (() => crypto.randomUUID());
  }

  // ---------------------------------------------------------------- onboarding

  /**
   * Creates tenant + registration (REGISTERED → PROVISIONING) and emits `onboardingRequest` — the one
   * onboarding path behind both `POST /tenant-registrations` and `POST /tenants`.
   */
  async onboard(input: { tenantData: Data; registrationData: Data; reason: string; idempotencyKey?: string }): Promise<OnboardResult> {
    const at = this.now();
    // With an Idempotency-Key the ids are derived from it, so a client's retry finds its first attempt.
    const tenantId = input.idempotencyKey ? derivedId(`tenant:${input.idempotencyKey}`) : this.newId();
    const tenantRegistrationId = input.idempotencyKey ? derivedId(`registration:${input.idempotencyKey}`) : this.newId();
    // What the key promised: a retry must carry the same request (else 422, as the IETF draft says).
    const requestFingerprint = input.idempotencyKey
      ? createHash('sha256').update(canonicalJson({ tenantData: input.tenantData, registrationData: input.registrationData })).digest('hex')
      : undefined;
    const first = registered({ at, reason: input.reason });
    const { state, record } = transition('REGISTERED', 'provision', { at, reason: input.reason });
    const tenant: Data = {
      ...input.tenantData,
      tenantId,
      tenantRegistrationId,
      sbtaws_active: true,
      lifecycleState: state,
      lifecycleHistory: [first, record],
      createdAt: at,
      updatedAt: at,
      version: 1,
      listPartition: TENANT_PARTITION,
      ...(requestFingerprint ? { requestFingerprint } : {}),
    };
    const registration: Data = {
      ...input.registrationData,
      tenantRegistrationId,
      tenantId,
      sbtaws_active: true,
      lifecycleState: state,
      createdAt: at,
      updatedAt: at,
      listPartition: REGISTRATION_PARTITION,
    };
    const tenantName = typeof input.tenantData.tenantName === 'string' ? input.tenantData.tenantName : undefined;
    try {
      await this.d.db.send(
        new TransactWriteCommand({
          TransactItems: [
            ...(tenantName
              ? [
                  {
                    Put: {
                      TableName: this.d.tenantTable,
                      Item: { tenantId: `${NAME_CLAIM}${tenantName}`, claimedBy: tenantId, createdAt: at },
                      ConditionExpression: 'attribute_not_exists(tenantId)',
                    },
                  },
                ]
              : []),
            { Put: { TableName: this.d.tenantTable, Item: tenant, ConditionExpression: 'attribute_not_exists(tenantId)' } },
            {
              Put: {
                TableName: this.d.registrationTable,
                Item: registration,
                ConditionExpression: 'attribute_not_exists(tenantRegistrationId)',
              },
            },
          ],
        }),
      );
    } catch (e) {
      if (input.idempotencyKey && isConditionFailure(e)) {
        const first = await this.getTenantItem(tenantId);
        if (first && first.requestFingerprint !== undefined && first.requestFingerprint !== requestFingerprint) {
          throw new HttpError(422, 'Idempotency-Key was already used with a different request body; use a new key for a new request', {
            field: 'idempotency-key',
          });
        }
        if (first) {
          // A replay: answer what the first attempt created (same ids, current state), emit nothing new.
          const reg = await this.getRegistrationItem(tenantRegistrationId);
          return { tenant: present(first), registration: present(reg), emitted: first.lifecycleState !== 'PROVISION_FAILED', replayed: true };
        }
      }
      if (tenantName && isConditionFailure(e)) throw conflict(`A tenant named '${tenantName}' already exists`, { field: 'tenantName' });
      throw e;
    }
    const emitted = await this.emitRequest('onboardingRequest', tenant, registration, 'PROVISIONING');
    if (!emitted) {
      const failed = await this.getTenant(tenantId);
      return { tenant: failed, registration: present(await this.getRegistrationItem(tenantRegistrationId)), emitted };
    }
    return { tenant: present(tenant), registration: present(registration), emitted };
  }

  // ---------------------------------------------------------------- reads

  async getTenant(tenantId: string): Promise<Data> {
    const item = await this.getTenantItem(tenantId);
    if (!item) throw notFound(`Tenant not found for id ${tenantId}`);
    return present(item);
  }

  async listTenants(limit: number, nextToken?: string): Promise<Page<Data>> {
    return this.list(this.d.tenantTable, TENANT_LIST_INDEX, TENANT_PARTITION, limit, nextToken);
  }

  async getRegistration(id: string): Promise<Data> {
    const item = await this.getRegistrationItem(id);
    if (!item) throw notFound(`Tenant registration not found for id ${id}`);
    return present(item);
  }

  async listRegistrations(limit: number, nextToken?: string): Promise<Page<Data>> {
    return this.list(this.d.registrationTable, REGISTRATION_LIST_INDEX, REGISTRATION_PARTITION, limit, nextToken);
  }

  private async list(table: string, index: string, partition: string, limit: number, nextToken?: string): Promise<Page<Data>> {
    // The GSI's LastEvaluatedKey: the table key + the index keys, exactly.
    const start = decodeToken(nextToken, {
      [table === this.d.tenantTable ? 'tenantId' : 'tenantRegistrationId']: 'string',
      listPartition: { equals: partition },
      createdAt: 'string',
    });
    const res = await this.d.db.send(
      new QueryCommand({
        TableName: table,
        IndexName: index,
        KeyConditionExpression: 'listPartition = :p',
        ExpressionAttributeValues: { ':p': partition },
        Limit: limit,
        ExclusiveStartKey: start,
      }),
    ).catch((e: { name?: string }) => {
      // A forged token with the right shape but wrong key types is still the client's input.
      if (start && e.name === 'ValidationException') {
        throw new HttpError(400, "Invalid query string: field 'next_token': not a token this API issued");
      }
      throw e;
    });
    return { data: (res.Items ?? []).map(present), ...(res.LastEvaluatedKey ? { next_token: encodeToken(res.LastEvaluatedKey) } : {}) };
  }

  private async getTenantItem(tenantId: string): Promise<Data | undefined> {
    if (tenantId.startsWith(NAME_CLAIM)) return undefined;
    const res = await this.d.db.send(new GetCommand({ TableName: this.d.tenantTable, Key: { tenantId }, ConsistentRead: true }));
    return res.Item;
  }

  private async getRegistrationItem(id: string): Promise<Data | undefined> {
    const res = await this.d.db.send(
      new GetCommand({ TableName: this.d.registrationTable, Key: { tenantRegistrationId: id }, ConsistentRead: true }),
    );
    return res.Item;
  }

  /** The tenant id a registration belongs to (404 when unknown). */
  async tenantIdOfRegistration(id: string): Promise<string> {
    const reg = await this.getRegistrationItem(id);
    if (!reg) throw notFound(`Tenant registration not found for id ${id}`);
    return String(reg.tenantId);
  }

  // ---------------------------------------------------------------- data updates

  /**
   * Merges `patch` into the tenant (SBT's PUT /tenants/{id}: partial body). Refused once the tenant is
   * OFFBOARDED. Emits tenantUpdated with the fields whose value actually changed.
   *
   * `tenantName` keys the tenant-config lookup and usually the tenant's resources, so it is unique and,
   * once set, immutable (409). Naming an unnamed tenant takes the name claim AND updates the tenant in ONE
   * conditional transaction (the update requires the tenant to still be unnamed and unchanged), so
   * concurrent renames cannot leave orphaned claims or rename a tenant that got its name meanwhile.
   */
  async updateTenant(tenantId: string, patch: Data, reason: string): Promise<Data> {
    if (tenantId.startsWith(NAME_CLAIM)) throw notFound(`Tenant not found for id ${tenantId}`);
    const names: Record<string, string> = { '#u': 'updatedAt', '#v': 'version', '#s': 'lifecycleState', '#id': 'tenantId', '#n': 'tenantName' };
    const sets = ['#u = :u'];
    const values: Record<string, unknown> = { ':off': 'OFFBOARDED', ':one': 1 };
    Object.entries(patch).forEach(([k, v], i) => {
      names[`#f${i}`] = k;
      values[`:f${i}`] = v;
      sets.push(`#f${i} = :f${i}`);
    });
    const base = 'attribute_exists(#id) AND attribute_exists(#s) AND #s <> :off';
    const name = patch.tenantName === undefined ? undefined : String(patch.tenantName);
    for (let attempt = 0; ; attempt++) {
      const at = this.now();
      values[':u'] = at;
      let old: Data;
      try {
        // The tenant's data as a whole stays within the budget, so lifecycle changes and events always fit.
        const read = await this.getTenantItem(tenantId);
        if (read) {
          const bytes = clientBytes({ ...read, ...patch });
          if (bytes > MAX_DATA_BYTES && bytes > clientBytes(read)) {
            throw new HttpError(413, `Request body too large: tenant ${tenantId}'s data would be ${bytes} bytes; the limit is ${MAX_DATA_BYTES} bytes`, {
              limit: 'tenantDataBytes',
            });
          }
        }
        if (name === undefined) {
          // No name in the patch: one atomic update; the old image comes back with it.
          const res = await this.d.db.send(
            new UpdateCommand({
              TableName: this.d.tenantTable,
              Key: { tenantId },
              UpdateExpression: `SET ${sets.join(', ')} ADD #v :one`,
              ConditionExpression: base,
              ExpressionAttributeNames: withoutName(names),
              ExpressionAttributeValues: values,
              ReturnValues: 'ALL_OLD',
            }),
          );
          old = res.Attributes ?? {};
        } else {
          const current = read;
          if (!current) throw notFound(`Tenant not found for id ${tenantId}`);
          if (current.lifecycleState === 'OFFBOARDED') {
            throw conflict(`Tenant ${tenantId} is OFFBOARDED and can no longer be updated`, { lifecycleState: current.lifecycleState });
          }
          if (current.tenantName !== undefined && current.tenantName !== name) {
            throw conflict(`tenantName: tenant ${tenantId} is named '${String(current.tenantName)}' and a name cannot be changed`, { field: 'tenantName' });
          }
          const ver = { ':ver': current.version ?? 0 };
          if (current.tenantName === name) {
            // Same name again: the update must find it still so (it is immutable, but be exact).
            await this.d.db.send(
              new UpdateCommand({
                TableName: this.d.tenantTable,
                Key: { tenantId },
                UpdateExpression: `SET ${sets.join(', ')} ADD #v :one`,
                ConditionExpression: `${base} AND #n = :f${Object.keys(patch).indexOf('tenantName')} AND #v = :ver`,
                ExpressionAttributeNames: names,
                ExpressionAttributeValues: { ...values, ...ver },
              }),
            );
          } else {
            await this.d.db.send(
              new TransactWriteCommand({
                TransactItems: [
                  {
                    Put: {
                      TableName: this.d.tenantTable,
                      Item: { tenantId: `${NAME_CLAIM}${name}`, claimedBy: tenantId, createdAt: at },
                      ConditionExpression: 'attribute_not_exists(tenantId)',
                    },
                  },
                  {
                    Update: {
                      TableName: this.d.tenantTable,
                      Key: { tenantId },
                      UpdateExpression: `SET ${sets.join(', ')} ADD #v :one`,
                      ConditionExpression: `${base} AND attribute_not_exists(#n) AND #v = :ver`,
                      ExpressionAttributeNames: names,
                      ExpressionAttributeValues: { ...values, ...ver },
                    },
                  },
                ],
              }),
            );
          }
          old = current;
        }
      } catch (e) {
        if (e instanceof HttpError) throw e;
        if (isItemTooLarge(e)) throw new HttpError(413, `Request body too large: tenant ${tenantId} would exceed DynamoDB's 400 KB item limit`);
        const reasons = cancellationCodes(e);
        if (reasons[0] === 'ConditionalCheckFailed') throw conflict(`tenantName: a tenant named '${name}' already exists`, { field: 'tenantName' });
        if (isConditionFailure(e)) {
          const item = await this.getTenantItem(tenantId);
          if (!item) throw notFound(`Tenant not found for id ${tenantId}`);
          if (item.lifecycleState === 'OFFBOARDED') {
            throw conflict(`Tenant ${tenantId} is OFFBOARDED and can no longer be updated`, { lifecycleState: item.lifecycleState });
          }
          // The tenant changed between our read and write (another update, or it got its name): decide again.
          if (name !== undefined && attempt < 8) continue;
          throw conflict(`Tenant ${tenantId} changed concurrently; retry`, {});
        }
        throw e;
      }
      const updated: Data = { ...old, ...patch, updatedAt: at, version: Number(old.version ?? 0) + 1 };
      const changed = Object.keys(patch).filter((k) => !deepEqual(old[k], patch[k]));
      if (changed.length) await this.d.emit([this.updatedEvent(updated, old, changed, reason)]);
      return present(updated);
    }
  }

  /**
   * Merges registration data (PATCH /tenant-registrations/{id}) and, if given, tenant data — both parts in
   * ONE transaction, so a refused tenant part (OFFBOARDED, a taken name, too large) leaves the
   * registration untouched too. The tenant part is conditioned on the version read, so `previous` in the
   * tenantUpdated event is exactly what was replaced (a concurrent writer makes us re-read and retry).
   */
  async updateRegistration(id: string, input: { registrationData: Data; tenantData: Data; reason: string }): Promise<{ tenantRegistration: Data; tenant?: Data }> {
    const reg = await this.getRegistrationItem(id);
    if (!reg) throw notFound(`Tenant registration not found for id ${id}`);
    const tenantId = String(reg.tenantId);
    const patch = input.tenantData;
    const hasTenantPart = Object.keys(patch).length > 0;

    for (let attempt = 0; ; attempt++) {
      const at = this.now();
      const old = hasTenantPart ? await this.getTenantItem(tenantId) : undefined;
      if (hasTenantPart && !old) throw notFound(`Tenant not found for id ${tenantId}`);
      if (old?.lifecycleState === 'OFFBOARDED') {
        throw conflict(`Tenant ${tenantId} is OFFBOARDED and can no longer be updated`, { lifecycleState: old.lifecycleState });
      }
      const regSet = setClause({ ...input.registrationData, updatedAt: at });
      const items: NonNullable<TransactWriteCommandInput['TransactItems']> = [
        {
          Update: {
            TableName: this.d.registrationTable,
            Key: { tenantRegistrationId: id },
            UpdateExpression: `SET ${regSet.sets.join(', ')}`,
            ConditionExpression: 'attribute_exists(#id)',
            ExpressionAttributeNames: { ...regSet.names, '#id': 'tenantRegistrationId' },
            ExpressionAttributeValues: regSet.values,
          },
        },
      ];
      // tenantName is unique and immutable once set (see checkRename); a first name is claimed in this
      // same transaction, so a refused PATCH leaves no claim behind either.
      const newName = old && patch.tenantName !== undefined && patch.tenantName !== old.tenantName ? String(patch.tenantName) : undefined;
      if (newName !== undefined && old!.tenantName !== undefined) {
        throw conflict(`tenantName of tenant ${tenantId} is '${String(old!.tenantName)}' and cannot be changed`, { field: 'tenantName' });
      }
      if (old) {
        const t = setClause({ ...patch, updatedAt: at });
        const versioned = old.version === undefined ? 'attribute_not_exists(#v)' : '#v = :ver';
        items.push({
          Update: {
            TableName: this.d.tenantTable,
            Key: { tenantId },
            UpdateExpression: `SET ${t.sets.join(', ')} ADD #v :one`,
            ConditionExpression: `attribute_exists(#tid) AND #s <> :off AND ${versioned}`,
            ExpressionAttributeNames: { ...t.names, '#v': 'version', '#s': 'lifecycleState', '#tid': 'tenantId' },
            ExpressionAttributeValues: { ...t.values, ':one': 1, ':off': 'OFFBOARDED', ...(old.version === undefined ? {} : { ':ver': old.version }) },
          },
        });
        if (newName !== undefined) {
          items.push({
            Put: {
              TableName: this.d.tenantTable,
              Item: { tenantId: `${NAME_CLAIM}${newName}`, claimedBy: tenantId, createdAt: at },
              ConditionExpression: 'attribute_not_exists(tenantId)',
            },
          });
        }
      }
      try {
        await this.d.db.send(new TransactWriteCommand({ TransactItems: items }));
      } catch (e) {
        const reasons = (e as { CancellationReasons?: { Code?: string; Message?: string }[] }).CancellationReasons ?? [];
        if (isItemTooLarge(e) || reasons.some((r) => r.Code === 'ValidationError' && /size/i.test(r.Message ?? ''))) {
          throw new HttpError(413, `Request body too large: registration ${id} or its tenant would exceed DynamoDB's 400 KB item limit`);
        }
        if ((e as { name?: string }).name !== 'TransactionCanceledException') throw e;
        if (reasons[0]?.Code === 'ConditionalCheckFailed') throw notFound(`Tenant registration not found for id ${id}`);
        if (reasons[2]?.Code === 'ConditionalCheckFailed') throw conflict(`A tenant named '${String(newName)}' already exists`, { field: 'tenantName' });
        // The tenant changed under us (version) or was offboarded meanwhile: re-read and decide again.
        if (reasons[1]?.Code === 'ConditionalCheckFailed' && attempt < 4) continue;
        if (reasons[1]?.Code === 'ConditionalCheckFailed') throw conflict(`Tenant ${tenantId} is being changed concurrently; retry`, { tenantId });
        throw e;
      }
      const registration = await this.getRegistrationItem(id);
      if (!old) return { tenantRegistration: present(registration) };
      const updated: Data = { ...old, ...patch, updatedAt: at, version: Number(old.version ?? 0) + 1 };
      const changed = Object.keys(patch).filter((k) => !deepEqual(old[k], patch[k]));
      if (changed.length) await this.d.emit([this.updatedEvent(updated, old, changed, input.reason)]);
      return { tenantRegistration: present(registration), tenant: present(updated) };
    }
  }

  // ---------------------------------------------------------------- lifecycle

  /**
   * Applies a lifecycle event to a tenant (and its registration) in one conditional transaction: the
   * tenant must still be in the state and version we read, so concurrent requests serialize; a lost race
   * is re-evaluated against the new state (and may then be a 409).
   */
  async applyTransition(
    tenantId: string,
    event: LifecycleEvent,
    ctx: { reason: string; error?: JobError; tenantData?: Data; registrationData?: Data },
  ): Promise<{ before: Data; after: Data }> {
    let compact = false;
    for (let attempt = 0; ; attempt++) {
      const before = await this.getTenantItem(tenantId);
      if (!before) throw notFound(`Tenant not found for id ${tenantId}`);
      const from = before.lifecycleState as LifecycleState;
      const at = this.now();
      let next: { state: LifecycleState; record: TransitionRecord };
      try {
        next = transition(from, event, { at, reason: ctx.reason, error: ctx.error });
      } catch (e) {
        if (e instanceof LifecycleError) throw conflict(e.message, { lifecycleState: from, allowed: e.allowed });
        throw e;
      }
      // At the item size limit the history is compacted to the latest record (the change itself must land).
      const history = compact ? [next.record] : appendHistory(before.lifecycleHistory as TransitionRecord[] | undefined, next.record);
      const active = isActiveFlag(next.state);
      const tNames: Record<string, string> = {
        '#s': 'lifecycleState', '#h': 'lifecycleHistory', '#a': 'sbtaws_active', '#u': 'updatedAt', '#v': 'version',
      };
      const tValues: Record<string, unknown> = {
        ':s': next.state, ':h': history, ':a': active, ':u': at, ':from': from, ':ver': before.version ?? 0, ':one': 1,
      };
      const sets = ['#s = :s', '#h = :h', '#a = :a', '#u = :u'];
      let remove = '';
      if (ctx.error) {
        tNames['#e'] = 'lastError';
        tValues[':e'] = { ...ctx.error, at, event };
        sets.push('#e = :e');
      } else if (next.state === 'ACTIVE' || next.state === 'OFFBOARDED') {
        tNames['#e'] = 'lastError';
        remove = ' REMOVE #e';
      }
      const tenantPatch = ctx.tenantData ?? {};
      Object.entries(tenantPatch).forEach(([k, v], i) => {
        tNames[`#f${i}`] = k;
        tValues[`:f${i}`] = v;
        sets.push(`#f${i} = :f${i}`);
      });
      const rNames: Record<string, string> = { '#s': 'lifecycleState', '#a': 'sbtaws_active', '#u': 'updatedAt', '#id': 'tenantRegistrationId' };
      const rValues: Record<string, unknown> = { ':s': next.state, ':a': active, ':u': at };
      const rSets = ['#s = :s', '#a = :a', '#u = :u'];
      Object.entries(ctx.registrationData ?? {}).forEach(([k, v], i) => {
        rNames[`#f${i}`] = k;
        rValues[`:f${i}`] = v;
        rSets.push(`#f${i} = :f${i}`);
      });
      try {
        await this.d.db.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: this.d.tenantTable,
                  Key: { tenantId },
                  UpdateExpression: `SET ${sets.join(', ')} ADD #v :one${remove}`,
                  ConditionExpression: '#s = :from AND (attribute_not_exists(#v) OR #v = :ver)',
                  ExpressionAttributeNames: tNames,
                  ExpressionAttributeValues: tValues,
                },
              },
              {
                Update: {
                  TableName: this.d.registrationTable,
                  Key: { tenantRegistrationId: String(before.tenantRegistrationId) },
                  UpdateExpression: `SET ${rSets.join(', ')}`,
                  ConditionExpression: 'attribute_exists(#id)',
                  ExpressionAttributeNames: rNames,
                  ExpressionAttributeValues: rValues,
                },
              },
            ],
          }),
        );
      } catch (e) {
        if (isConditionFailure(e) && attempt < 3) continue; // someone else moved the tenant: re-read and re-decide
        if (isItemTooLarge(e) && !compact) {
          this.d.log?.warn('tenant item at the size limit: lifecycle history compacted', { tenantId });
          compact = true;
          continue;
        }
        throw e;
      }
      const after: Data = {
        ...before,
        ...tenantPatch,
        lifecycleState: next.state,
        lifecycleHistory: history,
        sbtaws_active: active,
        updatedAt: at,
        version: Number(before.version ?? 0) + 1,
      };
      if (ctx.error) after.lastError = tValues[':e'];
      else if (remove) delete after.lastError;
      return { before, after };
    }
  }

  /** Lifecycle change requested through the API: transition, then the request event + tenantUpdated. */
  async requestTransition(tenantId: string, event: LifecycleEvent, reason: string): Promise<{ tenant: Data; emitted: boolean }> {
    const { before, after } = await this.applyTransition(tenantId, event, { reason });
    const request = requestEventFor(event);
    const changed = ['lifecycleState', ...(before.sbtaws_active !== after.sbtaws_active ? ['sbtaws_active'] : [])];
    if (request === 'onboardingRequest' || request === 'offboardingRequest') {
      const reg = (await this.getRegistrationItem(String(after.tenantRegistrationId))) ?? {};
      const emitted = await this.emitRequest(request, after, reg, after.lifecycleState as LifecycleState, this.updatedEvent(after, before, changed, reason));
      return { tenant: emitted ? present(after) : await this.getTenant(tenantId), emitted };
    }
    const events = [this.updatedEvent(after, before, changed, reason)];
    if (request) events.unshift({ key: request, detail: fitDetail(eventView(after), REFERENCE_FIELDS) });
    await this.d.emit(events);
    return { tenant: present(after), emitted: true };
  }

  /** POST …/retry: re-runs the failed provisioning or deprovisioning (409 unless in a *_FAILED state). */
  async retry(tenantId: string, reason: string): Promise<{ tenant: Data; emitted: boolean }> {
    const t = await this.getTenantItem(tenantId);
    if (!t) throw notFound(`Tenant not found for id ${tenantId}`);
    const event = retryEventFor(t.lifecycleState as LifecycleState);
    if (!event) {
      throw conflict(`Nothing to retry: tenant ${tenantId} is ${String(t.lifecycleState)} (retry needs PROVISION_FAILED or DEPROVISION_FAILED)`, {
        lifecycleState: t.lifecycleState,
      });
    }
    return this.requestTransition(tenantId, event, reason);
  }

  /**
   * Puts the request event (+ optional tenantUpdated). If the bus refuses it, the tenant is moved to the
   * matching *_FAILED state with the error, so the failure is visible and the retry route can re-emit.
   */
  private async emitRequest(
    key: 'onboardingRequest' | 'offboardingRequest',
    tenant: Data,
    registration: Data,
    state: LifecycleState,
    extra?: { key: SbtEventKey; detail: Record<string, unknown> },
  ): Promise<boolean> {
    // SBT's payload: registration data ∪ tenant data ∪ ids (tenantData carries tenantRegistrationId, #143).
    const detail = fitDetail(
      { ...eventView(registration), ...eventView(tenant), tenantId: tenant.tenantId, tenantRegistrationId: tenant.tenantRegistrationId },
      REFERENCE_FIELDS,
    );
    try {
      await this.d.emit([{ key, detail }, ...(extra ? [extra] : [])]);
      return true;
    } catch (err) {
      this.d.log?.error(`could not emit ${key}`, { error: String(err), tenantId: tenant.tenantId });
      const failEvent: LifecycleEvent = state === 'PROVISIONING' ? 'provisionFailed' : 'deprovisionFailed';
      await this.applyTransition(String(tenant.tenantId), failEvent, {
        reason: `${key} could not be put on the event bus`,
        error: { error: 'EventDeliveryFailed', cause: String((err as Error).message ?? err) },
      });
      return false;
    }
  }

  // ---------------------------------------------------------------- application-plane results

  /**
   * Consumes provision/deprovision Success/Failure (SBT ScriptJob payloads). Idempotent: a duplicate
   * delivery finds the tenant already in the target state and does nothing; a result that no longer fits
   * (e.g. a late success after an offboarding started) is logged and dropped, never retried forever.
   */
  async handleJobResult(key: 'provisionSuccess' | 'provisionFailure' | 'deprovisionSuccess' | 'deprovisionFailure', detail: Data): Promise<'applied' | 'duplicate' | 'ignored'> {
    const regId = detail.tenantRegistrationId;
    if (typeof regId !== 'string' || !regId) {
      this.d.log?.warn(`${key} without tenantRegistrationId ignored`, { detail });
      return 'ignored';
    }
    const reg = await this.getRegistrationItem(regId);
    if (!reg) {
      this.d.log?.warn(`${key} for unknown registration ignored`, { tenantRegistrationId: regId });
      return 'ignored';
    }
    const tenantId = String(reg.tenantId);
    const event = RESULT_EVENTS[key];
    const jobOutput = detail.jobOutput && typeof detail.jobOutput === 'object' && !Array.isArray(detail.jobOutput) ? (detail.jobOutput as Data) : {};
    const structured = 'tenantData' in jobOutput || 'tenantRegistrationData' in jobOutput;
    // Success: { tenantData, tenantRegistrationData }. SBT failures send jobFailureStatus flat (e.g.
    // { tenantStatus: 'Failed to provision tenant.' }) — SBT drops it; we store it on the tenant.
    const tenantData = jobData(structured ? jobOutput.tenantData : jobOutput);
    delete tenantData.tenantName; // unique and immutable (see updateTenant); a job cannot rename a tenant
    const registrationData = jobData(structured ? jobOutput.tenantRegistrationData : undefined);
    delete registrationData.tenantName; // nor give its registration another name than the tenant's
    const failed = key.endsWith('Failure');
    // Errors are clipped: a Step Functions cause can be tens of KB, and the item (with its history) must
    // stay far below DynamoDB's 400 KB.
    const cause = str(detail.cause) ?? str(jobOutput.cause);
    const error: JobError | undefined = failed
      ? {
          error: clip(str(detail.error) ?? str(jobOutput.error) ?? `${key}`),
          ...(cause ? { cause: clip(cause) } : {}),
          jobOutput: JSON.stringify(jobOutput).length > MAX_ERROR_CHARS ? clip(JSON.stringify(jobOutput)) : jobOutput,
        }
      : undefined;
    try {
      const { before, after } = await this.applyTransition(tenantId, event, {
        reason: `${key} from the application plane`,
        error,
        tenantData,
        registrationData,
      });
      const changed = ['lifecycleState', ...Object.keys(tenantData).filter((k) => !deepEqual(before[k], tenantData[k]))];
      if (error) changed.push('lastError');
      if (before.sbtaws_active !== after.sbtaws_active) changed.push('sbtaws_active');
      await this.d.emit([this.updatedEvent(after, before, changed, `${key} from the application plane`)]);
      return 'applied';
    } catch (e) {
      if (e instanceof HttpError && e.statusCode === 409) {
        const current = await this.getTenantItem(tenantId);
        const target = { provisionSucceeded: 'ACTIVE', provisionFailed: 'PROVISION_FAILED', deprovisionSucceeded: 'OFFBOARDED', deprovisionFailed: 'DEPROVISION_FAILED' }[
          event as 'provisionSucceeded'
        ];
        if (current?.lifecycleState === target) return 'duplicate';
        this.d.log?.warn(`${key} does not fit tenant state; ignored`, { tenantId, lifecycleState: current?.lifecycleState });
        return 'ignored';
      }
      throw e;
    }
  }

  private updatedEvent(after: Data, before: Data, changed: string[], reason: string): { key: SbtEventKey; detail: Record<string, unknown> } {
    const uniq = [...new Set(changed)];
    return {
      key: 'tenantUpdated',
      // The tenant's new state, flat as in onboardingRequest (SBT-era consumers read detail.tier, .email…),
      // then what changed: changedFields, changes (new values), previous (old values), reason.
      // Never over EventBridge's 256 KB: changes and previous get a quarter of the budget each, the flat
      // state the rest; large values go by reference (omittedFields — GET /tenants/{tenantId} has them).
      detail: fitDetail(
        {
          ...eventView(after),
          tenantId: after.tenantId,
          tenantRegistrationId: after.tenantRegistrationId,
          lifecycleState: after.lifecycleState,
          changedFields: uniq,
          changes: fitDetail(Object.fromEntries(uniq.map((k) => [k, after[k] ?? null])), ['lifecycleState', 'sbtaws_active'], EVENT_DETAIL_BUDGET / 4),
          previous: fitDetail(Object.fromEntries(uniq.map((k) => [k, before[k] ?? null])), ['lifecycleState', 'sbtaws_active'], EVENT_DETAIL_BUDGET / 4),
          reason,
        },
        [...REFERENCE_FIELDS, 'changedFields', 'changes', 'previous', 'reason'],
      ),
    };
  }
}

const RESULT_EVENTS: Record<'provisionSuccess' | 'provisionFailure' | 'deprovisionSuccess' | 'deprovisionFailure', LifecycleEvent> = {
  provisionSuccess: 'provisionSucceeded',
  provisionFailure: 'provisionFailed',
  deprovisionSuccess: 'deprovisionSucceeded',
  deprovisionFailure: 'deprovisionFailed',
};

/** The request event a lifecycle event asks the application plane to act on. */
export function requestEventFor(event: LifecycleEvent): SbtEventKey | undefined {
  switch (event) {
    case 'provision':
    case 'retryProvisioning':
      return 'onboardingRequest';
    case 'offboard':
    case 'retryDeprovisioning':
      return 'offboardingRequest';
    case 'activate':
      return 'activateRequest';
    case 'deactivate':
      return 'deactivateRequest';
    default:
      return undefined;
  }
}

const MAX_ERROR_CHARS = 2048;
function clip(v: string): string {
  return v.length > MAX_ERROR_CHARS ? `${v.slice(0, MAX_ERROR_CHARS)}…(truncated)` : v;
}

/** A UUID-shaped id derived from `seed` (sha256), for idempotent creation. */
export function derivedId(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function str(v: unknown): string | undefined {
  if (typeof v === 'string' && v) return v;
  if (v && typeof v === 'object') return JSON.stringify(v);
  return undefined;
}
