/**
 * UserStore over Descope (DescopeAuth's `bindUserStore`): the control plane's /users routes — validation,
 * events, pagination in UserService — manage the users of a Descope project. userName = Descope loginId,
 * userRole = the user's (project-level) role; `enabled` follows Descope's status.
 * Descope refusing a value is the caller's 400; our key refused, throttling and Descope's faults are
 * 502/503 (never a 500 with nothing said).
 */
import { ValidationError } from '../../shared/domain-errors';
import { httpErrorOf, VendorHttpError, type VendorHttp } from '../../shared/vendor-http';
import {
  InvalidUserInputError,
  UserExistsError,
  UserNotFoundError,
  type NewUser,
  type UserInfo,
  type UserPatch,
  type UserStore,
} from '../../user-management/domain/user-store';
import { users, type DescopeUser } from './descope-api';

const isNotFound = (e: unknown) =>
  e instanceof VendorHttpError && (e.status === 404 || (e.status === 400 && /not found/i.test(e.vendorMessage ?? '')));

export function userInfoOf(u: DescopeUser, loginId?: string): UserInfo {
  const status = (u.status ?? 'enabled').toLowerCase();
  return {
    userName: loginId ?? u.loginIds?.[0] ?? String(u.userId ?? ''),
    email: u.email || undefined,
    userRole: u.roleNames?.[0],
    status: status.toUpperCase(),
    enabled: status !== 'disabled',
    created: typeof u.createdTime === 'number' ? new Date(u.createdTime * 1000).toISOString() : undefined,
  };
}

/** Page tokens: base64url of `{page}` (Descope's search pages from 0 at a fixed limit). */
function pageOf(token: string | undefined, limit: number): number {
  if (!token) return 0;
  try {
    const v = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { page?: unknown; limit?: unknown };
    if (Number.isSafeInteger(v.page) && (v.page as number) > 0 && v.limit === limit) return v.page as number;
  } catch {
    /* refused below */
  }
  throw new ValidationError("Invalid query string: field 'next_token': not a token this API issued for this limit");
}

export class DescopeUserStore implements UserStore {
  constructor(
    private readonly http: () => Promise<VendorHttp>,
    private readonly opts: { invite: boolean },
  ) {}

  private async call<T>(fn: (http: VendorHttp) => Promise<T>): Promise<T> {
    try {
      return await fn(await this.http());
    } catch (e) {
      if (e instanceof VendorHttpError && (e.status === 400 || e.status === 422))
        throw new InvalidUserInputError(`Descope refused it: ${e.vendorMessage ?? 'invalid value'}`);
      throw httpErrorOf(e);
    }
  }

  private async load(userName: string): Promise<DescopeUser> {
    try {
      const res = await (await this.http()).send<{ user?: DescopeUser }>({
        method: 'GET',
        path: '/v1/mgmt/user',
        query: { loginId: userName },
      });
      if (!res?.user) throw new UserNotFoundError(userName);
      return res.user;
    } catch (e) {
      if (isNotFound(e)) throw new UserNotFoundError(userName);
      if (e instanceof UserNotFoundError) throw e;
      throw httpErrorOf(e);
    }
  }

  async create(u: NewUser): Promise<UserInfo> {
    // Descope's create answers an existing loginId with a generic 400: ask first, so a duplicate is a 409.
    const exists = await this.load(u.userName).then(
      () => true,
      (e) => {
        if (e instanceof UserNotFoundError) return false;
        throw e;
      },
    );
    if (exists) throw new UserExistsError(u.userName);
    const res = await this.call((http) =>
      users.create(http, {
        loginId: u.userName,
        email: u.email,
        roleNames: [u.userRole],
        ...(this.opts.invite ? { invite: true, sendMail: true } : {}),
      }),
    );
    return userInfoOf(
      res?.user ?? {
        loginIds: [u.userName],
        email: u.email,
        roleNames: [u.userRole],
        status: this.opts.invite ? 'invited' : 'enabled',
      },
      u.userName,
    );
  }

  async list(limit: number, nextToken?: string): Promise<{ users: UserInfo[]; nextToken?: string }> {
    const page = pageOf(nextToken, limit);
    const res = await this.call((http) => users.search(http, limit, page));
    const list = (res?.users ?? []).map((u) => userInfoOf(u));
    const total = typeof res?.total === 'number' ? res.total : undefined;
    const more = total !== undefined ? (page + 1) * limit < total : list.length === limit;
    return {
      users: list,
      ...(more ? { nextToken: Buffer.from(JSON.stringify({ page: page + 1, limit })).toString('base64url') } : {}),
    };
  }

  async get(userName: string): Promise<UserInfo> {
    return userInfoOf(await this.load(userName), userName);
  }

  async update(userName: string, patch: UserPatch): Promise<UserInfo> {
    const current = await this.load(userName);
    // Descope's update replaces the whole user: send everything it has, changed where asked.
    const { loginIds: _ids, userId: _uid, status: _s, createdTime: _c, ...rest } = current;
    const body = {
      ...rest,
      loginId: userName,
      ...(patch.email !== undefined ? { email: patch.email, verifiedEmail: false } : {}),
      ...(patch.userRole !== undefined ? { roleNames: [patch.userRole] } : {}),
    };
    const res = await this.call((http) => users.update(http, body));
    return userInfoOf(res?.user ?? { ...current, ...body }, userName);
  }

  async delete(userName: string): Promise<UserInfo> {
    const current = await this.load(userName);
    await this.call((http) => users.delete(http, userName));
    return userInfoOf(current, userName);
  }

  async setEnabled(userName: string, enabled: boolean): Promise<UserInfo> {
    await this.load(userName); // a 404 for an unknown user, not Descope's generic 400
    const res = await this.call((http) => users.setStatus(http, userName, enabled ? 'enabled' : 'disabled'));
    return userInfoOf(res?.user ?? { loginIds: [userName], status: enabled ? 'enabled' : 'disabled' }, userName);
  }
}
