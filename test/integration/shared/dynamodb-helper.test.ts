// lambda/shared/dynamodb.ts against the real engine (the run's DynamoDB Local): SET clauses that write any
// attribute name (reserved words, dots, '#', spaces) exactly, the reading of refused conditional writes and
// cancelled transactions (which item refused), DynamoDB's 400 KB refusal, Query pagination and page tokens.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { createTable, uniquePrefix } from '../../../local/tables';
import { ValidationError } from '../../../lambda/shared/domain-errors';
import {
  buildUpdate,
  cancellationCodes,
  decodeToken,
  encodeToken,
  isConditionFailure,
  isItemTooLarge,
  queryAll,
  queryPages,
  setClause,
} from '../../../lambda/shared/dynamodb';

const db = DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });
const table = `${uniquePrefix('dynamodb-helper')}-items`;

beforeAll(async () => {
  await createTable(table, {
    hash_key: 'pk',
    range_key: 'sk',
    attribute: [
      { name: 'pk', type: 'S' },
      { name: 'sk', type: 'S' },
    ],
  });
});

const get = async (pk: string, sk = 'a') =>
  (await db.send(new GetCommand({ TableName: table, Key: { pk, sk }, ConsistentRead: true }))).Item;
const refusal = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e,
  );

describe('setClause / buildUpdate', () => {
  test('sets any attribute name exactly (reserved words, dots, # and spaces are names, not paths), skips undefined', async () => {
    await db.send(new PutCommand({ TableName: table, Item: { pk: 'set', sk: 'a', keep: 1 } }));
    const fields = {
      status: 'ACTIVE',
      'a.b': 1,
      '#x': 'hash',
      'with space': [1, 2],
      size: { nested: true },
      gone: undefined,
    };
    await db.send(new UpdateCommand({ TableName: table, Key: { pk: 'set', sk: 'a' }, ...buildUpdate(fields) }));
    expect(await get('set')).toEqual({
      pk: 'set',
      sk: 'a',
      keep: 1,
      status: 'ACTIVE',
      'a.b': 1,
      '#x': 'hash',
      'with space': [1, 2],
      size: { nested: true },
    });
  });

  test('two clauses with other prefixes share one expression; valueOf names the placeholder for a condition', async () => {
    await db.send(new PutCommand({ TableName: table, Item: { pk: 'two', sk: 'a', name: 'n1' } }));
    const a = setClause({ name: 'n1', x: 1 }, { prefix: 'a' });
    const b = setClause({ y: 2 }, { prefix: 'b' });
    expect(a.valueOf('name')).toBe(':a0');
    expect(a.valueOf('missing')).toBeUndefined();
    await db.send(
      new UpdateCommand({
        TableName: table,
        Key: { pk: 'two', sk: 'a' },
        UpdateExpression: `SET ${[...a.sets, ...b.sets].join(', ')}`,
        ConditionExpression: `#n = ${a.valueOf('name')}`,
        ExpressionAttributeNames: { ...a.names, ...b.names, '#n': 'name' },
        ExpressionAttributeValues: { ...a.values, ...b.values },
      }),
    );
    expect(await get('two')).toEqual({ pk: 'two', sk: 'a', name: 'n1', x: 1, y: 2 });
  });

  test('ifNotExists fields keep the first value written', async () => {
    const write = (at: string) => {
      const c = setClause({ updatedAt: at }, { ifNotExists: { createdAt: at, kind: 'thing' } });
      return db.send(
        new UpdateCommand({
          TableName: table,
          Key: { pk: 'first', sk: 'a' },
          UpdateExpression: c.expression,
          ExpressionAttributeNames: c.names,
          ExpressionAttributeValues: c.values,
        }),
      );
    };
    await write('t1');
    await write('t2');
    expect(await get('first')).toEqual({ pk: 'first', sk: 'a', updatedAt: 't2', createdAt: 't1', kind: 'thing' });
  });

  test('nothing to set is refused before DynamoDB (an empty SET would be a 500 later)', () => {
    expect(setClause({ a: undefined }).expression).toBe('');
    expect(() => buildUpdate({ a: undefined })).toThrow(/no defined field/);
  });
});

