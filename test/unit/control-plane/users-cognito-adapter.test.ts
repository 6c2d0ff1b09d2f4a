// The Cognito user store: which Cognito requests each operation sends, and how Cognito errors map to
// API answers (through UserService). A recording client stands in for Cognito (no Cognito emulator runs
// offline); the DynamoDB-backed store runs against DynamoDB Local in test/integration/control-plane.
import {
  AdminCreateUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  AdminUpdateUserAttributesCommand,
  CognitoIdentityProviderClient,
  ListUsersCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { CognitoUserStore } from '../../../lambda/user-management/domain/cognito-user-store';
import { UserService } from '../../../lambda/user-management/domain/user-service';
import { httpStatusOf } from '../../../lambda/shared/http';

type Sent = { name: string; input: Record<string, unknown> };

/**
 * A real Cognito SDK client whose requests stop at the first middleware step: each command is recorded
 * (name and input, as the SDK built them) and answered by `reply` — the SDK's own types all the way.
 */
function recordingClient(reply: (c: Sent) => unknown) {
  const sent: Sent[] = [];
  const client = new CognitoIdentityProviderClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  client.middlewareStack.add(
    (_next, context) => async (args) => {
      const c = { name: String(context.commandName), input: args.input as Record<string, unknown> };
      sent.push(c);
      const output = (await reply(c)) as Record<string, unknown>;
      return { output: { $metadata: {}, ...output }, response: undefined };
    },
    { step: 'initialize', name: 'recordAndReply' },
  );
  return Object.assign(client, { sent });
}

const cognitoUser = {
  Username: 'alice',
  UserAttributes: [
    { Name: 'email', Value: 'alice@example.com' },
    { Name: 'custom:userRole', Value: 'SystemAdmin' },
  ],
  UserStatus: 'FORCE_CHANGE_PASSWORD',
  Enabled: true,
  UserCreateDate: new Date('2026-01-01T00:00:00Z'),
  UserLastModifiedDate: new Date('2026-01-02T00:00:00Z'),
};

test('create sends AdminCreateUser with email, verified flag and custom:userRole, and emits tenantUserCreated', async () => {
  const client = recordingClient(() => ({ User: { ...cognitoUser, Attributes: cognitoUser.UserAttributes } }));
  const events: unknown[] = [];
  const svc = new UserService(new CognitoUserStore(client, 'pool-1'), async (e) => void events.push(...e));
  const user = await svc.create({ userName: 'alice', email: 'alice@example.com', userRole: 'SystemAdmin' });
  expect(client.sent[0].name).toBe(AdminCreateUserCommand.name);
  expect(client.sent[0].input).toEqual({
    UserPoolId: 'pool-1',
    Username: 'alice',
    DesiredDeliveryMediums: ['EMAIL'],
    UserAttributes: [
      { Name: 'email', Value: 'alice@example.com' },
      { Name: 'email_verified', Value: 'true' },
      { Name: 'custom:userRole', Value: 'SystemAdmin' },
    ],
  });
  expect(user).toEqual({
    userName: 'alice',
    email: 'alice@example.com',
    userRole: 'SystemAdmin',
    status: 'FORCE_CHANGE_PASSWORD',
    enabled: true,
    created: '2026-01-01T00:00:00.000Z',
    modified: '2026-01-02T00:00:00.000Z',
  });
  expect(events).toEqual([
    { key: 'tenantUserCreated', detail: { userName: 'alice', email: 'alice@example.com', userRole: 'SystemAdmin' } },
  ]);
});

test('a partial update sends only the given attribute (SBT sent both and 500ed on a partial body)', async () => {
  const client = recordingClient(() => cognitoUser);
  const store = new CognitoUserStore(client, 'pool-1');
  await store.update('alice', { userRole: 'TenantAdmin' });
  expect(client.sent.map((s) => s.name)).toEqual([AdminUpdateUserAttributesCommand.name, AdminGetUserCommand.name]);
  expect(client.sent[0].input).toEqual({
    UserPoolId: 'pool-1',
    Username: 'alice',
    UserAttributes: [{ Name: 'custom:userRole', Value: 'TenantAdmin' }],
  });
});

test('enable and disable map to AdminEnableUser / AdminDisableUser', async () => {
  const client = recordingClient((c) =>
    c.name === AdminGetUserCommand.name ? { ...cognitoUser, Enabled: false } : {},
  );
  const store = new CognitoUserStore(client, 'pool-1');
  expect((await store.setEnabled('alice', false)).enabled).toBe(false);
  await store.setEnabled('alice', true);
  expect(client.sent.filter((s) => s.name !== AdminGetUserCommand.name).map((s) => [s.name, s.input])).toEqual([
    [AdminDisableUserCommand.name, { UserPoolId: 'pool-1', Username: 'alice' }],
    [AdminEnableUserCommand.name, { UserPoolId: 'pool-1', Username: 'alice' }],
  ]);
});

test('list caps the page at 60 and passes the pagination token through', async () => {
  const client = recordingClient(() => ({
    Users: [{ ...cognitoUser, Attributes: cognitoUser.UserAttributes }],
    PaginationToken: 'next',
  }));
  const svc = new UserService(new CognitoUserStore(client, 'pool-1'), async () => {});
  const page = await svc.list(60, 'tok');
  expect(client.sent[0]).toEqual({
    name: ListUsersCommand.name,
    input: { UserPoolId: 'pool-1', Limit: 60, PaginationToken: 'tok' },
  });
  expect(page.next_token).toBe('next');
  expect(page.data[0].userName).toBe('alice');
});

test('Cognito errors become 404 / 409 / 400, never 500', async () => {
  const err = (name: string) => Object.assign(new Error(name), { name });
  const failing = (name: string) =>
    new UserService(
      new CognitoUserStore(
        recordingClient(() => Promise.reject(err(name))),
        'p',
      ),
      async () => {},
    );
  const status = async (p: Promise<unknown>) =>
    p.then(
      () => 200,
      (e: unknown) => httpStatusOf(e) ?? 500,
    );
  expect(await status(failing('UserNotFoundException').get('bob'))).toBe(404);
  expect(
    await status(failing('UsernameExistsException').create({ userName: 'bob', email: 'b@x.io', userRole: 'r' })),
  ).toBe(409);
  expect(await status(failing('InvalidParameterException').update('bob', { email: 'b@x.io' }))).toBe(400);
  expect(await status(failing('UserNotFoundException').setEnabled('bob', true))).toBe(404);
});
