/**
 * /users behaviour over any UserStore: validation, pagination and the tenantUserCreated / tenantUserDeleted
 * events. The stores' errors are domain errors already (user-store.ts); the HTTP edge maps them.
 */
import * as z from 'zod/mini';
import type { SbtEventKey } from '../../../src/contracts/event-catalog';
import { ValidationError } from '../../shared/domain-errors';
import { nextTokenQuery } from '../../shared/http';
import type { UserInfo, UserStore } from './user-store';

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

export class UserService {
  constructor(
    private readonly store: UserStore,
    private readonly emit: Emit,
  ) {}

  async create(input: z.infer<typeof createUserBody>): Promise<UserInfo> {
    const user = await this.store.create(input);
    await this.emit([{ key: 'tenantUserCreated', detail: { userName: user.userName, email: input.email, userRole: input.userRole } }]);
    return user;
  }

  async list(limit: number, nextToken?: string) {
    const page = await this.store.list(limit, nextToken);
    return { data: page.users, ...(page.nextToken ? { next_token: page.nextToken } : {}) };
  }

  get(userName: string) {
    return this.store.get(userName);
  }

  update(userName: string, patch: z.infer<typeof updateUserBody>) {
    if (patch.email === undefined && patch.userRole === undefined) {
      throw new ValidationError("Invalid request body: field 'email': give email and/or userRole");
    }
    return this.store.update(userName, patch);
  }

  async delete(userName: string): Promise<UserInfo> {
    const user = await this.store.delete(userName);
    await this.emit([{ key: 'tenantUserDeleted', detail: { userName: user.userName, email: user.email, userRole: user.userRole } }]);
    return user;
  }

  setEnabled(userName: string, enabled: boolean) {
    return this.store.setEnabled(userName, enabled);
  }
}
