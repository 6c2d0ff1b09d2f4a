/**
 * Running the real terraform binary in tests, offline: a CLI config that installs hashicorp providers only
 * from the machine's filesystem mirror (found, never assumed), and a shared plugin cache so each provider
 * is unpacked once per run. `terraformOrSkipReason()` is what a test prints (one line) when it cannot run.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TerraformCli {
  /** Environment for spawnSync: TF_CLI_CONFIG_FILE pointing at our config, no input, no colours. */
  readonly env: NodeJS.ProcessEnv;
  /** The filesystem mirror in use (its folder holds registry.terraform.io/). */
  readonly mirror: string;
  /** hashicorp/aws versions the mirror holds. */
  readonly awsVersions: string[];
}

/** Folders holding registry.terraform.io/hashicorp/aws/<version>/: SBT_TF_PLUGIN_MIRROR, else a search. */
function findMirror(): string | undefined {
  const given = process.env.SBT_TF_PLUGIN_MIRROR;
  if (given) return existsSync(join(given, 'registry.terraform.io')) ? given : undefined;
  const r = spawnSync('find', ['/', '-maxdepth', '4', '-type', 'd', '-name', 'registry.terraform.io'], {
    encoding: 'utf8',
  });
  const found = (r.stdout ?? '')
    .split('\n')
    .filter((d) => d && existsSync(join(d, 'hashicorp', 'aws')))
    .map((d) => join(d, '..'))
    // a mirror installed on the machine before another run's plugin cache in a temp folder
    .sort((a, b) => Number(a.startsWith(tmpdir())) - Number(b.startsWith(tmpdir())) || a.localeCompare(b));
  return found[0];
}

let cached: TerraformCli | string | undefined;

/** The CLI set-up, or a one-line reason why terraform cannot run here. */
export function terraformCli(): TerraformCli | string {
  if (cached) return cached;
  const version = spawnSync('terraform', ['version', '-json'], {
    encoding: 'utf8',
    env: { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null' },
  });
  if (version.error || version.status !== 0) return (cached = 'terraform is not on PATH');
  const mirror = findMirror();
  if (!mirror)
    return (cached = 'no terraform provider mirror with hashicorp/aws (registry.terraform.io/ folder) on this machine');
  const awsVersions = readdirSync(join(mirror, 'registry.terraform.io', 'hashicorp', 'aws'));
  const dir = join(tmpdir(), `sbt-terraform-${process.getuid?.() ?? 0}`);
  const cache = join(dir, 'plugin-cache');
  mkdirSync(cache, { recursive: true });
  const config = join(dir, `cli-${process.pid}.tfrc`);
  writeFileSync(
    config,
    [
      'provider_installation {',
      `  filesystem_mirror {\n    path    = ${JSON.stringify(mirror)}\n    include = ["registry.terraform.io/hashicorp/*"]\n  }`,
      '  direct {\n    exclude = ["registry.terraform.io/hashicorp/*"]\n  }',
      '}',
      `plugin_cache_dir = ${JSON.stringify(cache)}`,
      '',
    ].join('\n'),
  );
  cached = {
    mirror,
    awsVersions,
    env: { ...process.env, TF_CLI_CONFIG_FILE: config, TF_IN_AUTOMATION: '1', TF_INPUT: '0', CHECKPOINT_DISABLE: '1' },
  };
  return cached;
}

/**
 * Why a configuration cannot be initialised from the mirror, or undefined when it can: a configuration that
 * pins hashicorp/aws to one exact version the mirror lacks cannot install offline.
 */
export function providerUnavailable(
  cli: TerraformCli,
  doc: { terraform?: { required_providers?: Record<string, { version?: string }> } },
): string | undefined {
  const pinned = doc.terraform?.required_providers?.aws?.version;
  if (pinned && /^\d+\.\d+\.\d+$/.test(pinned) && !cli.awsVersions.includes(pinned)) {
    return `the configuration pins hashicorp/aws ${pinned}; the offline mirror holds ${cli.awsVersions.join(', ')}`;
  }
  return undefined;
}

/** `terraform init -backend=false` then `terraform validate -json` in `dir`; the diagnostics as text. */
export function initAndValidate(cli: TerraformCli, dir: string): { ok: boolean; output: string } {
  const init = spawnSync('terraform', ['init', '-backend=false', '-input=false', '-no-color'], {
    cwd: dir,
    env: cli.env,
    encoding: 'utf8',
  });
  if (init.status !== 0)
    return { ok: false, output: `terraform init failed in ${dir}:\n${tail(init.stderr || init.stdout)}` };
  const validate = spawnSync('terraform', ['validate', '-json', '-no-color'], {
    cwd: dir,
    env: cli.env,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  let report: {
    valid?: boolean;
    diagnostics?: { severity: string; summary: string; detail?: string; range?: { filename: string } }[];
  };
  try {
    report = JSON.parse(validate.stdout);
  } catch {
    return { ok: false, output: `terraform validate printed no JSON in ${dir}:\n${tail(validate.stderr)}` };
  }
  // Terraform quotes the whole line of a .tf.json file in its diagnostics: summary and detail are enough.
  const errors = (report.diagnostics ?? []).filter((d) => d.severity === 'error');
  return {
    ok: report.valid === true && errors.length === 0,
    output: errors
      .map((d) => `${d.range?.filename ?? dir}: ${d.summary}${d.detail ? ` — ${d.detail.slice(0, 300)}` : ''}`)
      .join('\n'),
  };
}

function tail(text: string, lines = 25): string {
  return text.split('\n').slice(-lines).join('\n');
}
