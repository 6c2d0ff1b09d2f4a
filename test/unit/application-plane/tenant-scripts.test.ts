// The reference provisioning script fails when its commands fail: run in a real bash with stand-in `aws`
// (and, for one case, no `jq`) on PATH, it must exit non-zero before claiming tenantStatus=created.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEPROVISIONING_SCRIPT, PROVISIONING_SCRIPT } from '../../../src/application-plane/tenant-scripts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sbt-script-test-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A bin dir with `aws` answering like the CLI, failing for the sub-command `failOn`, plus the tools given. */
function bin(failOn: string | undefined, tools: string[]): string {
  const b = join(dir, 'bin');
  mkdirSync(b);
  writeFileSync(
    join(b, 'aws'),
    `#!/bin/bash
if [ "$2" = "${failOn ?? '-'}" ]; then echo "An error occurred (AccessDenied) when calling $2: not authorized" >&2; exit 254; fi
case "$2" in
  describe-stacks) echo '{"Stacks":[{"Outputs":[{"OutputKey":"S3Bucket","OutputValue":"bucket-1"}]}]}' ;;
esac
`,
  );
  chmodSync(join(b, 'aws'), 0o755);
  for (const t of tools) symlinkSync(`/usr/bin/${t}`, join(b, t));
  return b;
}

const TOOLS = ['cat', 'env', 'jq', 'bash'];

function run(script: string, path: string) {
  // What CodeBuild does: the command in bash, then the exported variables read back.
  const r = spawnSync(
    '/bin/bash',
    ['-c', `${script}\necho "EXPORTED tenantStatus=\${tenantStatus-} tenantConfig=\${tenantConfig-}"`],
    {
      cwd: dir,
      env: { PATH: path, tenantId: 't-1', tier: 'basic', TENANT_STACK_PREFIX: 'sbt-tenant' },
      encoding: 'utf8',
    },
  );
  return { status: r.status, out: r.stdout, err: r.stderr };
}

const haveTools = spawnSync('bash', ['-c', 'command -v jq']).status === 0;
const maybe = haveTools ? test : test.skip;
if (!haveTools) console.log('tenant-scripts test: jq not installed; skipped');

maybe('succeeds and exports the tenant data when every command succeeds', () => {
  const r = run(PROVISIONING_SCRIPT, bin(undefined, TOOLS));
  expect(r.status).toBe(0);
  expect(r.out).toContain('EXPORTED tenantStatus=created');
  expect(r.out).toContain('"s3Bucket": "bucket-1"');
});

maybe('fails when aws fails inside a command substitution (describe-stacks)', () => {
  const r = run(PROVISIONING_SCRIPT, bin('describe-stacks', TOOLS));
  expect(r.status).not.toBe(0);
  expect(r.out).not.toContain('tenantStatus=created');
  expect(r.err).toContain('AccessDenied');
});

maybe('fails when jq is missing', () => {
  const r = run(
    PROVISIONING_SCRIPT,
    bin(
      undefined,
      TOOLS.filter((t) => t !== 'jq'),
    ),
  );
  expect(r.status).not.toBe(0);
  expect(r.out).not.toContain('tenantStatus=created');
});

maybe('fails when create-stack fails', () => {
  const r = run(PROVISIONING_SCRIPT, bin('create-stack', TOOLS));
  expect(r.status).not.toBe(0);
});

maybe('deprovisioning fails when delete-stack fails', () => {
  const r = run(DEPROVISIONING_SCRIPT, bin('delete-stack', TOOLS));
  expect(r.status).not.toBe(0);
  expect(r.out).not.toContain('tenantStatus=deleted');
});

test('no command substitution is exported in the same statement (its failure would be hidden)', () => {
  for (const s of [PROVISIONING_SCRIPT, DEPROVISIONING_SCRIPT]) expect(s).not.toMatch(/export\s+\w+=\$\(/);
});
