import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApplicationPlaneStack } from '../../../src/application-plane/application-plane-stack';
import type { App } from '../../../src/core/cdktf';
import { ControlPlaneStack } from '../../../src/control-plane/control-plane-stack';
import { TerraformReferences } from '../../../local/step-functions';
import { expectOutputs, resourcesOf, synthStack, testApp, type StackJson } from '../../support/synth';

type Statement = {
  sid?: string;
  actions: string[];
  resources: string[];
  condition?: { test: string; variable: string; values: string[] }[];
};
const BUS = '${var.event_bus_arn}';
const CTX = 'arn:${data.aws_partition.sbt_context.partition}';
const REGION_ACCOUNT = '${data.aws_region.sbt_context.id}:${data.aws_caller_identity.sbt_context.account_id}';

const moduleJson = () => synthStack(new ApplicationPlaneStack(testApp(), 'application-plane', { mode: 'module' }));
const byName = (json: StackJson, type: string, name: string) => {
  const hits = Object.entries(resourcesOf(json, type)).filter(([id]) => id === name);
  expect(hits).toHaveLength(1);
  return hits[0];
};
const policyOf = (json: StackJson, name: string): Statement[] => {
  const docs = Object.entries(json.data?.aws_iam_policy_document ?? {}).filter(([id]) => id === name);
  expect(docs).toHaveLength(1);
  return docs[0][1].statement as Statement[];
};

