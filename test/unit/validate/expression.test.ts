import {
  evaluate,
  HclSyntaxError,
  parseExpression,
  parseTemplate,
  referencesOf,
  UNKNOWN,
} from '../../../tools/validate';

/** The references of a JSON string value, as dotted names (attributes only). */
const refs = (s: string): string[] =>
  referencesOf(parseTemplate(s)).map((r) =>
    [r.root, ...r.steps.map((st) => (st.t === 'attr' ? st.name : st.t === 'splat' ? '*' : '[]'))].join('.'),
  );

describe('HCL template / expression parser', () => {
  test('plain strings have no references; escapes are literal', () => {
    expect(refs('arn:aws:s3:::bucket/*')).toEqual([]);
    expect(refs('$${var.not_a_ref} and %%{ if x }')).toEqual([]);
    expect(parseTemplate('a $${b}')).toEqual([{ t: 'str', value: 'a ${b}' }]);
  });

  test('traversals with dashes, indexes, splats and attributes', () => {
    expect(refs('${aws_cloudwatch_log_group.tenant-config_get_logs_AECFFF43.arn}:*')).toEqual([
      'aws_cloudwatch_log_group.tenant-config_get_logs_AECFFF43.arn',
    ]);
    expect(refs('${aws_s3_bucket.b[0].arn}/${aws_sqs_queue.q[*].url}-${module.m["k"].out}')).toEqual([
      'aws_s3_bucket.b.[].arn',
      'aws_sqs_queue.q.*.url',
      'module.m.[].out',
    ]);
    expect(refs('${aws_x.y.*.id}')).toEqual(['aws_x.y.*.id']);
  });

  test('function calls are not references, their arguments are', () => {
    expect(
      refs('${jsonencode({"Version" = "2012-10-17", Resource = aws_sns_topic.t.arn, "n" = lookup(var.m, "a", "b")})}'),
    ).toEqual(['aws_sns_topic.t.arn', 'var.m']);
    expect(refs('${provider::aws::arn_parse(var.arn).account_id}')).toEqual(['var.arn']);
    expect(refs('${element(split("/", var.bus_arn), 1)}')).toEqual(['var.bus_arn']);
  });

  test('for expressions and template directives bind iterator names', () => {
    expect(refs('${[for s in var.list : upper(s)]}')).toEqual(['var.list']);
    expect(refs('${{for k, v in var.map : k => v.name if v.enabled}}')).toEqual(['var.map']);
    expect(refs('%{ for ip in var.ips ~}server ${ip} ${local.port}\n%{ endfor ~}')).toEqual(['var.ips', 'local.port']);
    expect(refs('%{ if var.enabled }on%{ else }off${x}%{ endif }')).toEqual(['var.enabled', 'x']);
  });

  test('nested templates inside strings inside interpolations', () => {
    expect(refs('${"${var.a}-${local.b}"}')).toEqual(['var.a', 'local.b']);
    expect(refs('${var.c ? "x-${var.d}" : data.aws_region.r.name}')).toEqual([
      'var.c',
      'var.d',
      'data.aws_region.r.name',
    ]);
  });

  test('operators, unary, numbers, comments and heredocs', () => {
    expect(refs('${var.a + 1.5e2 * -count.index >= 3 && !var.b || var.c % 2 == 0}')).toEqual([
      'var.a',
      'count.index',
      'var.b',
      'var.c',
    ]);
    expect(refs('${var.a /* note */ + var.b}')).toEqual(['var.a', 'var.b']);
    expect(refs('${trimspace(<<EOT\nhello ${var.who}\nEOT\n)}')).toEqual(['var.who']);
  });

  test('bare expressions (depends_on)', () => {
    expect(referencesOf(parseExpression('aws_cloudwatch_log_group.logs')).map((r) => r.root)).toEqual([
      'aws_cloudwatch_log_group',
    ]);
  });

  test('syntax errors are reported with an offset', () => {
    expect(() => parseTemplate('${var.a +}')).toThrow(HclSyntaxError);
    expect(() => parseTemplate('${var.a')).toThrow(HclSyntaxError);
    expect(() => parseTemplate('%{ for x in var.l }no end')).toThrow(/endfor/);
  });

  test('evaluate computes the constant parts of jsonencode', () => {
    const [part] = parseTemplate(
      '${jsonencode({"Statement" = [{"Action" = ["sqs:SendMessage"], Resource = aws_sqs_queue.q.arn, n = 1}]})}',
    );
    const v = evaluate((part as { t: 'interp'; expr: Parameters<typeof evaluate>[0] }).expr);
    expect(v).toEqual({ Statement: [{ Action: ['sqs:SendMessage'], Resource: UNKNOWN, n: 1 }] });
  });

  test('quoted strings inside expressions are unescaped', () => {
    const [part] = parseTemplate('${jsonencode({"a" = "say \\"hi\\"\\n\\u00e9"})}');
    expect(evaluate((part as { t: 'interp'; expr: Parameters<typeof evaluate>[0] }).expr)).toEqual({
      a: 'say "hi"\n\u00e9',
    });
  });
});
