// Pre-token-generation trigger: role → scopes on the access token.
import { scopesForRole, parseRoleScopes } from '../../../lambda/user-management/domain/role-scopes';

test('roles map to their scopes; unknown or missing roles get none', () => {
  const map = {
    SystemAdmin: ['tenant/tenant_read', 'tenant/tenant_write', 'tenant/tenant_read'],
    Viewer: ['tenant/tenant_read'],
  };
  expect(scopesForRole('SystemAdmin', map)).toEqual(['tenant/tenant_read', 'tenant/tenant_write']);
  expect(scopesForRole('Viewer', map)).toEqual(['tenant/tenant_read']);
  expect(scopesForRole('Other', map)).toEqual([]);
  expect(scopesForRole(undefined, map)).toEqual([]);
  expect(() => parseRoleScopes('[]')).toThrow(/JSON object/);
});

test('the trigger adds only missing scopes to the access token (event V2_0)', async () => {
  process.env.ROLE_SCOPES = JSON.stringify({ SystemAdmin: ['tenant/tenant_read', 'user/user_read'] });
  let handler!: typeof import('../../../lambda/user-management/pre-token').handler;
  jest.isolateModules(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    handler = require('../../../lambda/user-management/pre-token').handler;
  });
  const event = {
    request: {
      userAttributes: { 'custom:userRole': 'SystemAdmin' },
      scopes: ['aws.cognito.signin.user.admin', 'user/user_read'],
    },
    response: { claimsAndScopeOverrideDetails: null },
  };
  const out = await handler(event);
  expect(out.response.claimsAndScopeOverrideDetails).toEqual({
    accessTokenGeneration: { scopesToAdd: ['tenant/tenant_read'] },
  });
  const none = await handler({ request: { userAttributes: {} }, response: { claimsAndScopeOverrideDetails: null } });
  expect(none.response.claimsAndScopeOverrideDetails).toBeNull();
});

test('ROLE_SCOPES parsing: absent → no roles; anything but a JSON object is refused; duplicates collapse', () => {
  expect(parseRoleScopes(undefined)).toEqual({});
  expect(parseRoleScopes('')).toEqual({});
  expect(parseRoleScopes('{"A":["s1","s2"]}')).toEqual({ A: ['s1', 's2'] });
  for (const bad of ['null', '"x"', '42', '[]', 'true'])
    expect(() => parseRoleScopes(bad)).toThrow('ROLE_SCOPES must be a JSON object of role → scopes');
  expect(scopesForRole('', { '': ['s'] })).toEqual([]); // an empty role is no role
  expect(scopesForRole('A', { A: ['s', 's', 't'] })).toEqual(['s', 't']);
});
