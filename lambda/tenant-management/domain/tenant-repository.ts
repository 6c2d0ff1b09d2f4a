/**
 * The tenant and registration tables: every DynamoDB read and write of the tenant service, and nothing
 * else (no decisions, no events). Each write is conditional, so a lost race or a retry surfaces as a
 * condition failure the service decides about (lambda/shared/dynamodb.ts reads which item refused).
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
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { ValidationError } from '../../shared/domain-errors';
import { decodeToken, encodeToken, setClause } from '../../shared/dynamodb';
import type { Data } from './data';

export const TENANT_LIST_INDEX = 'tenantListIndex';
export const REGISTRATION_LIST_INDEX = 'registrationListIndex';
export const TENANT_PARTITION = 'TENANT';
export const REGISTRATION_PARTITION = 'REGISTRATION';
const NAME_CLAIM = 'TENANT_NAME#';

export interface Page<T> {
  data: T[];
  next_token?: string;
}

type TransactItems = NonNullable<TransactWriteCommandInput['TransactItems']>;

/** A tenant that exists and is not OFFBOARDED (names: #id tenantId, #s lifecycleState; value :off). */
const LIVE_TENANT = 'attribute_exists(#id) AND attribute_exists(#s) AND #s <> :off';

/** The fields a lifecycle transition writes, computed by the service. */
export interface TransitionWrite {
  tenantId: string;
  tenantRegistrationId: string;
  /** The state and version read: the write lands only if neither changed meanwhile. */
  from: string;
  version: unknown;
  /** Tenant attributes to set (state, history, flag, updatedAt, lastError?, job data). */
  tenantFields: Data;
  /** Drop lastError (a successful transition clears an earlier failure). */
  removeLastError: boolean;
  /** Registration attributes to set (state, flag, updatedAt, job data). */
  registrationFields: Data;
}

