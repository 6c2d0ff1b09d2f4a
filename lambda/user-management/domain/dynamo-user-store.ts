/**
 * UserStore over a DynamoDB table (PK `userName`; GSI `userListIndex` on `listPartition` + `created` for
 * paginated lists without Scan). Used with external IdPs (OidcAuth) and by the tests against DynamoDB
 * Local. Every write is conditional: create never overwrites, updates never resurrect a deleted user.
 */
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { decodeToken, encodeToken, isConditionFailure, setClause } from '../../shared/dynamodb';
import {
  type NewUser,
  type UserInfo,
  type UserPatch,
  type UserStore,
  UserExistsError,
  UserNotFoundError,
} from './user-store';

export const USER_LIST_INDEX = 'userListIndex';
const PARTITION = 'USER';

function toInfo(item: Record<string, unknown>): UserInfo {
  return {
    userName: String(item.userName),
    email: item.email as string | undefined,
    userRole: item.userRole as string | undefined,
    status: (item.status as string | undefined) ?? 'RECORDED',
    enabled: item.enabled !== false,
    created: item.created as string | undefined,
    modified: item.modified as string | undefined,
  };
}

export class DynamoUserStore implements UserStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly now: () => string = () => new Date().toISOString(),
  ) {}

  async create(user: NewUser): Promise<UserInfo> {
    const at = this.now();
    const item = { ...user, enabled: true, status: 'RECORDED', created: at, modified: at, listPartition: PARTITION };
    try {
      await this.db.send(
        new PutCommand({ TableName: this.table, Item: item, ConditionExpression: 'attribute_not_exists(userName)' }),
      );
    } catch (e) {
      if (isConditionFailure(e)) throw new UserExistsError(user.userName);
      throw e;
    }
    return toInfo(item);
  }

  async list(limit: number, nextToken?: string): Promise<{ users: UserInfo[]; nextToken?: string }> {
    // Exactly the GSI's LastEvaluatedKey (table key + index keys): forged shapes never reach DynamoDB.
    const start = decodeToken(nextToken, {
      userName: 'string',
      listPartition: { equals: PARTITION },
      created: 'string',
    });
    const res = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: USER_LIST_INDEX,
        KeyConditionExpression: 'listPartition = :p',
        ExpressionAttributeValues: { ':p': PARTITION },
        Limit: limit,
        ExclusiveStartKey: start,
      }),
    );
    return { users: (res.Items ?? []).map(toInfo), nextToken: encodeToken(res.LastEvaluatedKey) };
  }

  async get(userName: string): Promise<UserInfo> {
    const res = await this.db.send(new GetCommand({ TableName: this.table, Key: { userName }, ConsistentRead: true }));
    if (!res.Item) throw new UserNotFoundError(userName);
    return toInfo(res.Item);
  }

  private async set(userName: string, fields: Record<string, unknown>): Promise<UserInfo> {
    const set = setClause({ ...fields, modified: this.now() });
    try {
      const res = await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { userName },
          UpdateExpression: set.expression,
          ConditionExpression: 'attribute_exists(#id)',
          ExpressionAttributeNames: { ...set.names, '#id': 'userName' },
          ExpressionAttributeValues: set.values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toInfo(res.Attributes ?? {});
    } catch (e) {
      if (isConditionFailure(e)) throw new UserNotFoundError(userName);
      throw e;
    }
  }

  update(userName: string, patch: UserPatch): Promise<UserInfo> {
    return this.set(userName, Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)));
  }

  async delete(userName: string): Promise<UserInfo> {
    try {
      const res = await this.db.send(
        new DeleteCommand({
          TableName: this.table,
          Key: { userName },
          ConditionExpression: 'attribute_exists(userName)',
          ReturnValues: 'ALL_OLD',
        }),
      );
      return toInfo(res.Attributes ?? { userName });
    } catch (e) {
      if (isConditionFailure(e)) throw new UserNotFoundError(userName);
      throw e;
    }
  }

  setEnabled(userName: string, enabled: boolean): Promise<UserInfo> {
    return this.set(userName, { enabled });
  }
}
