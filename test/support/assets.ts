// Support for the asset and hash-record tests: the build's hash record (scripts/lib/file-hashes.mjs is an ES
// module, so it runs in its own node process), a one-function synth, and an output folder's files.
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { App, TerraformStack } from '../../src/core/cdktf';
import { LambdaFunction } from '../../src/core/lambda-function';

const ROOT = join(__dirname, '../..');

/** `writeFileHashes(folder, names)` exactly as `npm run bundle` calls it. */
export function writeHashRecord(folder: string, names: string[]): void {
  const script = `import { writeFileHashes } from ${JSON.stringify(join(ROOT, 'scripts/lib/file-hashes.mjs'))};
writeFileHashes(${JSON.stringify(folder)}, ${JSON.stringify(names)});`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
}

/**
 * Synthesizes stack `stackId` holding one function from handler archive `archive` into `outdir`; its
 * `filename` and `source_code_hash`, and the stack's output folder.
 */
export function synthArchiveFunction(
  outdir: string,
  archive: string,
  stackId: string,
): { filename: string; hash: string; stackDir: string } {
  const app = new App({ outdir });
  const stack = new TerraformStack(app, stackId);
  new AwsProvider(stack, 'aws', { region: 'us-east-1' });
  new LambdaFunction(stack, 'fn', { archive, functionName: `${stackId}-test` });
  app.synth();
  const stackDir = join(outdir, 'stacks', stackId);
  const doc = JSON.parse(readFileSync(join(stackDir, 'cdk.tf.json'), 'utf8'));
  const fn = Object.values(doc.resource.aws_lambda_function as Record<string, Record<string, string>>)[0];
  return { filename: fn.filename, hash: fn.source_code_hash, stackDir };
}

/** Every file under `root`: relative path → bytes (base64). */
export function filesUnder(root: string): Record<string, string> {
  const all: Record<string, string> = {};
  const walk = (d: string) => {
    for (const f of readdirSync(d).sort()) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else all[relative(root, p)] = readFileSync(p).toString('base64');
    }
  };
  walk(root);
  return all;
}
