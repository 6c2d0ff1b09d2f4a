import { resourcesOf, roleStatementsOf, synthStack } from '../../support/synth';
import { billingTestStack } from '../../integration/billing/test-stack';

const json = synthStack(billingTestStack());

test('SBT routes 19–25 with the JWT authorizer and read/write metering scopes', () => {
  const routes = Object.values(resourcesOf(json, 'aws_apigatewayv2_route'))
    .filter((r) => /^(GET|POST|PUT|DELETE) \/(usage|meters)/.test(String(r.route_key)))
    .map((r) => [r.route_key, r.authorization_type, r.authorization_scopes]);
  expect(routes.sort()).toEqual(
    [
      ['DELETE /meters/{meterId}', 'JWT', ['metering/metering_write']],
      ['DELETE /usage', 'JWT', ['metering/metering_write']],
      ['GET /meters', 'JWT', ['metering/metering_read']],
      ['GET /meters/{meterId}', 'JWT', ['metering/metering_read']],
      ['GET /usage/{meterId}', 'JWT', ['metering/metering_read']],
      ['POST /meters', 'JWT', ['metering/metering_write']],
      ['PUT /meters/{meterId}', 'JWT', ['metering/metering_write']],
    ].sort(),
  );
});

test('ingestUsage (application-plane source) → the ingest function', () => {
  const rules = resourcesOf(json, 'aws_cloudwatch_event_rule');
  const [ruleId] = Object.entries(rules).find(([, r]) => String(r.event_pattern).includes('sbt_aws_ingestUsage'))!;
  // both SBT eras: the seed's `DetailType.INGEST_USAGE` (un-prefixed) and the pre-0.9 source count too
  expect(JSON.parse(String(rules[ruleId]!.event_pattern))).toEqual({
    source: ['sbt.application.plane', 'applicationPlaneEventSource'],
    'detail-type': ['sbt_aws_ingestUsage', 'ingestUsage'],
  });
  const target = Object.values(resourcesOf(json, 'aws_cloudwatch_event_target')).find((t) =>
    String(t.rule).includes(ruleId),
  )!;
  const fn = /aws_lambda_function\.([^.]+)\.arn/.exec(String(target.arn))![1]!;
  expect(resourcesOf(json, 'aws_lambda_function')[fn]!.function_name).toBe('${var.name_prefix}-metering-ingest-usage');
});

test('tables: usage keyed by (meterApiName, eventId) for idempotency, time index for reads', () => {
  const tables = Object.values(resourcesOf(json, 'aws_dynamodb_table'));
  const usage = tables.find((t) => t.name === '${var.name_prefix}-metering-usage')!;
  expect(usage).toMatchObject({ hash_key: 'meterApiName', range_key: 'eventId', deletion_protection_enabled: true });
  expect(usage.global_secondary_index).toEqual([
    expect.objectContaining({ name: 'byEventTime', hash_key: 'meterApiName', range_key: 'eventTime' }),
  ]);
  expect(tables.find((t) => t.name === '${var.name_prefix}-metering-meters')).toMatchObject({
    hash_key: 'pk',
    range_key: 'sk',
  });
});

test('IAM: readers cannot write, the ingester cannot read usage, nothing is *', () => {
  const actions = (s: string) =>
    roleStatementsOf(json, s)
      .flatMap((x) => x.actions)
      .filter((a) => a.startsWith('dynamodb:'));
  expect(actions('-metering-get-usage')).toEqual(['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Query']);
  expect(roleStatementsOf(json, '-metering-get-usage').at(-1)!.resources).toEqual([
    expect.stringMatching(/\/index\/byEventTime$/),
  ]);
  expect(actions('-metering-ingest-usage')).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem']);
  expect(actions('-metering-list-meters')).toEqual(['dynamodb:Query']);
  for (const f of [
    'create-meter',
    'get-meter',
    'list-meters',
    'update-meter',
    'delete-meter',
    'ingest-usage',
    'get-usage',
    'cancel-usage',
  ]) {
    for (const s of roleStatementsOf(json, `-metering-${f}`)) expect(s.resources).not.toContain('*');
  }
});
