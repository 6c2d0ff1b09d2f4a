/**
 * The DynamoDB idioms every store here repeats, written once: SET clauses with names and values kept apart
 * from the expression (any attribute name is safe, reserved words included), reading why a conditional
 * write or a transaction was refused, and the opaque page tokens list routes hand out.
 */
import {
  type DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  type QueryCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import { ValidationError } from './domain-errors';

type Reason = { Code?: string; Message?: string };

export interface SetClause {
  /** `#f0 = :f0` parts, one per defined field, in the fields' order. */
  sets: string[];
  /** ExpressionAttributeNames of the parts (`#f0` → the attribute name). */
  names: Record<string, string>;
  /** ExpressionAttributeValues of the parts (`:f0` → the value). */
  values: Record<string, unknown>;
  /** `SET #f0 = :f0, …` (empty when no field is defined). */
  expression: string;
  /** The value placeholder of `field` (for conditions on a value being set), undefined if not set. */
  valueOf(field: string): string | undefined;
}

export interface SetClauseOptions {
  /** Keeps the placeholders of two clauses in one expression apart. @default 'f' (`#f0`, `:f0`) */
  readonly prefix?: string;
  /** Fields set only when the item does not have them yet (`if_not_exists`: first values such as createdAt). */
  readonly ifNotExists?: Record<string, unknown>;
}

/** `SET` parts for `fields` (then `ifNotExists`). Undefined values are skipped (DynamoDB refuses them). */
export function setClause(fields: Record<string, unknown>, options: SetClauseOptions = {}): SetClause {
  const prefix = options.prefix ?? 'f';
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const refs = new Map<string, string>();
  const sets: string[] = [];
  const add = (entries: [string, unknown][], firstOnly: boolean) => {
    for (const [k, v] of entries) {
      if (v === undefined) continue;
      const [n, p] = [`#${prefix}${sets.length}`, `:${prefix}${sets.length}`];
      names[n] = k;
      values[p] = v;
      refs.set(k, p);
      sets.push(firstOnly ? `${n} = if_not_exists(${n}, ${p})` : `${n} = ${p}`);
    }
  };
  add(Object.entries(fields), false);
  add(Object.entries(options.ifNotExists ?? {}), true);
  return { sets, names, values, expression: sets.length ? `SET ${sets.join(', ')}` : '', valueOf: (f) => refs.get(f) };
}

/**
 * A whole UpdateItem's expression parts for setting `fields`: spread it into an UpdateCommand's input
 * (with Key, TableName and any ConditionExpression). Throws when nothing would be set (an empty SET is a
 * DynamoDB ValidationException, i.e. a 500 later).
 */
export function buildUpdate(fields: Record<string, unknown>): {
  UpdateExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues: Record<string, unknown>;
} {
  const c = setClause(fields);
  if (!c.sets.length) throw new Error('buildUpdate: no defined field to set');
  return { UpdateExpression: c.expression, ExpressionAttributeNames: c.names, ExpressionAttributeValues: c.values };
}

const nameOf = (e: unknown) => (e as { name?: string } | undefined)?.name;
const reasonsOf = (e: unknown): Reason[] =>
  (e as { CancellationReasons?: Reason[] } | undefined)?.CancellationReasons ?? [];

/** A conditional write refused: ConditionalCheckFailedException, or a transaction cancelled by a failed condition. */
export function isConditionFailure(e: unknown): boolean {
  if (nameOf(e) === 'ConditionalCheckFailedException') return true;
  return nameOf(e) === 'TransactionCanceledException' && reasonsOf(e).some((r) => r.Code === 'ConditionalCheckFailed');
}

/**
 * Runs a conditional write: true when it was written, false when its condition did not hold (the item is
 * already there, or not there, or changed: the caller's idempotent "nothing to do"); any other error throws.
 */
export async function writtenUnlessConditionFails(write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (e) {
    if (isConditionFailure(e)) return false;
    throw e;
  }
}

/**
 * Per-item codes of a cancelled transaction, in the order of its TransactItems: `undefined` for an item
 * that was fine (DynamoDB says `None`), e.g. `[undefined, 'ConditionalCheckFailed']`. [] for any other error.
 */
export function cancellationCodes(e: unknown): (string | undefined)[] {
  if (nameOf(e) !== 'TransactionCanceledException') return [];
  return reasonsOf(e).map((r) => (r.Code === 'None' ? undefined : r.Code));
}

const TOO_LARGE = /item size|maximum allowed size/i;

/** The write would make an item larger than DynamoDB's 400 KB (a plain write or an item of a transaction). */
export function isItemTooLarge(e: unknown): boolean {
  if (nameOf(e) === 'ValidationException' && TOO_LARGE.test(String((e as Error).message))) return true;
  return reasonsOf(e).some((r) => r.Code === 'ValidationError' && TOO_LARGE.test(String(r.Message)));
}

/** Opaque continuation tokens: base64url of DynamoDB's LastEvaluatedKey; a token this API did not issue is a ValidationError. */
export function encodeToken(key: Record<string, unknown> | undefined): string | undefined {
  return key ? Buffer.from(JSON.stringify(key)).toString('base64url') : undefined;
}
export function decodeToken(token: string | undefined, shape?: KeyShape): Record<string, unknown> | undefined {
  if (!token) return undefined;
  const refused = () => new ValidationError("Invalid query string: field 'next_token': not a token this API issued");
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw refused();
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw refused();
  if (shape && !hasShape(v as Record<string, unknown>, shape)) throw refused();
  return v as Record<string, unknown>;
}

/**
 * The exact key a list issues as its token: attribute → a literal value, or `'string'` (non-empty, ≤ 1 KB).
 * A forged token of any other shape is refused before it reaches DynamoDB (where odd types are a 500).
 */
export type KeyShape = Record<string, 'string' | { equals: string }>;
function hasShape(v: Record<string, unknown>, shape: KeyShape): boolean {
  const keys = Object.keys(v);
  if (keys.length !== Object.keys(shape).length) return false;
  return keys.every((k) => {
    const rule = Object.hasOwn(shape, k) ? shape[k] : undefined;
    const x = v[k];
    if (rule === undefined) return false;
    if (rule === 'string') return typeof x === 'string' && x.length > 0 && x.length <= 1024;
    return x === rule.equals;
  });
}

/**
 * Writes `item` unless an item with its key exists (`keyAttribute`: the partition or sort key name); false
 * when one does — a retried create is a no-op.
 */
export async function putOnce(
  db: DynamoDBDocumentClient,
  table: string,
  item: Record<string, unknown>,
  keyAttribute: string,
): Promise<boolean> {
  return writtenUnlessConditionFails(() =>
    db.send(
      new PutCommand({
        TableName: table,
        Item: item,
        ConditionExpression: 'attribute_not_exists(#k)',
        ExpressionAttributeNames: { '#k': keyAttribute },
      }),
    ),
  );
}

/** Items of a Query page, as the document client types them. */
export type QueryItems = NonNullable<QueryCommandOutput['Items']>;

/**
 * Every page of a Query, one array of items per page (LastEvaluatedKey followed until the end). The next
 * page is asked for only after the caller has handled this one, so writes that take items out of a sparse
 * index while paging are fine.
 */
export async function* queryPages(db: DynamoDBDocumentClient, input: QueryCommandInput): AsyncGenerator<QueryItems> {
  let start = input.ExclusiveStartKey;
  do {
    const res = await db.send(new QueryCommand({ ...input, ExclusiveStartKey: start }));
    yield res.Items ?? [];
    start = res.LastEvaluatedKey;
  } while (start);
}

/** All items of a Query, across pages. */
export async function queryAll<T = Record<string, unknown>>(
  db: DynamoDBDocumentClient,
  input: QueryCommandInput,
): Promise<T[]> {
  const out: T[] = [];
  for await (const items of queryPages(db, input)) out.push(...(items as T[]));
  return out;
}
