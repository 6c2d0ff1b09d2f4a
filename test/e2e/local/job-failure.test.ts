// A provisioning job whose `aws` fails (the real-CLI path: `--real-aws` with a failing `aws` first on PATH)
// leaves the tenant PROVISION_FAILED, and the stored error carries the job's last log lines.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { call, onboardTenant, startLocal, type StartedLocal } from './start-local';

let rt: StartedLocal;
let bin: string;

beforeAll(async () => {
  bin = mkdtempSync(join(tmpdir(), 'sbt-failing-aws-'));
  // create-stack works, describe-stacks is refused: the failure is inside `$(aws … | jq …)`
  writeFileSync(
    join(bin, 'aws'),
    `#!/bin/bash
case "$2" in
  create-stack) echo '{"StackId":"arn:aws:cloudformation:us-east-1:000000000000:stack/x/1"}' ;;
  wait) ;;
  *) echo "An error occurred (AccessDenied) when calling the DescribeStacks operation: local test refuses $2" >&2; exit 254 ;;
esac
`,
  );
  chmodSync(join(bin, 'aws'), 0o755);
  rt = await startLocal(['--real-aws'], { ...process.env, PATH: `${bin}:${process.env.PATH}` });
}, 180000);

afterAll(async () => {
  await rt?.stop();
  rmSync(bin, { recursive: true, force: true });
});

test('a failing aws in the provisioning script: PROVISION_FAILED, with the last log lines in the stored error', async () => {
  const id = await onboardTenant(rt.info, { tenantName: 'failing-co', email: 'o@failing.example', tier: 'basic' });
  const t = (await call(rt.info, 'GET', `/tenants/${id}`)).body.data;
  expect(t.lifecycleState).toBe('PROVISION_FAILED');
  expect(t.tenantStatus).not.toBe('created');
  expect(t.lastError.error).toBe('States.TaskFailed');
  // The cause is the build description (clipped to 2 KB when stored); its Logs block comes first, so the
  // job's last lines survive the clipping.
  const cause = String(t.lastError.cause);
  expect(cause.startsWith('{"Id":"sbt-provisioning:')).toBe(true);
  expect(cause).toContain('"BuildStatus":"FAILED"');
  const tail = /"Tail":(\[[^\]]*\])/.exec(cause);
  expect(tail).not.toBeNull();
  const lines = JSON.parse(tail![1]!) as string[];
  expect(lines).toEqual(
    expect.arrayContaining([expect.stringContaining('local test refuses describe-stacks'), `tenantId: ${id}`]),
  );
  // streamed with its prefix as it ran
  expect(rt.output()).toContain(`[job sbt-provisioning tenant ${id}] An error occurred (AccessDenied)`);
  expect(rt.output()).toContain(`[job sbt-provisioning tenant ${id}] FAILED`);
});
