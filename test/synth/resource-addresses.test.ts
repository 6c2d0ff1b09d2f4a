// Resource addresses are users' state: role names derived from construct paths, no hashes or counters,
// every released address still declared or moved, and a clear error when two constructs collide.
import { Construct } from 'constructs';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { addressProblems, finalAddress, loadAddressHistory, movedBlocks } from '../../src/core/address-history';
import { addressName, AddressRegistry } from '../../src/core/resource-addresses';
import { ControlPlaneStack } from '../../src/control-plane/control-plane-stack';
import { SbtStack } from '../../src/core/sbt-stack';
import { declaredAddresses, historyProblems } from '../../scripts/modules';
import type { PackagedModule } from '../../tools/module-packager';
import { MODULE_NAMES, packagedModules } from '../support/packaged-modules';
import { synthStack, testApp } from '../support/synth';

const modules = packagedModules();

describe('addressName', () => {
  test('drops the stack wrapper and words that repeat the resource type', () => {
    const wrappers = new Set(['control-plane']);
    expect(addressName(['control-plane', 'tenants', 'table'], { wrappers, type: 'aws_dynamodb_table' })).toBe(
      'tenants',
    );
    expect(addressName(['billing', 'create-customer', 'role', 'role'], { wrappers, type: 'aws_iam_role' })).toBe(
      'billing_create_customer',
    );
    expect(
      addressName(['billing', 'create-customer', 'role', 'policy'], { wrappers, type: 'aws_iam_role_policy' }),
    ).toBe('billing_create_customer');
    expect(addressName(['api', 'route-GET-_tenants__tenantId_'], { wrappers, type: 'aws_apigatewayv2_route' })).toBe(
      'api_route_get_tenants_tenant_id',
    );
    expect(addressName(['events', 'bus'], { type: 'aws_cloudwatch_event_bus' })).toBe('events');
    // At least one word stays, and a leading digit is made a valid identifier.
    expect(addressName(['queue'], { type: 'aws_sqs_queue' })).toBe('queue');
    expect(addressName(['1st'], {})).toBe('r_1st');
  });

  test('two constructs deriving one address is an error naming both paths', () => {
    const r = new AddressRegistry();
    r.claim('aws_sqs_queue', 'jobs', 'stack/a/jobs');
    expect(r.claim('aws_sqs_queue', 'jobs', 'stack/a/jobs')).toBe('jobs'); // same construct again: fine
    expect(() => r.claim('aws_sqs_queue', 'jobs', 'stack/b/jobs-queue')).toThrow(
      /aws_sqs_queue\.jobs: 'stack\/a\/jobs' and 'stack\/b\/jobs-queue'/,
    );
  });

  test('a stack whose constructs collide fails at synth with that error', () => {
    const stack = new SbtStack(testApp(), 'collide', { mode: 'module' });
    const a = new Construct(stack, 'users');
    new DynamodbTable(a, 'table', { name: 'a', hashKey: 'id', attribute: [{ name: 'id', type: 'S' }] });
    new DynamodbTable(stack, 'users-table', { name: 'b', hashKey: 'id', attribute: [{ name: 'id', type: 'S' }] });
    expect(() => synthStack(stack)).toThrow(/Two constructs derive the resource address aws_dynamodb_table\.users/);
  });
});

describe.each(MODULE_NAMES)('module %s', (name) => {
  let pkg: PackagedModule;
  let declared: Set<string>;
  beforeAll(() => {
    pkg = modules()[name]!;
    declared = declaredAddresses(pkg);
  });

  test('no address ends in a cdktf hash or a counter', () => {
    const bad = [...declared].filter((a) => /_[0-9A-F]{8}$|[-_]\d+$|[0-9a-f]{8,}/.test(a.split('.')[1]!));
    expect(bad).toEqual([]);
  });

  test('every released address is declared or moved to a declared one; every declared one is recorded', () => {
    expect(historyProblems({ [name]: pkg })).toEqual([]);
  });

  test('the module ships a moved block for every move into it, with bare addresses ([0] into a switched resource)', () => {
    const main = JSON.parse(pkg.files['main.tf.json']!) as {
      moved?: { from: string; to: string }[];
      resource?: Record<string, Record<string, { count?: unknown }>>;
    };
    expect(main.moved ?? []).toEqual(
      movedBlocks(loadAddressHistory(name), declared).map((m) =>
        switchedIn(main).has(m.to) ? { ...m, to: `${m.to}[0]` } : m,
      ),
    );
    for (const m of main.moved ?? []) expect(`${m.from} ${m.to}`).not.toContain('${');
  });
});

/** Resources behind a feature switch (`count = var.enable_x ? 1 : 0`) in a module's main.tf.json. */
function switchedIn(main: { resource?: Record<string, Record<string, { count?: unknown }>> }): Set<string> {
  const out = new Set<string>();
  for (const [type, byName] of Object.entries(main.resource ?? {})) {
    for (const [n, body] of Object.entries(byName))
      if (/var\.enable_[a-z_]+/.test(String(body.count ?? ''))) out.add(`${type}.${n}`);
  }
  return out;
}

test('an address that disappears without a moved entry is reported', () => {
  const history = {
    addresses: ['aws_dynamodb_table.tenants', 'aws_sqs_queue.old_name'],
    moved: { 'aws_sqs_queue.old_name': 'aws_sqs_queue.jobs' },
  };
  expect(addressProblems(history, new Set(['aws_dynamodb_table.tenants', 'aws_sqs_queue.jobs']))).toEqual([]);
  // The table renamed with no moved entry: an upgrade would destroy it.
  expect(addressProblems(history, new Set(['aws_dynamodb_table.tenant_table', 'aws_sqs_queue.jobs']))).toEqual([
    expect.stringMatching(/^aws_dynamodb_table\.tenants was released but is no longer declared/),
  ]);
  // A move whose target is gone, and a move whose source is still declared.
  expect(addressProblems(history, new Set(['aws_dynamodb_table.tenants', 'aws_sqs_queue.old_name']))).toEqual([
    'aws_sqs_queue.old_name is still declared but also moved to aws_sqs_queue.jobs',
    'aws_sqs_queue.old_name moves to aws_sqs_queue.jobs, which is not declared',
  ]);
  expect(finalAddress({ addresses: [], moved: { a: 'b', b: 'c' } }, 'a')).toBe('c');
});

test('root stacks carry the same moved blocks (state made by 0.1.0 `cdktf deploy`)', () => {
  // The stack has no feature switches (`billing: false` decides at synth): its moves target bare addresses.
  const moduleMoves = (
    JSON.parse(modules()['control-plane']!.files['main.tf.json']!) as { moved: { from: string; to: string }[] }
  ).moved.map((m) => ({
    ...m,
    to: m.to.replace(/\[0\]$/, ''),
  }));
  const stack = new ControlPlaneStack(testApp(), 'control-plane', { systemAdminEmail: 'ops@example.com' });
  const synth = synthStack(stack) as unknown as { moved?: unknown[] };
  expect(synth.moved).toEqual(moduleMoves);
});
