/**
 * The buyer's registration session. AWS's guidance: resolve the registration token at once and keep the account in
 * a session until registration completes. So the fulfillment POST (/landing) resolves the token immediately and
 * binds the result to THIS browser with a signed, expiring cookie; the token never travels on in a URL, and
 * /register acts only on the session:
 *  - the cookie is HMAC-SHA256 signed (key generated once and kept in the subscribers table), carries an expiry,
 *    and is HttpOnly, Secure, SameSite=Lax, `__Host-` prefixed (no sub-domain can plant one);
 *  - a token is bound to the first browser that presents it (`landing:<sha256(token)>`, conditional write): a
 *    replay of the same token from another browser is refused; the same browser (its cookie names the binding)
 *    may come back.
 */
import { UpdateCommand, GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const SESSION_COOKIE = '__Host-sbt-mp-registration';
/** Default session lifetime: long enough to fill in a form, far shorter than the token's 4 h. */
export const DEFAULT_SESSION_SECONDS = 3600;

export interface RegistrationSession {
  /** Binding id (random), also the key of this browser's claim on the token. */
  sid: string;
  productCode: string;
  customerIdentifier?: string;
  customerAWSAccountId?: string;
  licenseArn?: string;
  offerType?: string;
  /** Expiry, epoch seconds. */
  exp: number;
}

const b64u = (b: Buffer | string) => Buffer.from(b).toString('base64url');

export function signSession(s: RegistrationSession, key: Buffer): string {
  const body = b64u(JSON.stringify(s));
  return `${body}.${b64u(createHmac('sha256', key).update(body).digest())}`;
}

export class SessionError extends Error {}

/** Verifies signature and expiry; throws SessionError (never trusts an unsigned or expired value). */
export function verifySession(value: string | undefined, key: Buffer, nowMs = Date.now()): RegistrationSession {
  if (!value) throw new SessionError('no registration session');
  const [body, sig] = value.split('.');
  if (!body || !sig) throw new SessionError('malformed registration session');
  const want = createHmac('sha256', key).update(body).digest();
  const got = Buffer.from(sig, 'base64url');
  if (got.length !== want.length || !timingSafeEqual(got, want))
    throw new SessionError('registration session signature is invalid');
  let s: RegistrationSession;
  try {
    s = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as RegistrationSession;
  } catch {
    throw new SessionError('malformed registration session');
  }
  if (typeof s.exp !== 'number' || s.exp * 1000 <= nowMs) throw new SessionError('registration session has expired');
  return s;
}

export function sessionCookie(value: string, maxAgeSeconds: number): string {
  return `${SESSION_COOKIE}=${value}; Max-Age=${maxAgeSeconds}; Path=/; Secure; HttpOnly; SameSite=Lax`;
}

/** Reads our cookie from an HTTP API v2 event (`cookies[]`) or a Cookie header. */
export function readSessionCookie(cookies: string[] | undefined, header: string | undefined): string | undefined {
  const all = [...(cookies ?? []), ...(header ? header.split(';') : [])];
  for (const c of all) {
    const i = c.indexOf('=');
    if (i > 0 && c.slice(0, i).trim() === SESSION_COOKIE) return c.slice(i + 1).trim();
  }
  return undefined;
}

export const tokenBindingKey = (token: string) => `landing:${createHash('sha256').update(token).digest('hex')}`;

let cachedKey: Buffer | undefined;

/** The signing key: created once (conditional write, first writer wins) and read by every container. */
export async function sessionKey(db: DynamoDBDocumentClient, table: string): Promise<Buffer> {
  if (cachedKey) return cachedKey;
  const id = 'config:registration-session-key';
  await db.send(
    new UpdateCommand({
      TableName: table,
      Key: { subscriberId: id },
      UpdateExpression: 'SET #k = if_not_exists(#k, :k), kind = if_not_exists(kind, :kind)',
      ExpressionAttributeNames: { '#k': 'secret' },
      ExpressionAttributeValues: { ':k': randomBytes(32).toString('base64'), ':kind': 'config' },
    }),
  );
  const item = (await db.send(new GetCommand({ TableName: table, Key: { subscriberId: id }, ConsistentRead: true })))
    .Item;
  cachedKey = Buffer.from(String(item?.secret), 'base64');
  return cachedKey;
}

export class TokenReplayed extends Error {}

/**
 * Binds a token to a browser session: the first claim wins; the same binding id may claim again (same browser).
 * Kept until the token could no longer be resolved anyway (4 h), then removed by TTL.
 */
export async function bindToken(
  db: DynamoDBDocumentClient,
  table: string,
  token: string,
  sid: string,
  nowMs = Date.now(),
): Promise<void> {
  try {
    await db.send(
      new UpdateCommand({
        TableName: table,
        Key: { subscriberId: tokenBindingKey(token) },
        UpdateExpression:
          'SET sid = if_not_exists(sid, :sid), kind = if_not_exists(kind, :kind), boundAt = if_not_exists(boundAt, :at), expiresAt = :exp',
        ConditionExpression: 'attribute_not_exists(sid) OR sid = :sid',
        ExpressionAttributeValues: {
          ':sid': sid,
          ':kind': 'landing',
          ':at': new Date(nowMs).toISOString(),
          ':exp': Math.floor(nowMs / 1000) + 5 * 3600,
        },
      }),
    );
  } catch (e) {
    if ((e as { name?: string }).name === 'ConditionalCheckFailedException')
      throw new TokenReplayed('registration token already used by another browser');
    throw e;
  }
}

export const newSessionId = () => randomBytes(16).toString('base64url');
