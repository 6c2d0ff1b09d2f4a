/**
 * UserStore over a Cognito user pool (AdminCreateUser & co). `custom:userRole` carries the role, as in
 * SBT. Cognito exceptions are mapped to the store's errors so the API answers 404/409/400, never 500.
 */
import {
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  AdminUpdateUserAttributesCommand,
  ListUsersCommand,
  type AttributeType,
  type CognitoIdentityProviderClient,
  type UserType,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  InvalidUserInputError,
  UserExistsError,
  UserNotFoundError,
  type NewUser,
  type UserInfo,
  type UserPatch,
  type UserStore,
} from './user-store';

export const ROLE_ATTRIBUTE = 'custom:userRole';

function attr(attrs: AttributeType[] | undefined, name: string): string | undefined {
  return attrs?.find((a) => a.Name === name)?.Value;
}

export function toUserInfo(u: {
  Username?: string;
  Attributes?: AttributeType[];
  UserAttributes?: AttributeType[];
  UserStatus?: string;
  Enabled?: boolean;
  UserCreateDate?: Date;
  UserLastModifiedDate?: Date;
}): UserInfo {
  const attrs = u.Attributes ?? u.UserAttributes;
  return {
    userName: u.Username ?? '',
    email: attr(attrs, 'email'),
    userRole: attr(attrs, ROLE_ATTRIBUTE),
    status: u.UserStatus,
    enabled: u.Enabled ?? true,
    created: u.UserCreateDate?.toISOString(),
    modified: u.UserLastModifiedDate?.toISOString(),
  };
}

export class CognitoUserStore implements UserStore {
  constructor(
    private readonly client: Pick<CognitoIdentityProviderClient, 'send'>,
    private readonly userPoolId: string,
  ) {}

  private async call<T>(userName: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      const name = (e as { name?: string }).name;
      if (name === 'UserNotFoundException') throw new UserNotFoundError(userName);
      if (name === 'UsernameExistsException' || name === 'AliasExistsException') throw new UserExistsError(userName);
      if (name === 'InvalidParameterException') throw new InvalidUserInputError((e as Error).message);
      throw e;
    }
  }

  async create(user: NewUser): Promise<UserInfo> {
    const res = await this.call(user.userName, () =>
      this.client.send(
        new AdminCreateUserCommand({
          UserPoolId: this.userPoolId,
          Username: user.userName,
          DesiredDeliveryMediums: ['EMAIL'],
          UserAttributes: [
            { Name: 'email', Value: user.email },
            { Name: 'email_verified', Value: 'true' },
            { Name: ROLE_ATTRIBUTE, Value: user.userRole },
          ],
        }),
      ),
    );
    return toUserInfo(res.User ?? { Username: user.userName });
  }

  async list(limit: number, nextToken?: string): Promise<{ users: UserInfo[]; nextToken?: string }> {
    try {
      const res = await this.client.send(
        new ListUsersCommand({ UserPoolId: this.userPoolId, Limit: Math.min(limit, 60), PaginationToken: nextToken }),
      );
      return { users: (res.Users ?? []).map((u: UserType) => toUserInfo(u)), nextToken: res.PaginationToken };
    } catch (e) {
      if ((e as { name?: string }).name === 'InvalidParameterException' && nextToken) {
        throw new InvalidUserInputError("field 'next_token': not a token this API issued");
      }
      throw e;
    }
  }

  async get(userName: string): Promise<UserInfo> {
    const res = await this.call(userName, () =>
      this.client.send(new AdminGetUserCommand({ UserPoolId: this.userPoolId, Username: userName })),
    );
    return toUserInfo(res);
  }

  /** Partial update: only the attributes given are sent (SBT's handler required both, a 500 otherwise). */
  async update(userName: string, patch: UserPatch): Promise<UserInfo> {
    const attrs: AttributeType[] = [];
    if (patch.email !== undefined)
      attrs.push({ Name: 'email', Value: patch.email }, { Name: 'email_verified', Value: 'true' });
    if (patch.userRole !== undefined) attrs.push({ Name: ROLE_ATTRIBUTE, Value: patch.userRole });
    await this.call(userName, () =>
      this.client.send(
        new AdminUpdateUserAttributesCommand({
          UserPoolId: this.userPoolId,
          Username: userName,
          UserAttributes: attrs,
        }),
      ),
    );
    return this.get(userName);
  }

  async delete(userName: string): Promise<UserInfo> {
    const before = await this.get(userName);
    await this.call(userName, () =>
      this.client.send(new AdminDeleteUserCommand({ UserPoolId: this.userPoolId, Username: userName })),
    );
    return before;
  }

  async setEnabled(userName: string, enabled: boolean): Promise<UserInfo> {
    const input = { UserPoolId: this.userPoolId, Username: userName };
    await this.call(userName, () =>
      this.client.send(enabled ? new AdminEnableUserCommand(input) : new AdminDisableUserCommand(input)),
    );
    return this.get(userName);
  }
}
