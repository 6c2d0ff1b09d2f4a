import { ControlPlaneStack } from '../../../src/control-plane/control-plane-stack';
import { backendFromEnvironment } from '../../../src/core/backend';
import { LambdaFunction } from '../../../src/core/lambda-function';
import { SbtStack } from '../../../src/core/sbt-stack';
import { resourcesOf, synthStack, testApp } from '../../support/synth';

test('backend from environment: local by default, s3 with native locking, HCP Terraform; clear errors', () => {
  expect(backendFromEnvironment({})).toEqual({ type: 'local' });
  expect(backendFromEnvironment({ SBT_BACKEND: 's3', SBT_STATE_BUCKET: 'b' })).toMatchObject({
    type: 's3',
    bucket: 'b',
  });
  expect(() => backendFromEnvironment({ SBT_BACKEND: 's3' })).toThrow('SBT_BACKEND=s3 needs SBT_STATE_BUCKET');
  expect(() => backendFromEnvironment({ SBT_BACKEND: 'gcs' })).toThrow(
    "SBT_BACKEND must be local, s3 or cloud (got 'gcs')",
  );
  expect(backendFromEnvironment({}, { type: 'cloud', organization: 'o' })).toEqual({
    type: 'cloud',
    organization: 'o',
  });
});

test('local backend state path is relative (no machine path in the JSON)', () => {
  const json = synthStack(new ControlPlaneStack(testApp(), 'control-plane'));
  expect(json.terraform?.backend).toEqual({ local: { path: '../../../terraform.control-plane.tfstate' } });
});

test('s3 backend: key per stack and use_lockfile; cloud backend: workspace per stack', () => {
  const s3 = synthStack(new SbtStack(testApp(), 'x', { backend: { type: 's3', bucket: 'state' } }));
  expect(s3.terraform?.backend).toEqual({
    s3: { bucket: 'state', key: 'sbt/x.tfstate', encrypt: true, use_lockfile: true },
  });
  const cloud = synthStack(new SbtStack(testApp(), 'y', { backend: { type: 'cloud', organization: 'acme' } }));
  expect(cloud.terraform?.cloud).toEqual({ organization: 'acme', workspaces: { name: 'sbt-y' } });
});

test('module mode: no backend, no default tags; required inputs have no default', () => {
  const stack = new SbtStack(testApp(), 'm', { mode: 'module' });
  const email = stack.stringInput('admin_email', { description: 'Admin e-mail' });
  expect(email).toContain('TfToken');
  const json = synthStack(stack);
  expect(json.terraform?.backend).toBeUndefined();
  expect(json.variable?.admin_email).toEqual({ type: 'string', description: 'Admin e-mail', nullable: false });
  expect(json.variable?.name_prefix).toMatchObject({ default: 'sbt', validation: [expect.anything()] });
  expect(() => stack.stringInput('BadName', { description: 'x' })).toThrow("input 'BadName' must be snake_case");
});

test('LambdaFunction: log group before function, own role, DLQ and async retry options, missing archive is a clear error', () => {
  const stack = new SbtStack(testApp(), 's');
  new LambdaFunction(stack, 'f', {
    archive: 'tenant-config-get',
    functionName: 'f',
    deadLetterTargetArn: 'arn:aws:sqs:us-east-1:1:dlq',
    maximumRetryAttempts: 1,
    reservedConcurrentExecutions: 5,
    environment: { A: 'b' },
  });
  const json = synthStack(stack);
  const fn = Object.values(resourcesOf(json, 'aws_lambda_function'))[0];
  expect(fn).toMatchObject({
    function_name: 'f',
    handler: 'index.handler',
    runtime: 'nodejs22.x',
    reserved_concurrent_executions: 5,
    dead_letter_config: { target_arn: 'arn:aws:sqs:us-east-1:1:dlq' },
    environment: { variables: { A: 'b' } },
    logging_config: { log_format: 'JSON' },
  });
  expect(String((fn.depends_on as string[])[0])).toMatch(/^aws_cloudwatch_log_group\./);
  expect(Object.values(resourcesOf(json, 'aws_cloudwatch_log_group'))[0]).toMatchObject({
    name: '/aws/lambda/f',
    retention_in_days: 30,
  });
  expect(Object.values(resourcesOf(json, 'aws_lambda_function_event_invoke_config'))[0]).toMatchObject({
    maximum_retry_attempts: 1,
  });
  const statements = Object.values(json.data?.aws_iam_policy_document ?? {}).flatMap(
    (d) => (d.statement as { actions: string[] }[]) ?? [],
  );
  expect(statements.flatMap((s) => s.actions)).toContain('sqs:SendMessage');
  expect(() => new LambdaFunction(stack, 'g', { archive: 'no-such-handler', functionName: 'g' })).toThrow(
    /run 'npm run bundle'/,
  );
});
