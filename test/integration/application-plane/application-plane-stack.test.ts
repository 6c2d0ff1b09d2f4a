/**
 * The reference application plane's own jobs (SBT's tutorial scripts, adapted), synthesized as the
 * `application-plane` module and run locally: a fake `aws` CLI stands in for CloudFormation, `jq` is the
 * real one (as in the CodeBuild image).
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApplicationPlaneStack } from '../../../src/application-plane/application-plane-stack';
import { EventBridgeCapture } from '../../../local/eventbridge-capture';
import { LocalStepFunctions } from '../../../local/step-functions';
import { synthStack, testApp } from '../../support/synth';

const BUS_ARN = 'arn:aws:events:us-east-1:111122223333:event-bus/sbt-sbt-events';

const event = (detailType: string, detail: Record<string, unknown>) => ({
  version: '0',
  id: 'e-1',
  'detail-type': detailType,
  source: 'sbt.control.plane',
  account: '111122223333',
  time: '2026-11-24T22:00:00Z',
  region: 'us-east-1',
  resources: [],
  detail,
});

describe('application-plane module: provisioning and deprovisioning jobs', () => {
  const capture = new EventBridgeCapture();
  let bin: string;
  let calls: string;
  let local: LocalStepFunctions;

  beforeAll(async () => {
    await capture.start();
    bin = mkdtempSync(join(tmpdir(), 'fake-aws-'));
    calls = join(bin, 'calls.log');
    writeFileSync(calls, '');
    // A CloudFormation stand-in: records each call; a tenant called "fail-me" cannot be created.
    writeFileSync(
      join(bin, 'aws'),
      `#!/usr/bin/env bash
echo "$*" >> '${calls}'
name=""; prev=""
for a in "$@"; do [ "$prev" = "--stack-name" ] && name="$a"; prev="$a"; done
case "$1 $2" in
  "cloudformation create-stack")
    [ "$tenantId" = "fail-me" ] && { echo "An error occurred (AccessDenied) when calling the CreateStack operation" >&2; exit 254; }
    echo '{"StackId":"arn:aws:cloudformation:us-east-1:111122223333:stack/'"$name"'/1"}' ;;
  "cloudformation wait") ;;
  "cloudformation describe-stacks")
    echo '{"Stacks":[{"StackName":"'"$name"'","Outputs":[{"OutputKey":"S3Bucket","OutputValue":"'"$name"'-mybucket-1a2b3c"}]}]}' ;;
  "cloudformation delete-stack") ;;
  *) echo "fake aws: unexpected $*" >&2; exit 2 ;;
esac
`,
    );
    chmodSync(join(bin, 'aws'), 0o755);
    // Root mode: the sample tenant scripts (the module takes the caller's scripts as inputs).
    const json = synthStack(new ApplicationPlaneStack(testApp(), 'application-plane', { eventBusArn: BUS_ARN }));
    local = new LocalStepFunctions(json, { references: { 'var.event_bus_arn': BUS_ARN }, path: [bin] });
  });
  afterAll(async () => {
    await capture.stop();
    rmSync(bin, { recursive: true, force: true });
  });
  beforeEach(() => {
    capture.clear();
    writeFileSync(calls, '');
  });

  test('onboardingRequest → tenant stack created → provisionSuccess with tenantStatus, tenantConfig (JSON) and registrationStatus', async () => {
    const run = await local.stateMachine('sbt-provisioning').run(
      event('sbt_aws_onboardingRequest', {
        tenantId: 't-42',
        tenantRegistrationId: 'r-42',
        tier: 'premium',
        tenantName: 'acme',
      }),
    );

    expect(run.status).toBe('SUCCEEDED');
    expect(readFileSync(calls, 'utf8')).toBe(
      [
        'cloudformation create-stack --stack-name sbt-tenant-t-42 --template-body file://template.json',
        'cloudformation wait stack-create-complete --stack-name sbt-tenant-t-42',
        'cloudformation describe-stacks --stack-name sbt-tenant-t-42',
        '',
      ].join('\n'),
    );
    const tenantConfig =
      '{\n  "tenantId": "t-42",\n  "tier": "premium",\n  "s3Bucket": "sbt-tenant-t-42-mybucket-1a2b3c"\n}';
    expect(capture.events).toEqual([
      {
        EventBusName: BUS_ARN,
        Source: 'sbt.application.plane',
        DetailType: 'sbt_aws_provisionSuccess',
        Detail: JSON.stringify({
          tenantRegistrationId: 'r-42',
          jobOutput: {
            tenantData: { tenantS3Bucket: 'sbt-tenant-t-42-mybucket-1a2b3c', tenantConfig, tenantStatus: 'created' },
            tenantRegistrationData: { registrationStatus: 'created' },
          },
        }),
        detail: {
          tenantRegistrationId: 'r-42',
          jobOutput: {
            tenantData: { tenantS3Bucket: 'sbt-tenant-t-42-mybucket-1a2b3c', tenantConfig, tenantStatus: 'created' },
            tenantRegistrationData: { registrationStatus: 'created' },
          },
        },
      },
    ]);
    const detail = capture.events[0].detail as { jobOutput: { tenantData: { tenantConfig: string } } };
    expect(JSON.parse(detail.jobOutput.tenantData.tenantConfig)).toEqual({
      tenantId: 't-42',
      tier: 'premium',
      s3Bucket: 'sbt-tenant-t-42-mybucket-1a2b3c',
    });
  });

  test('a failing CloudFormation call fails the job (set -e), not a false "created"', async () => {
    const run = await local
      .stateMachine('sbt-provisioning')
      .run(event('sbt_aws_onboardingRequest', { tenantId: 'fail-me', tenantRegistrationId: 'r-9', tier: 'basic' }));

    expect(run.status).toBe('FAILED');
    expect(run.builds[0].log).toContain('AccessDenied');
    expect(capture.events.map((e) => [e.DetailType, e.detail])).toEqual([
      [
        'sbt_aws_provisionFailure',
        {
          tenantRegistrationId: 'r-9',
          jobOutput: { tenantStatus: 'Failed to provision tenant.' },
          error: 'States.TaskFailed',
          cause: expect.stringContaining('Reason: exit status 254'),
        },
      ],
    ]);
  });

  test('offboardingRequest → tenant stack deleted → deprovisionSuccess', async () => {
    const run = await local
      .stateMachine('sbt-deprovisioning')
      .run(
        event('sbt_aws_offboardingRequest', { tenantId: 't-42', tenantRegistrationId: 'r-42', sbtaws_active: false }),
      );

    expect(run.status).toBe('SUCCEEDED');
    expect(readFileSync(calls, 'utf8')).toBe(
      [
        'cloudformation delete-stack --stack-name sbt-tenant-t-42',
        'cloudformation wait stack-delete-complete --stack-name sbt-tenant-t-42',
        '',
      ].join('\n'),
    );
    expect(capture.events.map((e) => [e.EventBusName, e.Source, e.DetailType, e.detail])).toEqual([
      [
        BUS_ARN,
        'sbt.application.plane',
        'sbt_aws_deprovisionSuccess',
        {
          tenantRegistrationId: 'r-42',
          jobOutput: {
            tenantData: { tenantStatus: 'deleted' },
            tenantRegistrationData: { registrationStatus: 'deleted' },
          },
        },
      ],
    ]);
  });
});
