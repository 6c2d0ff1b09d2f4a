import { validateConfiguration } from '../../../src/core/validate';
import { messages, validateDoc } from './helpers';

const base = {
  variable: { name_prefix: { type: 'string', description: 'prefix' } },
  locals: { tags: { app: 'sbt' } },
  data: { aws_region: { current: {} } },
  module: { child: { source: './child', name_prefix: '${var.name_prefix}' } },
  resource: {
    aws_sqs_queue: { q: { name: '${var.name_prefix}-q', count: 2 } },
    aws_cloudwatch_log_group: { logs: { name: '/aws/lambda/${var.name_prefix}' } },
  },
};

const withResource = (body: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  ...base,
  ...extra,
  resource: { ...base.resource, aws_sns_topic: { t: body } },
});

describe('check 1: references resolve', () => {
  test('a configuration whose references all resolve has no findings', async () => {
    const doc = withResource({
      name: '${var.name_prefix}-${local.tags.app}-${data.aws_region.current.name}',
      tags: '${local.tags}',
      policy: '${jsonencode({"Resource" = aws_sqs_queue.q[0].arn, "All" = aws_sqs_queue.q[*].arn, "Alt" = resource.aws_sqs_queue.q[1].url})}',
      display_name: '${module.child.some_output}',
      kms_master_key_id: '${path.module}/x ${path.root} ${path.cwd} ${terraform.workspace}',
      depends_on: ['aws_cloudwatch_log_group.logs', 'module.child'],
      lifecycle: { ignore_changes: ['tags', 'name'], replace_triggered_by: ['aws_sqs_queue.q[0]'] },
    });
    expect(await validateDoc(doc)).toEqual([]);
  });

  test('broken references are findings with file and path', async () => {
    const doc = withResource({
      name: '${var.missing}',
      display_name: '${aws_sqs_queue.nope.arn} ${data.aws_region.other.name} ${local.nope}',
      policy: '${module.ghost.out}',
      depends_on: ['aws_cloudwatch_log_group.gone'],
    });
    const findings = await validateDoc(doc, {}, 'stacks/x/cdk.tf.json');
    expect(findings.every((f) => f.file === 'stacks/x/cdk.tf.json')).toBe(true);
    expect(messages(findings)).toEqual([
      "resource.aws_sns_topic.t.depends_on[0]: reference to undeclared resource 'aws_cloudwatch_log_group.gone'",
      "resource.aws_sns_topic.t.display_name: reference to undeclared data source 'aws_region.other'",
      "resource.aws_sns_topic.t.display_name: reference to undeclared local value 'local.nope'",
      "resource.aws_sns_topic.t.display_name: reference to undeclared resource 'aws_sqs_queue.nope'",
      "resource.aws_sns_topic.t.name: reference to undeclared variable 'var.missing'",
      "resource.aws_sns_topic.t.policy: reference to undeclared module 'module.ghost'",
    ]);
  });

  test('module outputs are checked when the called module can be read', async () => {
    const doc = withResource({ name: '${module.child.queue_url}', display_name: '${module.child.nope}' });
    const moduleOutputs = (_name: string, source: string) => (source === './child' ? new Set(['queue_url']) : undefined);
    expect(messages(await validateDoc(doc, { moduleOutputs }))).toEqual([
      "resource.aws_sns_topic.t.display_name: module 'child' (./child) has no output 'nope'",
    ]);
  });

  test('built-ins and iterators are not flagged: each, count, self, for, %{for}, dynamic blocks', async () => {
    const doc = withResource({
      for_each: '${toset(["a", "b"])}',
      name: '${each.key}-${each.value}-${count.index}',
      display_name: '${join(",", [for i, q in aws_sqs_queue.q : "${i}:${q.url}"])}',
      delivery_policy: '%{ for k, v in local.tags }${k}=${v};%{ endfor }',
      dynamic: {
        setting: { for_each: '${local.tags}', iterator: 'tag', content: { name: '${tag.key}', value: '${tag.value}' } },
        rule: [{ for_each: '${var.name_prefix}', content: { x: '${rule.value}' } }],
      },
      provisioner: [{ 'local-exec': { command: 'echo ${self.arn}' } }],
    });
    expect(await validateDoc(doc)).toEqual([]);
  });

  test('an iterator is only bound inside its for / dynamic content', async () => {
    const doc = withResource({
      name: '${[for s in var.name_prefix : s]} ${s}',
      dynamic: { setting: { for_each: '${setting.value}', content: { v: '${setting.value}' } } },
    });
    expect(messages(await validateDoc(doc))).toEqual([
      "resource.aws_sns_topic.t.dynamic.setting.for_each: reference to undeclared resource 'setting.value'",
      "resource.aws_sns_topic.t.name: unknown name 's' (not a declared reference, built-in or iterator)",
    ]);
  });

  test('unknown path/terraform attributes and unparsable expressions are findings', async () => {
    const doc = withResource({ name: '${path.nowhere}', display_name: '${terraform.env}', policy: '${var.name_prefix +}' });
    expect(messages(await validateDoc(doc))).toEqual([
      "resource.aws_sns_topic.t.display_name: unknown attribute 'terraform.env'",
      "resource.aws_sns_topic.t.name: unknown path attribute 'path.nowhere' (path.module, path.root, path.cwd)",
      expect.stringMatching(/^resource\.aws_sns_topic\.t\.policy: cannot parse expression: /),
    ]);
  });

  test('outputs, locals, module arguments and provider blocks are checked too', async () => {
    const doc = {
      ...base,
      output: { o: { value: '${aws_sqs_queue.q[0].nope_is_fine_attr} ${var.gone}', description: 'd' } },
      locals: { a: '${local.b}' },
      provider: { aws: [{ region: '${var.region}' }] },
    };
    expect(messages(await validateDoc(doc))).toEqual([
      "locals.a: reference to undeclared local value 'local.b'",
      "output.o.value: reference to undeclared variable 'var.gone'",
      "provider.aws[0].region: reference to undeclared variable 'var.region'",
    ]);
  });

  test('a validation condition must be an expression, not a literal string', async () => {
    const doc = (condition: string) => ({
      variable: { name_prefix: { type: 'string', description: 'p', validation: [{ condition, error_message: 'bad' }] } },
    });
    expect(await validateDoc(doc('${can(regex("^[a-z]+$", var.name_prefix))}'))).toEqual([]);
    expect(messages(await validateDoc(doc('can(regex("^[a-z]+$", var.name_prefix))')))).toEqual([
      'variable.name_prefix.validation[0].condition: condition is a literal string, not an expression (in JSON write "${can(regex("^[a-z]+$", var.name_prefix))}")',
    ]);
  });

  test('a name declared in two files of one configuration is a finding', async () => {
    const findings = await validateConfiguration(
      [
        { file: 'a.tf.json', doc: { variable: { x: { type: 'string', description: 'x' } } } },
        { file: 'b.tf.json', doc: { variable: { x: { type: 'string', description: 'x' } } } },
      ],
      { kind: 'stack' },
    );
    expect(findings).toEqual([{ file: 'b.tf.json', path: 'variable.x', message: 'declared again (first in a.tf.json)' }]);
  });
});
