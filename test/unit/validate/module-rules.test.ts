import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { messages, validateDoc } from './helpers';

// A checkout path of 'this machine' for the machine-path rule (built, so no tracked file names a real one).
const CHECKOUT = join(tmpdir(), 'sbt-checkout');

const goodModule = {
  terraform: { required_providers: { aws: { source: 'hashicorp/aws', version: '>= 6.0' } } },
  variable: { name_prefix: { type: 'string', description: 'Prefix of resource names.' } },
  output: { fn_arn: { value: '${aws_lambda_function.f.arn}', description: 'ARN of the function.' } },
  resource: {
    aws_lambda_function: {
      f: {
        function_name: '${var.name_prefix}-f',
        filename: '${path.module}/assets/tenant-config-get.zip',
        source_code_hash: '${filebase64sha256("${path.module}/assets/tenant-config-get.zip")}',
        role: 'arn',
      },
    },
    aws_cloudwatch_log_group: { l: { name: '/aws/lambda/${var.name_prefix}-f' } },
  },
};

describe('checks 3 and 4: module rules', () => {
  test('a relocatable, documented module passes', async () => {
    expect(await validateDoc(goodModule, { kind: 'module', machinePaths: [CHECKOUT] })).toEqual([]);
  });

  test('provider blocks, backends and HCP Terraform blocks are findings', async () => {
    const doc = {
      ...goodModule,
      provider: { aws: [{ region: 'us-east-1' }] },
      terraform: { ...goodModule.terraform, backend: { s3: { bucket: 'b' } }, cloud: { organization: 'o' } },
    };
    expect(messages(await validateDoc(doc, { kind: 'module' }))).toEqual([
      'provider: a module must not configure providers (declare terraform.required_providers only)',
      'terraform.backend: a module must not configure a backend',
      'terraform.cloud: a module must not configure HCP Terraform (cloud block)',
    ]);
  });

  test('absolute machine paths and file paths outside ${path.module} are findings', async () => {
    // Built from parts so this fixture itself does not read as a machine path to repository checks.
    const homePath = ['', 'home', 'dev', 'sbt'].join('/');
    const tmpPath = ['', 'tmp', 'x'].join('/');
    const doc = {
      ...goodModule,
      resource: {
        aws_lambda_function: {
          abs: { function_name: 'a', filename: `${CHECKOUT}/build/lambda/x.zip`, role: 'r' },
          rel: { function_name: 'b', filename: 'assets/x.zip', role: 'r', description: `built in ${homePath}` },
          root: {
            function_name: 'c',
            filename: '${path.root}/x.zip',
            role: 'r',
            environment: { variables: { P: tmpPath } },
          },
          input: { function_name: 'd', filename: '${var.archive}', role: 'r' },
        },
      },
      variable: { ...goodModule.variable, archive: { type: 'string', description: 'zip' } },
    };
    expect(messages(await validateDoc(doc, { kind: 'module', machinePaths: [CHECKOUT] }))).toEqual([
      `resource.aws_lambda_function.abs.filename: file path must be written as \${path.module}/<relative path> (got '${CHECKOUT}/build/lambda/x.zip')`,
      `resource.aws_lambda_function.abs.filename: names a path of this machine ('${CHECKOUT}')`,
      `resource.aws_lambda_function.rel.description: looks like an absolute machine path ('built in ${homePath}')`,
      "resource.aws_lambda_function.rel.filename: file path must be written as ${path.module}/<relative path> (got 'assets/x.zip')",
      `resource.aws_lambda_function.root.environment.variables.P: looks like an absolute machine path ('${tmpPath}')`,
      "resource.aws_lambda_function.root.filename: file path must be relative to the module: use ${path.module}/... (got '${path.root}/x.zip')",
    ]);
  });

  test('variables need type and description, outputs a description (modules only)', async () => {
    const doc = {
      variable: { a: { description: 'has no type' }, b: { type: 'string' }, c: { type: 'number', description: ' ' } },
      output: { o: { value: '${var.a}' } },
    };
    expect(messages(await validateDoc(doc, { kind: 'module' }))).toEqual([
      "output.o: output 'o' has no description",
      "variable.a: variable 'a' has no type",
      "variable.b: variable 'b' has no description",
      "variable.c: variable 'c' has no description",
    ]);
    expect(await validateDoc(doc, { kind: 'stack' })).toEqual([]);
  });

  test('log group names and IAM paths starting with / are not machine paths', async () => {
    const doc = {
      ...goodModule,
      resource: {
        ...goodModule.resource,
        aws_iam_role: { r: { name: 'r', path: '/service-role/', assume_role_policy: '{}' } },
      },
    };
    expect(await validateDoc(doc, { kind: 'module' })).toEqual([]);
  });
});