export class TenantRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    readonly tenantTable: string,
    readonly registrationTable: string,
  ) {}

  /** A tenant item (strongly consistent); name claims are not tenants. */
  async getTenant(tenantId: string): Promise<Data | undefined> {
    if (isNameClaim(tenantId)) return undefined;
    const res = await this.db.send(
      new GetCommand({ TableName: this.tenantTable, Key: { tenantId }, ConsistentRead: true }),
    );
    return res.Item;
  }

  async getRegistration(id: string): Promise<Data | undefined> {
    const res = await this.db.send(
      new GetCommand({ TableName: this.registrationTable, Key: { tenantRegistrationId: id }, ConsistentRead: true }),
    );
    return res.Item;
  }

  /** A page of tenants or registrations (a Query on the list index, oldest first). */
  async list(kind: 'tenant' | 'registration', limit: number, nextToken?: string): Promise<Page<Data>> {
    const [table, index, partition, key] =
      kind === 'tenant'
        ? [this.tenantTable, TENANT_LIST_INDEX, TENANT_PARTITION, 'tenantId']
        : [this.registrationTable, REGISTRATION_LIST_INDEX, REGISTRATION_PARTITION, 'tenantRegistrationId'];
    // The GSI's LastEvaluatedKey: the table key + the index keys, exactly.
    const start = decodeToken(nextToken, {
      [key]: 'string',
      listPartition: { equals: partition },
      createdAt: 'string',
    });
    const res = await this.db
      .send(
        new QueryCommand({
          TableName: table,
          IndexName: index,
          KeyConditionExpression: 'listPartition = :p',
          ExpressionAttributeValues: { ':p': partition },
          Limit: limit,
          ExclusiveStartKey: start,
        }),
      )
      .catch((e: { name?: string }) => {
        // A forged token with the right shape but wrong key types is still the client's input.
        if (start && e.name === 'ValidationException')
          throw new ValidationError("Invalid query string: field 'next_token': not a token this API issued");
        throw e;
      });
    return {
      data: res.Items ?? [],
      ...(res.LastEvaluatedKey ? { next_token: encodeToken(res.LastEvaluatedKey) } : {}),
    };
  }

  /** Creates tenant + registration (+ the name claim) in one transaction; nothing exists on failure. */
  async create(tenant: Data, registration: Data, tenantName: string | undefined, at: string): Promise<void> {
    await this.db.send(
      new TransactWriteCommand({
        TransactItems: [
          ...(tenantName ? [this.claimName(tenantName, String(tenant.tenantId), at)] : []),
          { Put: { TableName: this.tenantTable, Item: tenant, ConditionExpression: 'attribute_not_exists(tenantId)' } },
          {
            Put: {
              TableName: this.registrationTable,
              Item: registration,
              ConditionExpression: 'attribute_not_exists(tenantRegistrationId)',
            },
          },
        ],
      }),
    );
  }

  /** Sets `patch` on a live tenant (version + 1) in one atomic update; returns the item as it was. */
  async updateTenant(tenantId: string, patch: Data, at: string): Promise<Data> {
    const c = setClause({ ...patch, updatedAt: at });
    const res = await this.db.send(
      new UpdateCommand({
        TableName: this.tenantTable,
        Key: { tenantId },
        UpdateExpression: `${c.expression} ADD #v :one`,
        ConditionExpression: LIVE_TENANT,
        ExpressionAttributeNames: { ...c.names, '#v': 'version', '#id': 'tenantId', '#s': 'lifecycleState' },
        ExpressionAttributeValues: { ...c.values, ':off': 'OFFBOARDED', ':one': 1 },
        ReturnValues: 'ALL_OLD',
      }),
    );
    return res.Attributes ?? {};
  }

  /**
   * Sets `patch` (which carries `tenantName`) on a live tenant still at `version`. `claim`: the tenant must
   * still be unnamed and the name is claimed in the same transaction (item 0 of a cancelled transaction is
   * the claim); otherwise it must still carry that name.
   */
  async updateNamedTenant(tenantId: string, patch: Data, at: string, version: unknown, claim: boolean): Promise<void> {
    const c = setClause({ ...patch, updatedAt: at });
    const name = String(patch.tenantName);
    const update = {
      TableName: this.tenantTable,
      Key: { tenantId },
      UpdateExpression: `${c.expression} ADD #v :one`,
      ConditionExpression: `${LIVE_TENANT} AND ${claim ? 'attribute_not_exists(#n)' : `#n = ${c.valueOf('tenantName')}`} AND #v = :ver`,
      ExpressionAttributeNames: {
        ...c.names,
        '#v': 'version',
        '#id': 'tenantId',
        '#s': 'lifecycleState',
        '#n': 'tenantName',
      },
      ExpressionAttributeValues: { ...c.values, ':off': 'OFFBOARDED', ':one': 1, ':ver': version ?? 0 },
    };
    if (!claim) {
      await this.db.send(new UpdateCommand(update));
      return;
    }
    await this.db.send(
      new TransactWriteCommand({ TransactItems: [this.claimName(name, tenantId, at), { Update: update }] }),
    );
  }

  /**
   * Registration data, and with `tenant` the tenant's data (conditioned on the version read, not
   * OFFBOARDED, plus a first name's claim), in ONE transaction. Items of a cancelled transaction:
   * 0 registration, 1 tenant, 2 name claim.
   */
  async updateRegistration(
    id: string,
    registrationData: Data,
    at: string,
    tenant?: { tenantId: string; patch: Data; version: unknown; claimName?: string },
  ): Promise<void> {
    const r = setClause({ ...registrationData, updatedAt: at });
    const items: TransactItems = [
      {
        Update: {
          TableName: this.registrationTable,
          Key: { tenantRegistrationId: id },
          UpdateExpression: r.expression,
          ConditionExpression: 'attribute_exists(#id)',
          ExpressionAttributeNames: { ...r.names, '#id': 'tenantRegistrationId' },
          ExpressionAttributeValues: r.values,
        },
      },
    ];
    if (tenant) {
      const t = setClause({ ...tenant.patch, updatedAt: at });
      const versioned = tenant.version === undefined ? 'attribute_not_exists(#v)' : '#v = :ver';
      items.push({
        Update: {
          TableName: this.tenantTable,
          Key: { tenantId: tenant.tenantId },
          UpdateExpression: `${t.expression} ADD #v :one`,
          ConditionExpression: `attribute_exists(#tid) AND #s <> :off AND ${versioned}`,
          ExpressionAttributeNames: { ...t.names, '#v': 'version', '#s': 'lifecycleState', '#tid': 'tenantId' },
          ExpressionAttributeValues: {
            ...t.values,
            ':one': 1,
            ':off': 'OFFBOARDED',
            ...(tenant.version === undefined ? {} : { ':ver': tenant.version }),
          },
        },
      });
      if (tenant.claimName !== undefined) items.push(this.claimName(tenant.claimName, tenant.tenantId, at));
    }
    await this.db.send(new TransactWriteCommand({ TransactItems: items }));
  }

  /**
   * A lifecycle transition: tenant and registration in one transaction; the tenant must still be in the
   * state and version read, so concurrent transitions serialize.
   */
  async writeTransition(w: TransitionWrite): Promise<void> {
    const t = setClause(w.tenantFields, { prefix: 't' });
    const r = setClause(w.registrationFields, { prefix: 'r' });
    await this.db.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: this.tenantTable,
              Key: { tenantId: w.tenantId },
              UpdateExpression: `${t.expression} ADD #v :one${w.removeLastError ? ' REMOVE #e' : ''}`,
              ConditionExpression: '#s = :from AND (attribute_not_exists(#v) OR #v = :ver)',
              ExpressionAttributeNames: {
                ...t.names,
                '#s': 'lifecycleState',
                '#v': 'version',
                ...(w.removeLastError ? { '#e': 'lastError' } : {}),
              },
              ExpressionAttributeValues: { ...t.values, ':from': w.from, ':ver': w.version ?? 0, ':one': 1 },
            },
          },
          {
            Update: {
              TableName: this.registrationTable,
              Key: { tenantRegistrationId: w.tenantRegistrationId },
              UpdateExpression: r.expression,
              ConditionExpression: 'attribute_exists(#id)',
              ExpressionAttributeNames: { ...r.names, '#id': 'tenantRegistrationId' },
              ExpressionAttributeValues: r.values,
            },
          },
        ],
      }),
    );
  }

  private claimName(name: string, tenantId: string, at: string) {
    return {
      Put: {
        TableName: this.tenantTable,
        Item: { tenantId: `${NAME_CLAIM}${name}`, claimedBy: tenantId, createdAt: at },
        ConditionExpression: 'attribute_not_exists(tenantId)',
      },
    };
  }
}

/** Name claims share the tenant table's key space; no tenant id starts with the prefix. */
export function isNameClaim(tenantId: string): boolean {
  return tenantId.startsWith(NAME_CLAIM);
}
