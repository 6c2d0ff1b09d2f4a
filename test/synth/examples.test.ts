// The examples stay true: the cdktf TypeScript example synthesizes and passes the offline validator (IAM
// action names). Both examples are validated and tested by real terraform in test/terraform.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateConfiguration } from '../../tools/validate';

test('examples/cdktf-typescript synthesizes two stacks that validate', async () => {
  const out = mkdtempSync(join(tmpdir(), 'sbt-example-'));
  try {
    process.env.CDKTF_OUTDIR = out;
    jest.isolateModules(() => {
      require('../../examples/cdktf-typescript/main');
    });
    const stacks = readdirSync(join(out, 'stacks')).sort();
    expect(stacks).toEqual(['acme-application-plane', 'acme-control-plane']);
    for (const s of stacks) {
      const doc = JSON.parse(readFileSync(join(out, 'stacks', s, 'cdk.tf.json'), 'utf8'));
      expect(await validateConfiguration([{ file: s, doc }], { kind: 'stack' })).toEqual([]);
    }
    const appPlane = JSON.parse(readFileSync(join(out, 'stacks', 'acme-application-plane', 'cdk.tf.json'), 'utf8'));
    expect(Object.keys(appPlane.resource.aws_sfn_state_machine)).toHaveLength(1);
    expect(appPlane.data.terraform_remote_state).toBeDefined(); // the bus ARN comes from the control plane's state
  } finally {
    delete process.env.CDKTF_OUTDIR;
    rmSync(out, { recursive: true, force: true });
  }
});
