import { ControlPlaneStack } from '../../src/control-plane/control-plane-stack';
import { resourcesOf, synthStack, testApp } from '../support/synth';

test('tenant-config: function from the archive with its hash, public routes, least-privilege reads', () => {
  const json = synthStack(new ControlPlaneStack(testApp(), 'control-plane'));
  const fns = Object.values(resourcesOf(json, 'aws_lambda_function'));
  const fn = fns.find((f) => String(f.function_name).endsWith('-tenant-config'))!;
  expect(fn.runtime).toBe('nodejs22.x');
  expect(fn.architectures).toEqual(['arm64']);
  expect(fn.filename).toMatch(/^assets\/.+\/tenant-config-get\.zip$/);
  expect(fn.source_code_hash).toMatch(/^[A-Za-z0-9+/]{43}=$/);
  const routes = Object.values(resourcesOf(json, 'aws_apigatewayv2_route')).map((r) => [
    r.route_key,
    r.authorization_type,
  ]);
  expect(routes).toEqual(
    expect.arrayContaining([
      ['GET /tenant-config', 'NONE'],
      ['GET /tenant-config/{tenantName}', 'NONE'],
    ]),
  );
  // Only the tenant-config function's own policy (other control-plane functions write tables).
  const docs = Object.entries(json.data?.aws_iam_policy_document ?? {})
    .filter(([name]) => name.startsWith('tenant_config_get_role'))
    .map(([, d]) => d);
  const actions = docs.flatMap((d) => ((d.statement as { actions: string[] }[]) ?? []).flatMap((s) => s.actions));
  expect(actions).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query']));
  expect(actions).not.toContain('dynamodb:PutItem');
  const table = Object.values(resourcesOf(json, 'aws_dynamodb_table'))[0];
  expect(table.point_in_time_recovery).toEqual({ enabled: true });
  expect(table.deletion_protection_enabled).toBe('${var.deletion_protection}');
});
