/**
 * The role → scope map, exactly (issue 16, survivor (d): "default role scopes giving TenantAdmin every
 * scope" passed because the only check was `arrayContaining` on SystemAdmin). Read from the synthesized
 * pre-token function's ROLE_SCOPES (what Lambda gets), then run through the trigger for every role ×
 * every scope: each role's access token carries its set and nothing else.
 */
import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';
import { CognitoAuth } from '../../../src/control-plane/auth/cognito-auth';
import { ControlPlaneStack } from '../../../src/control-plane/control-plane-stack';
import { SCOPES } from '../../../src/contracts/scopes';
import { scopesForRole, parseRoleScopes } from '../../../lambda/user-management/domain/role-scopes';
import { resourcesOf, synthStack, testApp, type StackJson } from '../../support/synth';

const ALL = Object.values(SCOPES);
/** The documented defaults (README "Scopes"): SystemAdmin gets all eight, every other role none. */
const EXPECTED: Record<string, readonly string[]> = {
  SystemAdmin: [
    'tenant/tenant_read',
    'tenant/tenant_write',
    'user/user_read',
    'user/user_write',
    'billing/billing_read',
    'billing/billing_write',
    'metering/metering_read',
    'metering/metering_write',
  ],
  TenantAdmin: [],
  TenantUser: [],
  basicUser: [],
  '': [],
};

function roleScopesOf(json: StackJson): Record<string, string[]> {
  const fn = Object.values(resourcesOf(json, 'aws_lambda_function')).find((f) =>
    String(f.function_name).endsWith('-cognito-pre-token'),
  );
  if (!fn) throw new Error('no pre-token function synthesized');
  return parseRoleScopes((fn.environment as { variables: { ROLE_SCOPES: string } }).variables.ROLE_SCOPES);
}

const defaults = roleScopesOf(synthStack(new ControlPlaneStack(testApp(), 'control-plane')));

test('survivor (d): the synthesized default map is exactly { SystemAdmin: all 8 scopes }', () => {
  expect(Object.keys(defaults)).toEqual(['SystemAdmin']);
  expect([...defaults.SystemAdmin].sort()).toEqual([...EXPECTED.SystemAdmin].sort());
  expect([...ALL].sort()).toEqual([...EXPECTED.SystemAdmin].sort()); // the vocabulary did not grow behind the table's back
});

const cells = Object.keys(EXPECTED).flatMap((role) =>
  ALL.map((scope) => [role || '(none)', role, scope, EXPECTED[role].includes(scope)] as const),
);

describe('survivor (d): every role × every scope through the pre-token trigger (defaults)', () => {
  let handler!: typeof import('../../../lambda/user-management/pre-token').handler;
  beforeAll(() => {
    process.env.ROLE_SCOPES = JSON.stringify(defaults);
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      handler = require('../../../lambda/user-management/pre-token').handler;
    });
  });

  const tokenScopes = async (role: string): Promise<string[]> => {
    const event: PreTokenGenerationV2TriggerEvent = {
      version: '2',
      region: 'us-east-1',
      userPoolId: 'us-east-1_Local',
      userName: 'u',
      callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: 'client' },
      triggerSource: 'TokenGeneration_Authentication',
      request: {
        userAttributes: role ? { 'custom:userRole': role } : {},
        groupConfiguration: { groupsToOverride: [], iamRolesToOverride: [] },
        scopes: ['aws.cognito.signin.user.admin'],
      },
      response: { claimsAndScopeOverrideDetails: {} },
    };
    const out = await handler(event);
    const added =
      (out.response.claimsAndScopeOverrideDetails as { accessTokenGeneration?: { scopesToAdd?: string[] } } | null)
        ?.accessTokenGeneration?.scopesToAdd ?? [];
    return added;
  };

  test.each(cells)('%s × %s → %s', async (_label, role, scope, allowed) => {
    expect((await tokenScopes(role)).includes(scope)).toBe(allowed);
  });

  test.each(Object.keys(EXPECTED))('role %p gets exactly its set', async (role) => {
    expect((await tokenScopes(role)).sort()).toEqual([...EXPECTED[role]].sort());
    expect(scopesForRole(role || undefined, defaults).sort()).toEqual([...EXPECTED[role]].sort());
  });
});

test('a custom map is passed through exactly (no scope added to any role, none dropped)', () => {
  const custom = {
    SystemAdmin: [SCOPES.tenantRead, SCOPES.tenantWrite],
    TenantAdmin: [SCOPES.tenantRead, SCOPES.userRead, SCOPES.userWrite],
    Auditor: [SCOPES.tenantRead],
  };
  const json = synthStack(
    new ControlPlaneStack(testApp(), 'control-plane', {
      billing: false,
      metering: false,
      auth: (scope) => new CognitoAuth(scope, 'auth', { namePrefix: 'custom', roleScopes: custom }),
    }),
  );
  expect(roleScopesOf(json)).toEqual(custom);
});