describe('reading refusals', () => {
  test('a refused conditional write is a condition failure; other errors are not', async () => {
    await db.send(new PutCommand({ TableName: table, Item: { pk: 'cond', sk: 'a' } }));
    const refused = await refusal(
      db.send(
        new PutCommand({
          TableName: table,
          Item: { pk: 'cond', sk: 'a' },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
    expect(isConditionFailure(refused)).toBe(true);
    expect(cancellationCodes(refused)).toEqual([]);
    const missingTable = await refusal(
      db.send(new PutCommand({ TableName: `${table}-missing`, Item: { pk: 'x', sk: 'a' } })),
    );
    expect(isConditionFailure(missingTable)).toBe(false);
    expect(isItemTooLarge(missingTable)).toBe(false);
  });

  test('a cancelled transaction says which item refused, in TransactItems order', async () => {
    await db.send(new PutCommand({ TableName: table, Item: { pk: 'tx', sk: 'taken' } }));
    const put = (sk: string) => ({
      Put: { TableName: table, Item: { pk: 'tx', sk }, ConditionExpression: 'attribute_not_exists(pk)' },
    });
    const refused = await refusal(
      db.send(new TransactWriteCommand({ TransactItems: [put('free-1'), put('taken'), put('free-2')] })),
    );
    expect(isConditionFailure(refused)).toBe(true);
    expect(cancellationCodes(refused)).toEqual([undefined, 'ConditionalCheckFailed', undefined]);
    expect(await get('tx', 'free-1')).toBeUndefined(); // all or nothing
  });

  test("DynamoDB's 400 KB item limit is recognised, in a plain write and inside a transaction", async () => {
    const big = { pk: 'big', sk: 'a', blob: 'x'.repeat(410 * 1024) };
    const plain = await refusal(db.send(new PutCommand({ TableName: table, Item: big })));
    expect(isItemTooLarge(plain)).toBe(true);
    expect(isConditionFailure(plain)).toBe(false);
    const inTx = await refusal(
      db.send(new TransactWriteCommand({ TransactItems: [{ Put: { TableName: table, Item: big } }] })),
    );
    expect(isItemTooLarge(inTx)).toBe(true);
  });
});

describe('pages', () => {
  beforeAll(async () => {
    for (let i = 0; i < 7; i++)
      await db.send(new PutCommand({ TableName: table, Item: { pk: 'paged', sk: `s${i}`, i } }));
  });
  const input = {
    TableName: table,
    KeyConditionExpression: 'pk = :p',
    ExpressionAttributeValues: { ':p': 'paged' },
    Limit: 3,
  };

  test('queryPages follows LastEvaluatedKey to the end; queryAll collects every item once', async () => {
    const sizes: number[] = [];
    for await (const items of queryPages(db, input)) sizes.push(items.length);
    expect(sizes.slice(0, 2)).toEqual([3, 3]);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(7);
    const all = await queryAll<{ i: number }>(db, input);
    expect(all.map((x) => x.i)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  test('a page token round-trips to the key DynamoDB continues from; forged shapes are a ValidationError', async () => {
    const first = (await queryPages(db, input).next()).value as Record<string, unknown>[];
    const token = encodeToken({ pk: 'paged', sk: String(first[2].sk) });
    const shape = { pk: { equals: 'paged' }, sk: 'string' } as const;
    const rest = await queryAll<{ i: number }>(db, { ...input, ExclusiveStartKey: decodeToken(token, shape) });
    expect(rest.map((x) => x.i)).toEqual([3, 4, 5, 6]);
    expect(encodeToken(undefined)).toBeUndefined();
    expect(decodeToken(undefined)).toBeUndefined();
    for (const forged of [
      'garbage',
      encodeToken({ pk: 'other', sk: 's1' }),
      encodeToken({ pk: 'paged', sk: 1 }),
      encodeToken({ pk: 'paged', sk: 's', x: 1 }),
    ]) {
      const e = (() => {
        try {
          decodeToken(forged, shape);
        } catch (err) {
          return err;
        }
      })();
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as Error).message).toBe("Invalid query string: field 'next_token': not a token this API issued");
    }
  });
});
