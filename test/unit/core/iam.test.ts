// ServiceRole (src/core/iam.ts) synthesized alone: the trust policy (one service principal, optional
// confused-deputy conditions), ONE least-privilege inline policy with exactly the statements granted —
// also those granted after construction — and the refusals of empty statements. Exact documents, not
// substrings: a widened principal, a dropped condition or a lost late grant fails here.
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformStack } from '../../../src/core/cdktf';
import { ServiceRole } from '../../../src/core/iam';
import { SCOPES, RESOURCE_SERVERS } from '../../../src/contracts/scopes';
import { synthStack, testApp, type StackJson } from '../../support/synth';

function synthRole(build: (stack: TerraformStack) => void): StackJson {
  const stack = new TerraformStack(testApp(), 'iam');
  new AwsProvider(stack, 'aws', { region: 'us-east-1' });
  build(stack);
  return synthStack(stack);
}
const docs = (json: StackJson) => json.data?.aws_iam_policy_document ?? {};
const docNamed = (json: StackJson, part: string) => Object.entries(docs(json)).find(([k]) => k.includes(part))![1];

test('trust policy: exactly sts:AssumeRole for the one service principal, with the given conditions', () => {
  const json = synthRole(
    (s) =>
      new ServiceRole(s, 'r', {
        name: 'p-role',
        servicePrincipal: 'events.amazonaws.com',
        trustConditions: [
          { test: 'ArnEquals', variable: 'aws:SourceArn', values: ['arn:aws:events:us-east-1:1:rule/x'] },
        ],
      }),
  );
  expect(docNamed(json, 'trust').statement).toEqual([
    {
      effect: 'Allow',
      actions: ['sts:AssumeRole'],
      principals: [{ type: 'Service', identifiers: ['events.amazonaws.com'] }],
      condition: [{ test: 'ArnEquals', variable: 'aws:SourceArn', values: ['arn:aws:events:us-east-1:1:rule/x'] }],
    },
  ]);
  const roles = Object.values(json.resource!.aws_iam_role);
  expect(roles).toHaveLength(1);
  expect(roles[0]).toMatchObject({ name: 'p-role' });
  expect(String(roles[0].assume_role_policy)).toMatch(/^\$\{data\.aws_iam_policy_document\.r_trust_[A-F0-9]+\.json\}$/);
});

test('one inline policy with exactly the statements granted, including those added after construction', () => {
  let role!: ServiceRole;
  const json = synthRole((s) => {
    role = new ServiceRole(s, 'r', {
      name: 'p-role',
      servicePrincipal: 'lambda.amazonaws.com',
      statements: [{ actions: ['dynamodb:GetItem'], resources: ['arn:aws:dynamodb:us-east-1:1:table/t'] }],
    });
    role.addToRolePolicy({
      sid: 'Late',
      effect: 'Deny',
      actions: ['s3:PutObject', 's3:DeleteObject'],
      resources: ['arn:aws:s3:::b/*'],
      conditions: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
    });
  });
  expect(docNamed(json, 'policy-document').statement).toEqual([
    { effect: 'Allow', actions: ['dynamodb:GetItem'], resources: ['arn:aws:dynamodb:us-east-1:1:table/t'] },
    {
      sid: 'Late',
      effect: 'Deny',
      actions: ['s3:PutObject', 's3:DeleteObject'],
      resources: ['arn:aws:s3:::b/*'],
      condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
    },
  ]);
  const policies = Object.values(json.resource!.aws_iam_role_policy);
  expect(policies).toHaveLength(1);
  expect(policies[0]).toMatchObject({ name: 'least-privilege' });
  expect(String(policies[0].role)).toMatch(/^\$\{aws_iam_role\.r_role_[A-F0-9]+\.id\}$/);
  expect(String(policies[0].policy)).toMatch(
    /^\$\{data\.aws_iam_policy_document\.r_policy-document_[A-F0-9]+\.json\}$/,
  );
  expect(role.roleArn).toMatch(/^\$\{TfToken\[TOKEN\.\d+\]\}$/); // the role's arn attribute (a token until synth)
});

test('a statement without actions or without resources is refused at synth, naming the construct, every problem at once', () => {
  let error: unknown;
  try {
    synthRole((s) => {
      const role = new ServiceRole(s, 'r', { name: 'n', servicePrincipal: 'lambda.amazonaws.com' });
      role.addToRolePolicy({ actions: [], resources: ['*'] });
      role.addToRolePolicy({ actions: ['s3:GetObject'], resources: [] });
      new ServiceRole(s, 'r2', { name: 'n2', servicePrincipal: 'x', statements: [{ actions: [], resources: ['*'] }] });
    });
  } catch (e) {
    error = e;
  }
  expect(String(error)).toContain('[iam/r] a policy statement needs at least one action');
  expect(String(error)).toContain('[iam/r] a policy statement needs at least one resource');
  expect(String(error)).toContain('[iam/r2] a policy statement needs at least one action');
});

test('scopes: one read and one write scope per area, named server/name, one resource server each', () => {
  // The vocabulary is a naming rule, not a list: `<area>Read|Write` → `<area>/<area>_read|write`. SBT's
  // tenant and user scopes follow it to the letter, so tokens issued for SBT keep working.
  const areas = ['tenant', 'user', 'billing', 'metering'];
  const rule = areas.flatMap((a) => [
    [`${a}Read`, `${a}/${a}_read`],
    [`${a}Write`, `${a}/${a}_write`],
  ]);
  expect(SCOPES).toEqual(Object.fromEntries(rule));
  // One Cognito resource server per area, holding exactly that area's scope names (read first).
  expect(Object.keys(RESOURCE_SERVERS)).toEqual(areas);
  for (const a of areas) expect(RESOURCE_SERVERS[a]!.map((s) => s.name)).toEqual([`${a}_read`, `${a}_write`]);
  // Descriptions become the resource servers' scope descriptions (shown on consent screens): Cognito takes
  // 1–256 characters; each says what the scope allows, distinct per scope, a read scope's says "Read".
  const described = Object.values(RESOURCE_SERVERS).flat();
  expect(new Set(described.map((s) => s.description)).size).toBe(described.length);
  for (const { name, description } of described) {
    expect(description.length).toBeGreaterThan(0);
    expect(description.length).toBeLessThanOrEqual(256);
    expect(description.startsWith('Read ')).toBe(name.endsWith('_read'));
  }
});
