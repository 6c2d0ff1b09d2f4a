/**
 * A loopback Descope speaking the wire shapes of Descope's public API reference (docs.descope.com/api):
 * management calls with `Authorization: Bearer <projectId>:<managementKey>` — user create / load
 * (`GET /v1/mgmt/user?loginId=`) / update (replaces the user) / delete / update status / search
 * (`POST /v2/mgmt/user/search`, pages from 0) — and the project's OIDC discovery document and JWKS under
 * `/<projectId>/.well-known/`, signing tokens with its own RS256 key (`token()`).
 */
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { JsonFake, type FakeRequest, type FakeResponse } from './json-server';

type User = Record<string, unknown> & { loginIds: string[]; userId: string; status: string; createdTime: number };
const b64url = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

export class DescopeFake extends JsonFake {
  readonly users = new Map<string, User>();
  private readonly privateKey: KeyObject;
  private readonly jwk: Record<string, unknown>;
  private n = 1;

  constructor(
    readonly projectId: string,
    readonly managementKey: string,
  ) {
    super();
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.privateKey = privateKey;
    this.jwk = {
      ...(publicKey.export({ format: 'jwk' }) as Record<string, unknown>),
      kid: 'descope-key',
      alg: 'RS256',
      use: 'sig',
    };
  }

  get issuer() {
    return `${this.url}/${this.projectId}`;
  }

  /** A token as the project issues it (iss = the project's issuer, aud = the project id). */
  token(claims: Record<string, unknown>): string {
    const now = Math.floor(Date.now() / 1000);
    const payload = { iss: this.issuer, aud: [this.projectId], sub: 'U2user', iat: now, exp: now + 600, ...claims };
    const input = `${b64url({ alg: 'RS256', kid: 'descope-key', typ: 'JWT' })}.${b64url(payload)}`;
    return `${input}.${sign('RSA-SHA256', Buffer.from(input), this.privateKey).toString('base64url')}`;
  }

  protected override errorBody(message: string): unknown {
    return { errorCode: 'E000000', errorDescription: message, message };
  }

  protected authorize(req: FakeRequest): FakeResponse | undefined {
    if (req.path.startsWith(`/${this.projectId}/.well-known/`)) return undefined;
    if (req.headers.authorization !== `Bearer ${this.projectId}:${this.managementKey}`) {
      return { status: 401, body: this.errorBody('Unauthorized: management key') };
    }
    return undefined;
  }

  private strings(v: unknown, field: string): string[] | undefined {
    if (v === undefined) return undefined;
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string'))
      this.refuse(400, `${field} must be an array of strings`);
    return v as string[];
  }

  protected handle(req: FakeRequest): FakeResponse {
    const route = `${req.method} ${req.path}`;
    if (route === `GET /${this.projectId}/.well-known/openid-configuration`) {
      return {
        status: 200,
        body: {
          issuer: this.issuer,
          jwks_uri: `${this.issuer}/.well-known/jwks.json`,
          token_endpoint: `${this.url}/oauth2/v1/token`,
        },
      };
    }
    if (route === `GET /${this.projectId}/.well-known/jwks.json`) return { status: 200, body: { keys: [this.jwk] } };
    switch (route) {
      case 'POST /v1/mgmt/user/create': {
        const b = this.object(req.body, ['loginId']);
        const roleNames = this.strings(b.roleNames, 'roleNames');
        if (b.email !== undefined && (typeof b.email !== 'string' || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(b.email)))
          this.refuse(400, 'invalid email');
        if (this.users.has(String(b.loginId))) this.refuse(400, 'User already exists');
        const { loginId, invite, sendMail: _m, ...rest } = b;
        const user: User = {
          ...rest,
          roleNames: roleNames ?? [],
          loginIds: [String(loginId)],
          userId: `U${this.n++}`,
          status: invite ? 'invited' : 'enabled',
          createdTime: Math.floor(Date.now() / 1000),
        };
        this.users.set(String(loginId), user);
        return { status: 200, body: { user } };
      }
      case 'GET /v1/mgmt/user': {
        const u = this.users.get(req.query.get('loginId') ?? '');
        return u ? { status: 200, body: { user: u } } : { status: 404, body: this.errorBody('User not found') };
      }
      case 'POST /v1/mgmt/user/update': {
        const b = this.object(req.body, ['loginId']);
        this.strings(b.roleNames, 'roleNames');
        const u = this.users.get(String(b.loginId));
        if (!u) this.refuse(404, 'User not found');
        const { loginId: _l, ...fields } = b;
        // Descope replaces the user with what is sent (identifiers, status and creation time stay).
        const next: User = {
          ...fields,
          loginIds: u.loginIds,
          userId: u.userId,
          status: u.status,
          createdTime: u.createdTime,
        };
        this.users.set(String(b.loginId), next);
        return { status: 200, body: { user: next } };
      }
      case 'POST /v1/mgmt/user/delete': {
        const b = this.object(req.body, ['loginId']);
        this.users.delete(String(b.loginId));
        return { status: 200, body: {} };
      }
      case 'POST /v1/mgmt/user/update/status': {
        const b = this.object(req.body, ['loginId', 'status']);
        if (!['invited', 'enabled', 'disabled'].includes(String(b.status))) this.refuse(400, 'invalid status');
        const u = this.users.get(String(b.loginId));
        if (!u) this.refuse(404, 'User not found');
        u.status = String(b.status);
        return { status: 200, body: { user: u } };
      }
      case 'POST /v2/mgmt/user/search': {
        const b = this.object(req.body ?? {});
        const limit = b.limit === undefined ? 100 : Number(b.limit);
        const page = b.page === undefined ? 0 : Number(b.page);
        if (!Number.isInteger(limit) || limit < 1 || !Number.isInteger(page) || page < 0)
          this.refuse(400, 'invalid limit or page');
        const all = [...this.users.values()];
        return { status: 200, body: { users: all.slice(page * limit, (page + 1) * limit), total: all.length } };
      }
      default:
        this.refuse(404, `no route ${route}`);
    }
  }
}
