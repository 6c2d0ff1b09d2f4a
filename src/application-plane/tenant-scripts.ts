/**
 * The reference application plane's scripts: SBT's tutorial provisioning script (one CloudFormation
 * stack with an S3 bucket per tenant, seed 000 "Application plane utilities"), adapted to
 * - fail when a command fails (`set -eo pipefail`; the tutorial ends in `echo done` and so reports
 *   success even when the stack was never created). A command substitution is assigned first and
 *   exported after: `export X=$(cmd)` has the status of `export` (0), so a failing `aws` or a missing
 *   `jq` inside it would pass unnoticed even under `set -e`; `X=$(cmd)` has the status of `cmd`,
 * - name the tenant stack from a static variable (`TENANT_STACK_PREFIX`, the install's name prefix), so
 *   the build role's permissions can be scoped to those stacks and buckets,
 * - export `tenantStatus`, `tenantConfig` (JSON) and `tenantS3Bucket` as tenant data and
 *   `registrationStatus` as registration data (SBT's integration-test convention: created / deleted).
 * The deprovisioning script is its mirror image.
 *
 * The scripts are shipped once, as the files in ./scripts/ (the HCL example reads the same files with
 * `file()`); here they are read as run: without the leading `#!` and comment lines, which are for the
 * reader of the file.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
/** The folder of the sample scripts, found from src/ or the compiled lib/src/ (and a bundle in dist/). */
function scriptsDir(): string {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    for (const candidate of [join(dir, 'scripts'), join(dir, 'src', 'application-plane', 'scripts')])
      if (existsSync(join(candidate, 'provisioning.sh'))) return candidate;
    dir = resolve(dir, '..');
  }
  throw new Error('sample tenant scripts (src/application-plane/scripts) not found');
}

const readScript = (name: string) => readFileSync(join(scriptsDir(), name), 'utf8').replace(/^(#[^\n]*\n)+/, '');

export const PROVISIONING_SCRIPT = readScript('provisioning.sh');

export const DEPROVISIONING_SCRIPT = readScript('deprovisioning.sh');