describe('application-plane stack (module mode)', () => {
  const json = moduleJson();

  test('event_bus_arn is a required, validated input; rules for both requests are on that bus', () => {
    expect(json.variable?.event_bus_arn).toMatchObject({ type: 'string', nullable: false });
    expect(json.variable?.event_bus_arn).not.toHaveProperty('default');
    const rules = Object.values(resourcesOf(json, 'aws_cloudwatch_event_rule'));
    expect(rules.map((r) => [r.event_bus_name, JSON.parse(String(r.event_pattern))])).toEqual(
      expect.arrayContaining([
        // both SBT eras (≥ 0.9 and the seed's pre-0.9 names)
        [
          BUS,
          {
            source: ['sbt.control.plane', 'controlPlaneEventSource'],
            'detail-type': ['sbt_aws_onboardingRequest', 'onboardingRequest'],
          },
        ],
        [
          BUS,
          {
            source: ['sbt.control.plane', 'controlPlaneEventSource'],
            'detail-type': ['sbt_aws_offboardingRequest', 'offboardingRequest'],
          },
        ],
      ]),
    );
    expect(rules).toHaveLength(2);
  });

  test('each rule targets its job state machine through a role that may only start that machine', () => {
    const [ruleId] = Object.entries(resourcesOf(json, 'aws_cloudwatch_event_rule')).find(([, r]) =>
      String(r.event_pattern).includes('sbt_aws_onboardingRequest'),
    )!;
    const [smId] = byName(json, 'aws_sfn_state_machine', 'provisioning');
    const target = Object.values(resourcesOf(json, 'aws_cloudwatch_event_target')).find((t) =>
      String(t.rule).includes(ruleId),
    )!;
    expect(target.arn).toBe(`\${aws_sfn_state_machine.${smId}.arn}`);
    const roleId = /aws_iam_role\.([^.]+)\.arn/.exec(String(target.role_arn))![1];
    expect(resourcesOf(json, 'aws_iam_role')[roleId].name).toBe('${var.name_prefix}-provisioning-trigger');
    expect(policyOf(json, `${roleId}_role`)).toEqual([
      { actions: ['states:StartExecution'], effect: 'Allow', resources: [`\${aws_sfn_state_machine.${smId}.arn}`] },
    ]);
  });

  test('state machine role: this project, the .sync managed rule, PutEvents on the bus; "*" only for log delivery and X-Ray', () => {
    const [projectId] = byName(json, 'aws_codebuild_project', 'provisioning');
    const statements = policyOf(json, 'provisioning_state_machine_role');
    expect(statements).toEqual([
      expect.objectContaining({
        actions: ['codebuild:StartBuild', 'codebuild:StopBuild', 'codebuild:BatchGetBuilds'],
        resources: [`\${aws_codebuild_project.${projectId}.arn}`],
      }),
      expect.objectContaining({
        actions: ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'],
        resources: [`${CTX}:events:${REGION_ACCOUNT}:rule/StepFunctionsGetEventForCodeBuildStartBuildRule`],
      }),
      expect.objectContaining({ sid: 'LogDelivery', resources: ['*'] }),
      expect.objectContaining({ sid: 'XRay', resources: ['*'] }),
      expect.objectContaining({ actions: ['events:PutEvents'], resources: [BUS] }),
    ]);
    for (const s of statements.filter((x) => x.resources.includes('*'))) {
      for (const a of s.actions)
        expect(a).toMatch(
          /^(logs:(Create|Get|Update|Delete|List)LogDeliver(y|ies)|logs:(PutResourcePolicy|DescribeResourcePolicies|DescribeLogGroups)|xray:.+)$/,
        );
    }
  });

  test("build role: its log group, its key, and (root mode) the sample scripts' CloudFormation/S3 scoped to tenant stacks and buckets", () => {
    const rootJson = synthStack(
      new ApplicationPlaneStack(testApp(), 'application-plane', {
        eventBusArn: 'arn:aws:events:us-east-1:123456789012:event-bus/sbt',
      }),
    );
    const [logId] = byName(rootJson, 'aws_cloudwatch_log_group', 'provisioning_build_logs');
    const [keyId] = byName(rootJson, 'aws_kms_key', 'provisioning');
    // Module mode: only its log group and key; the caller's statements come as a second, counted policy.
    expect(policyOf(json, 'provisioning_build_role').map((st) => st.actions[0])).toEqual([
      'logs:CreateLogStream',
      'kms:Decrypt',
    ]);
    expect(resourcesOf(json, 'aws_iam_role_policy').provisioning_extra).toMatchObject({
      count: '${min(1, length(var.provisioning_iam_statements))}',
      role: '${aws_iam_role.provisioning_build.name}',
    });
    expect(policyOf(rootJson, 'provisioning_build_role')).toEqual([
      {
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        effect: 'Allow',
        resources: [`\${aws_cloudwatch_log_group.${logId}.arn}:*`],
      },
      {
        actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
        effect: 'Allow',
        resources: [`\${aws_kms_key.${keyId}.arn}`],
      },
      {
        actions: ['cloudformation:CreateStack', 'cloudformation:DescribeStacks'],
        effect: 'Allow',
        resources: [`${CTX}:cloudformation:${REGION_ACCOUNT}:stack/\${var.name_prefix}-tenant-*/*`],
      },
      { actions: ['s3:CreateBucket'], effect: 'Allow', resources: [`${CTX}:s3:::\${var.name_prefix}-tenant-*`] },
    ]);
    expect(
      policyOf(rootJson, 'deprovisioning_build_role')
        .slice(2)
        .flatMap((s) => s.actions),
    ).toEqual(['cloudformation:DeleteStack', 'cloudformation:DescribeStacks', 's3:DeleteBucket']);
  });

  test('roles trust only their service, for this account and this project / state machine (confused deputy)', () => {
    const trust = (prefix: string) => (policyOf(json, prefix)[0] as Statement & { principals: unknown }).condition;
    expect(trust('provisioning_build_role_trust')).toEqual([
      {
        test: 'StringEquals',
        variable: 'aws:SourceAccount',
        values: ['${data.aws_caller_identity.sbt_context.account_id}'],
      },
      {
        test: 'ArnLike',
        variable: 'aws:SourceArn',
        values: [`${CTX}:codebuild:${REGION_ACCOUNT}:project/\${var.name_prefix}-provisioning`],
      },
    ]);
    expect(trust('provisioning_state_machine_role_trust')).toEqual([
      {
        test: 'StringEquals',
        variable: 'aws:SourceAccount',
        values: ['${data.aws_caller_identity.sbt_context.account_id}'],
      },
      {
        test: 'ArnLike',
        variable: 'aws:SourceArn',
        values: [`${CTX}:states:${REGION_ACCOUNT}:stateMachine:\${var.name_prefix}-provisioning`],
      },
    ]);
  });

  test('logs: build and state-machine log groups with retention, encrypted with the job key; machine logs ALL', () => {
    const [keyId] = byName(json, 'aws_kms_key', 'provisioning');
    const [buildLogId, buildLogs] = byName(json, 'aws_cloudwatch_log_group', 'provisioning_build_logs');
    const [sfnLogId, sfnLogs] = byName(json, 'aws_cloudwatch_log_group', 'provisioning_state_machine_logs');
    expect(buildLogs).toEqual({
      name: '/aws/codebuild/${var.name_prefix}-provisioning',
      retention_in_days: 30,
      kms_key_id: `\${aws_kms_key.${keyId}.arn}`,
      tags: '${var.tags}',
    });
    expect(sfnLogs).toEqual({
      name: '/aws/vendedlogs/states/${var.name_prefix}-provisioning',
      retention_in_days: 30,
      tags: '${var.tags}',
      kms_key_id: `\${aws_kms_key.${keyId}.arn}`,
    });
    const [, project] = byName(json, 'aws_codebuild_project', 'provisioning');
    expect(project.logs_config).toEqual({
      cloudwatch_logs: { status: 'ENABLED', group_name: `\${aws_cloudwatch_log_group.${buildLogId}.name}` },
      s3_logs: { status: 'DISABLED' },
    });
    const [, sm] = byName(json, 'aws_sfn_state_machine', 'provisioning');
    expect(sm.logging_configuration).toEqual({
      include_execution_data: true,
      level: 'ALL',
      log_destination: `\${aws_cloudwatch_log_group.${sfnLogId}.arn}:*`,
    });
    expect(sm.tracing_configuration).toEqual({ enabled: true });
    expect(sm.type).toBe('STANDARD');
  });

  test("encryption: a rotated customer key per job, used by the project; logs may use it only for the job's log groups", () => {
    const [keyId, key] = byName(json, 'aws_kms_key', 'provisioning');
    expect(key.enable_key_rotation).toBe(true);
    const [, project] = byName(json, 'aws_codebuild_project', 'provisioning');
    expect(project.encryption_key).toBe(`\${aws_kms_key.${keyId}.arn}`);
    const logs = policyOf(json, 'provisioning_key_policy')[1];
    expect(logs.condition).toEqual([
      {
        test: 'ArnLike',
        variable: 'kms:EncryptionContext:aws:logs:arn',
        values: [
          `${CTX}:logs:${REGION_ACCOUNT}:log-group:/aws/codebuild/\${var.name_prefix}-provisioning`,
          `${CTX}:logs:${REGION_ACCOUNT}:log-group:/aws/vendedlogs/states/\${var.name_prefix}-provisioning`,
        ],
      },
    ]);
  });

  test('project (root mode, sample script): bash buildspec with the script, exported variables, static variables; Terraform escapes in place', () => {
    const rootJson = synthStack(
      new ApplicationPlaneStack(testApp(), 'application-plane', {
        eventBusArn: 'arn:aws:events:us-east-1:123456789012:event-bus/sbt',
      }),
    );
    const [, project] = byName(rootJson, 'aws_codebuild_project', 'provisioning');
    expect(rootJson.variable?.compute_type).toMatchObject({ default: 'BUILD_GENERAL1_SMALL' });
    expect(rootJson.variable?.build_image).toMatchObject({ default: 'aws/codebuild/amazonlinux2-x86_64-standard:5.0' });
    expect(project.environment).toMatchObject({
      compute_type: '${var.compute_type}',
      image: '${var.build_image}',
      type: 'LINUX_CONTAINER',
      privileged_mode: false, // opt-in (CKV_AWS_316): the scripts run CLIs, they build no images
      environment_variable: [{ name: 'TENANT_STACK_PREFIX', value: '${var.name_prefix}-tenant', type: 'PLAINTEXT' }],
    });
    expect(project.build_timeout).toBe(60);
    const source = project.source as { type: string; buildspec: string };
    expect(source.type).toBe('NO_SOURCE');
    // Raw: bash's ${…} is escaped for Terraform, so `terraform plan` passes it through untouched.
    expect(source.buildspec).toContain('STACK_NAME=\\"$${TENANT_STACK_PREFIX}-$${tenantId}\\"');
    expect(source.buildspec).not.toMatch(/[^$]\$\{(?!var\.)/);
    const buildspec = JSON.parse(new TerraformReferences(rootJson).render(source.buildspec));
    expect(buildspec.version).toBe('0.2');
    expect(buildspec.env).toEqual({
      shell: 'bash',
      'exported-variables': ['tenantS3Bucket', 'tenantConfig', 'tenantStatus', 'registrationStatus'],
    });
    expect(buildspec.phases.build.commands[0]).toContain('STACK_NAME="${TENANT_STACK_PREFIX}-${tenantId}"');
    expect(buildspec.phases.post_build.commands).toHaveLength(1);
  });

  test("outputs: each job's state machine and build project", () => {
    for (const job of ['provisioning', 'deprovisioning']) {
      expectOutputs(json, [`${job}_state_machine_arn`, `${job}_project_name`]);
    }
  });
});

describe('application-plane stack (root mode)', () => {
  test('a literal bus ARN becomes the default of event_bus_arn', () => {
    const arn = 'arn:aws:events:eu-west-1:111122223333:event-bus/sbt-sbt-events';
    const json = synthStack(new ApplicationPlaneStack(testApp(), 'application-plane', { eventBusArn: arn }));
    expect(json.variable?.event_bus_arn).toMatchObject({ default: arn });
  });

  test("the control plane's bus (another stack) is referenced directly, no variable", () => {
    const app = testApp();
    const controlPlane = new ControlPlaneStack(app, 'control-plane');
    new ApplicationPlaneStack(app as App, 'application-plane', { eventBusArn: controlPlane.eventManager.busArn });
    app.synth(); // cross-stack references are resolved by the app, not by one stack's synth
    const json = JSON.parse(
      readFileSync(join(app.outdir, 'stacks', 'application-plane', 'cdk.tf.json'), 'utf8'),
    ) as StackJson;
    expect(json.variable?.event_bus_arn).toBeUndefined();
    const rule = Object.values(resourcesOf(json, 'aws_cloudwatch_event_rule'))[0];
    expect(String(rule.event_bus_name)).toMatch(/^\$\{data\.terraform_remote_state\.[^}]+\}$/);
    expect(Object.keys(json.data?.terraform_remote_state ?? {})).toHaveLength(1);
  });

  test('root mode without a bus ARN is an error', () => {
    expect(() => synthStack(new ApplicationPlaneStack(testApp(), 'application-plane'))).toThrow(
      /root mode needs eventBusArn/,
    );
  });
});
