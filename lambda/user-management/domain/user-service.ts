/**
 * /users behaviour over any UserStore: pagination and the tenantUserCreated / tenantUserDeleted
 * events. The stores' errors are domain errors already (user-store.ts); the HTTP edge maps them.
 */
import type { SbtEventKey } from '../../../src/contracts/event-catalog';
import { ValidationError } from '../../shared/domain-errors';
import type { NewUser, UserInfo, UserPatch, UserStore } from './user-store';

export type Emit = (events: { key: SbtEventKey; detail: Record<string, unknown> }[]) => Promise<void>;

export class UserService {
  constructor(
    private readonly store: UserStore,
    private readonly emit: Emit,
  ) {}

  async create(input: NewUser): Promise<UserInfo> {
    const user = await this.store.create(input);
    await this.emit([
      { key: 'tenantUserCreated', detail: { userName: user.userName, email: input.email, userRole: input.userRole } },
    ]);
    return user;
  }

  async list(limit: number, nextToken?: string) {
    const page = await this.store.list(limit, nextToken);
    return { data: page.users, ...(page.nextToken ? { next_token: page.nextToken } : {}) };
  }

  get(userName: string) {
    return this.store.get(userName);
  }

  update(userName: string, patch: UserPatch) {
    if (patch.email === undefined && patch.userRole === undefined) {
      throw new ValidationError("Invalid request body: field 'email': give email and/or userRole");
    }
    return this.store.update(userName, patch);
  }

  async delete(userName: string): Promise<UserInfo> {
    const user = await this.store.delete(userName);
    await this.emit([
      { key: 'tenantUserDeleted', detail: { userName: user.userName, email: user.email, userRole: user.userRole } },
    ]);
    return user;
  }

  setEnabled(userName: string, enabled: boolean) {
    return this.store.setEnabled(userName, enabled);
  }
}
