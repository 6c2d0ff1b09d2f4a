/**
 * /users behaviour over any UserStore: validation, error mapping (404/409/400), pagination and the
 * tenantUserCreated / tenantUserDeleted events.
 */
import * as z from 'zod/mini';
import type { SbtEventKey } from '../../../src/contracts/event-catalog';
import { badRequest, conflict, nextTokenQuery, notFound } from '../../shared/http';
import { InvalidUserInputError, UserExistsError, UserNotFoundError, type UserInfo, type UserStore } from './user-store';

const userName = z.string().check(z.minLength(1), z.maxLength(128), z.regex(/^[\p{L}\p{M}\p{S}\p{N}\p{P}]+$/u, 'no whitespace allowed'));
const email = z.string().check(z.maxLength(256), z.regex(/^[^\s@]+@[^\s@]+$/, 'not an email address'));
const role = z.string().check(z.minLength(1), z.maxLength(256));

export const createUserBody = z.object({ userName, email, userRole: role });
export const updateUserBody = z.object({ email: z.optional(email), userRole: z.optional(role) });
export const userPath = z.object({ userId: userName });
/** Cognito's ListUsers caps a page at 60. */
export const userListQuery = z.object({
  limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(60)), 10),
  next_token: nextTokenQuery, // empty = first page (SBT's CLI always sends `next_token=`)
});

export type Emit = (events: { key: SbtEventKey; detail: Record<string, unknown> }[]) => Promise<void>;

async function mapped<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof UserNotFoundError) throw notFound(e.message);
    if (e instanceof UserExistsError) throw conflict(e.message, { field: 'userName' });
    if (e instanceof InvalidUserInputError) throw badRequest(`Invalid request: ${e.message}`);
    throw e;
  }
}

export class UserService {
  constructor(
    private readonly store: UserStore,
    private readonly emit: Emit,
  ) {}

  async create(input: z.infer<typeof createUserBody>): Promise<UserInfo> {
    const user = await mapped(() => this.store.create(input));
    await this.emit([{ key: 'tenantUserCreated', detail: { userName: user.userName, email: input.email, userRole: input.userRole } }]);
    return user;
  }

  async list(limit: number, nextToken?: string) {
    const page = await mapped(() => this.store.list(limit, nextToken));
    return { data: page.users, ...(page.nextToken ? { next_token: page.nextToken } : {}) };
  }

  get(userName: string) {
    return mapped(() => this.store.get(userName));
  }

  update(userName: string, patch: z.infer<typeof updateUserBody>) {
    if (patch.email === undefined && patch.userRole === undefined) {
      throw badRequest("Invalid request body: field 'email': give email and/or userRole");
    }
    return mapped(() => this.store.update(userName, patch));
  }

  async delete(userName: string): Promise<UserInfo> {
    const user = await mapped(() => this.store.delete(userName));
    await this.emit([{ key: 'tenantUserDeleted', detail: { userName: user.userName, email: user.email, userRole: user.userRole } }]);
    return user;
  }

  setEnabled(userName: string, enabled: boolean) {
    return mapped(() => this.store.setEnabled(userName, enabled));
  }
}
