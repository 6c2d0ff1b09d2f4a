// The packager's HCL → JSON conversion of authored `terraform test` files: parsed by a real HCL parser, with
// the arguments Terraform reads as keywords or bare references written as such, and runs kept in file order.
// (test/terraform/ runs the converted module tests with terraform itself.)
import { testFileToJson } from '../../../tools/terraform-test-json';

const SOURCE = `
mock_provider "aws" {
  source = "./tests/mocks/default"
  override_resource {
    target = aws_sqs_queue.jobs
    values = { arn = "arn:aws:sqs:eu-west-1:123456789012:jobs" }
  }
}

variables {
  script = "echo \\"$\${tier}\\"\\nexit 0"
  tags   = { team = "platform" }
}

run "zeta_applies" {
  assert {
    condition     = output.bus == var.bus && length(aws_sqs_queue.jobs[*]) == 1
    error_message = "the bus is wired"
  }
}

run "alpha_rejects" {
  command = plan
  providers = {
    aws = aws.us_east_1
  }
  plan_options {
    mode    = refresh-only
    refresh = false
    target  = [aws_sqs_queue.jobs]
  }
  variables {
    bus = "not-an-arn"
  }
  expect_failures = [var.bus, aws_lambda_function.register]
}
`;

test('keywords and references become bare words; expressions stay templates; runs keep the file order', async () => {
  const doc = JSON.parse(await testFileToJson('src/module-tests/x/x.tftest.hcl', SOURCE));
  expect(doc['//']).toMatch(/from src\/module-tests\/x\/x\.tftest\.hcl/);
  expect(Object.keys(doc.run)).toEqual(['zeta_applies', 'alpha_rejects']);
  const [rejects] = doc.run.alpha_rejects;
  expect(rejects.command).toBe('plan');
  expect(rejects.expect_failures).toEqual(['var.bus', 'aws_lambda_function.register']);
  expect(rejects.providers).toEqual({ aws: 'aws.us_east_1' });
  expect(rejects.plan_options).toEqual([{ mode: 'refresh-only', refresh: false, target: ['aws_sqs_queue.jobs'] }]);
  expect(rejects.variables).toEqual([{ bus: 'not-an-arn' }]);
  expect(doc.mock_provider.aws[0].override_resource[0].target).toBe('aws_sqs_queue.jobs');
  // A condition is an expression: a template of one interpolation, as in main.tf.json.
  expect(doc.run.zeta_applies[0].assert[0].condition).toBe(
    '${output.bus == var.bus && length(aws_sqs_queue.jobs[*]) == 1}',
  );
  // A literal string keeps its template escape ($${ stays literal in JSON syntax too).
  expect(doc.variables[0]).toEqual({ script: 'echo "$${tier}"\nexit 0', tags: { team: 'platform' } });
});

test('an expression where Terraform needs a static reference is an error naming the run and argument', async () => {
  await expect(
    testFileToJson('t.tftest.hcl', 'run "r" {\n  expect_failures = [var.a == 1 ? var.b : var.c]\n}\n'),
  ).rejects.toThrow(/run "r" expect_failures: .* is not a keyword or a static reference/);
});

test('HCL syntax errors surface with the file name', async () => {
  await expect(testFileToJson('broken.tftest.hcl', 'run "r" {\n  command = \n')).rejects.toThrow(/broken\.tftest\.hcl/);
});
