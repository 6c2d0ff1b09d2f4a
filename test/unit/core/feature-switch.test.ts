import { applySwitches } from '../../../src/core/feature-switch';

type Body = Record<string, unknown>;
interface Doc {
  [k: string]: unknown;
  data: Record<string, Record<string, Body>>;
  resource: Record<string, Record<string, Body>>;
  output: Record<string, { value: string }>;
  moved: { from: string; to: string }[];
}

/** A small document: a feature (table + function), a route to it, an aggregate policy, an unrelated function. */
const doc = (): Doc => ({
  data: {
    aws_iam_policy_document: { feature_role: { statement: [{ resources: ['${aws_dynamodb_table.feature.arn}'] }] } },
  },
  resource: {
    aws_dynamodb_table: { feature: { name: 'feature' }, core: { name: 'core' } },
    aws_lambda_function: {
      feature: {
        environment: { variables: { TABLE: '${aws_dynamodb_table.feature.name}' } },
        role: '${data.aws_iam_policy_document.feature_role.json}',
      },
      core: {
        environment: { variables: { TABLE: '${aws_dynamodb_table.core.name}' } },
        depends_on: ['aws_dynamodb_table.feature'],
      },
    },
    aws_apigatewayv2_route: { feature: { target: 'integrations/${aws_lambda_function.feature.arn}' } },
    aws_sqs_queue_policy: {
      dlq: { policy: '${jsonencode([aws_lambda_function.core.arn, aws_lambda_function.feature.arn])}' },
    },
    aws_iam_role_policy: { extra: { count: '${min(1, length(var.x))}', policy: '${aws_dynamodb_table.feature.arn}' } },
  },
  output: {
    feature_table: { value: '${aws_dynamodb_table.feature.name}' },
    core_table: { value: '${aws_dynamodb_table.core.name}' },
  },
  moved: [
    { from: 'aws_dynamodb_table.old_feature', to: 'aws_dynamodb_table.feature' },
    { from: 'aws_dynamodb_table.old_core', to: 'aws_dynamodb_table.core' },
  ],
});

describe('applySwitches', () => {
  const out = applySwitches(
    doc(),
    [{ condition: 'var.enable_feature', addresses: ['aws_dynamodb_table.feature'] }],
    new Set(['aws_sqs_queue_policy.dlq']),
  ) as Doc;

  test('the included element and everything referencing it get count; unrelated and tolerant ones do not', () => {
    expect(out.resource.aws_dynamodb_table.feature!.count).toBe('${var.enable_feature ? 1 : 0}');
    expect(out.resource.aws_lambda_function.feature!.count).toBe('${var.enable_feature ? 1 : 0}');
    expect(out.resource.aws_apigatewayv2_route.feature!.count).toBe('${var.enable_feature ? 1 : 0}'); // via the function
    expect(out.data.aws_iam_policy_document!.feature_role!.count).toBe('${var.enable_feature ? 1 : 0}');
    expect(out.resource.aws_dynamodb_table.core!.count).toBeUndefined();
    expect(out.resource.aws_lambda_function.core!.count).toBeUndefined(); // depends_on is ordering, not data
    expect(out.resource.aws_sqs_queue_policy.dlq!.count).toBeUndefined();
  });

  test('an existing count is kept under the condition', () => {
    expect(out.resource.aws_iam_role_policy.extra!.count).toBe('${var.enable_feature ? (min(1, length(var.x))) : 0}');
  });

  test('references: [0] inside switched elements, one(x[*].attr) elsewhere (null when off)', () => {
    expect(out.resource.aws_lambda_function.feature!.environment).toEqual({
      variables: { TABLE: '${aws_dynamodb_table.feature[0].name}' },
    });
    expect(out.resource.aws_lambda_function.feature!.role).toBe('${data.aws_iam_policy_document.feature_role[0].json}');
    expect(out.resource.aws_apigatewayv2_route.feature!.target).toBe(
      'integrations/${aws_lambda_function.feature[0].arn}',
    );
    expect(out.resource.aws_sqs_queue_policy.dlq!.policy).toBe(
      '${jsonencode([aws_lambda_function.core.arn, one(aws_lambda_function.feature[*].arn)])}',
    );
    expect(out.output.feature_table.value).toBe('${one(aws_dynamodb_table.feature[*].name)}');
    expect(out.output.core_table.value).toBe('${aws_dynamodb_table.core.name}');
    expect(out.resource.aws_lambda_function.core!.depends_on).toEqual(['aws_dynamodb_table.feature']);
  });

  test('moved blocks into a switched resource target instance 0', () => {
    expect(out.moved).toEqual([
      { from: 'aws_dynamodb_table.old_feature', to: 'aws_dynamodb_table.feature[0]' },
      { from: 'aws_dynamodb_table.old_core', to: 'aws_dynamodb_table.core' },
    ]);
  });

  test('an element held by two switches needs both', () => {
    const two = applySwitches(doc(), [
      { condition: 'var.a', addresses: ['aws_dynamodb_table.feature'] },
      { condition: 'var.b', addresses: ['aws_lambda_function.feature'] },
    ]) as Doc;
    expect(two.resource.aws_lambda_function.feature!.count).toBe('${(var.a) && (var.b) ? 1 : 0}');
    expect(two.resource.aws_dynamodb_table.feature!.count).toBe('${var.a ? 1 : 0}');
  });

  test('no switches: the document is returned unchanged; for_each cannot be wrapped', () => {
    const d = doc();
    expect(applySwitches(d, [])).toBe(d);
    const withForEach = doc();
    withForEach.resource.aws_dynamodb_table.feature!.for_each = '${var.m}';
    expect(() =>
      applySwitches(withForEach, [{ condition: 'var.a', addresses: ['aws_dynamodb_table.feature'] }]),
    ).toThrow(/for_each/);
  });
});
