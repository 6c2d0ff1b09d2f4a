/**
 * Puts the recording `aws` CLI stand-in (local/bin/aws) on a PATH directory for script jobs. Jobs get only
 * their build environment, so a wrapper tells the stand-in where to log.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..').replace(/\/dist$/, '');

/** Creates `<dir>/bin/aws` and `<dir>/aws-calls.log`; put `bin` on the jobs' PATH. */
export function installAwsStandIn(dir: string): { bin: string; callLog: string } {
  const callLog = join(dir, 'aws-calls.log');
  writeFileSync(callLog, '');
  const bin = join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  writeFileSync(
    join(bin, 'aws'),
    `#!/usr/bin/env bash\nSBT_LOCAL_AWS_LOG='${callLog}' exec '${join(ROOT, 'local/bin/aws')}' "$@"\n`,
  );
  chmodSync(join(bin, 'aws'), 0o755);
  return { bin, callLog };
}
