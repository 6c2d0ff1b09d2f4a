// The private REST API's token authorizer for non-Cognito issuers: real RS256 JWTs signed with a generated
// key and verified by aws-jwt-verify against the issuer's JWKS (handed to its cache: it fetches only over
// https), policies per route scope.
import { createSign, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { allowedResources, apiPrefix, tokenScopes } from '../../../src/contracts/route-scope-policy';

const ARN = 'arn:aws:execute-api:us-east-1:111122223333:abc123/v1/GET/tenants';
const ROUTES = {
  'GET /tenants': 'tenant/tenant_read',
  'PUT /tenants/{tenantId}': 'tenant/tenant_write',
  'GET /users': 'user/user_read',
};

test('policy helpers: prefix, scopes from scope/scp, resources with * for path params', () => {
  expect(apiPrefix(ARN)).toBe('arn:aws:execute-api:us-east-1:111122223333:abc123/v1');
  expect(() => apiPrefix('nope')).toThrow();
  expect(tokenScopes({ scope: 'a b' })).toEqual(['a', 'b']);
  expect(tokenScopes({ scp: ['a', 1] })).toEqual(['a']);
  expect(tokenScopes({})).toEqual([]);
  expect(allowedResources('P', ROUTES, ['tenant/tenant_read', 'tenant/tenant_write'])).toEqual([
    'P/GET/tenants',
    'P/PUT/tenants/*',
  ]);
});

let key: KeyObject;
let mod: typeof import('../../../lambda/control-plane-authorizer/authorize');
const handler: typeof mod.handler = (e) => mod.handler(e);

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
function sign(
  claims: Record<string, unknown>,
  o: { iss?: string; aud?: string; expIn?: number; with?: KeyObject } = {},
) {
  const now = Math.floor(Date.now() / 1000);
  const body = {
    iss: o.iss ?? 'https://idp.example.com/',
    aud: o.aud ?? 'api',
    sub: 'user-1',
    iat: now,
    exp: now + (o.expIn ?? 300),
    ...claims,
  };
  const input = `${b64({ alg: 'RS256', kid: 'k1', typ: 'JWT' })}.${b64(body)}`;
  return `${input}.${createSign('RSA-SHA256')
    .update(input)
    .sign(o.with ?? key)
    .toString('base64url')}`;
}
const token = async (claims: Record<string, unknown>, o: { iss?: string; aud?: string; exp?: string } = {}) =>
  sign(claims, { iss: o.iss, aud: o.aud, expIn: o.exp === '-1m' ? -60 : 300 });

beforeAll(async () => {
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  key = pair.privateKey;
  const jwk = { ...pair.publicKey.export({ format: 'jwk' }), kid: 'k1', alg: 'RS256', use: 'sig' };
  process.env.JWKS_URI = 'https://idp.example.com/.well-known/jwks.json';
  process.env.JWT_ISSUER = 'https://idp.example.com/';
  process.env.JWT_AUDIENCE = JSON.stringify(['api']);
  process.env.ROUTE_SCOPES = JSON.stringify(ROUTES);
  jest.isolateModules(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require('../../../lambda/control-plane-authorizer/authorize');
  });
  mod.cacheJwksForTesting({ keys: [jwk as Record<string, unknown>] });
});

test('a valid token gets exactly the routes of its scopes, and its identity in the context', async () => {
  const res = await handler({
    type: 'TOKEN',
    authorizationToken: `Bearer ${await token({ scope: 'tenant/tenant_read', username: 'alice' })}`,
    methodArn: ARN,
  });
  expect(res.principalId).toBe('user-1');
  expect(res.policyDocument.Statement).toEqual([
    {
      Action: 'execute-api:Invoke',
      Effect: 'Allow',
      Resource: ['arn:aws:execute-api:us-east-1:111122223333:abc123/v1/GET/tenants'],
    },
  ]);
  expect(res.context).toMatchObject({ sub: 'user-1', username: 'alice', scope: 'tenant/tenant_read' });
  const none = await handler({ authorizationToken: `Bearer ${await token({ scp: ['other'] })}`, methodArn: ARN });
  expect(none.policyDocument.Statement[0].Effect).toBe('Deny');
});

test('bad tokens are 401 (Unauthorized): missing, wrong issuer, wrong audience, expired, forged', async () => {
  const bad = async (authorizationToken?: string) =>
    expect(handler({ authorizationToken, methodArn: ARN })).rejects.toThrow('Unauthorized');
  await bad(undefined);
  await bad('Basic abc');
  await bad(`Bearer ${await token({ scope: 'tenant/tenant_read' }, { iss: 'https://evil.example.com/' })}`);
  await bad(`Bearer ${await token({ scope: 'tenant/tenant_read' }, { aud: 'other' })}`);
  await bad(`Bearer ${await token({ scope: 'tenant/tenant_read' }, { exp: '-1m' })}`);
  const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  await bad(`Bearer ${sign({ scope: 'tenant/tenant_read' }, { with: other })}`);
});
