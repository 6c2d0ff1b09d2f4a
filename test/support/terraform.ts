/**
 * Real terraform for tests: finds the binary and an offline provider mirror, writes one CLI config
 * (filesystem_mirror, no registry) and shares one plugin cache across every configuration of the run.
 * When terraform or the mirror is absent, `terraformSetup()` says why and the tests skip.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TerraformSetup {
  readonly available: boolean;
  /** Why the tests skip (when not available). */
  readonly reason: string;
  readonly env: NodeJS.ProcessEnv;
  readonly version: string;
}

/** Directories holding `registry.terraform.io/` (an unpacked filesystem mirror), searched 4 levels deep. */
function findMirror(): string | undefined {
  if (process.env.SBT_TF_PLUGIN_MIRROR && existsSync(join(process.env.SBT_TF_PLUGIN_MIRROR, 'registry.terraform.io'))) {
    return process.env.SBT_TF_PLUGIN_MIRROR;
  }
  const roots = ['/opt', '/usr/local/share', '/usr/share', '/var/lib', process.env.HOME ?? ''].filter(Boolean);
  const visit = (dir: string, depth: number): string | undefined => {
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch {
      return undefined;
    }
    if (entries.includes('registry.terraform.io')) {
      const aws = join(dir, 'registry.terraform.io', 'hashicorp', 'aws');
      if (existsSync(aws)) return dir;
    }
    if (depth === 0) return undefined;
    for (const e of entries) {
      if (e.startsWith('.') || e === 'node_modules') continue;
      const p = join(dir, e);
      try {
        if (!statSync(p).isDirectory()) continue;
      } catch {
        continue;
      }
      const hit = visit(p, depth - 1);
      if (hit) return hit;
    }
    return undefined;
  };
  for (const r of roots) {
    const hit = visit(r, 3);
    if (hit) return hit;
  }
  return undefined;
}

let cached: TerraformSetup | undefined;

export function terraformSetup(): TerraformSetup {
  if (cached) return cached;
  const v = spawnSync('terraform', ['version'], {
    encoding: 'utf8',
    env: { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null' },
  });
  if (v.error || v.status !== 0)
    return (cached = { available: false, reason: 'terraform is not on PATH', env: {}, version: '' });
  const version = /Terraform v(\S+)/.exec(v.stdout)?.[1] ?? 'unknown';
  const mirror = findMirror();
  if (!mirror) {
    return (cached = {
      available: false,
      reason: 'no offline provider mirror (registry.terraform.io/hashicorp/aws) found',
      env: {},
      version,
    });
  }
  const dir = join(tmpdir(), `sbt-terraform-${process.getuid?.() ?? 0}`);
  const cache = join(dir, 'plugin-cache');
  mkdirSync(cache, { recursive: true });
  const cli = join(dir, 'cli.tfrc');
  writeFileSync(
    cli,
    [
      `plugin_cache_dir = ${JSON.stringify(cache)}`,
      'disable_checkpoint = true',
      'provider_installation {',
      `  filesystem_mirror {`,
      `    path = ${JSON.stringify(mirror)}`,
      '  }',
      '}',
      '',
    ].join('\n'),
  );
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TF_CLI_CONFIG_FILE: cli,
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
    CHECKPOINT_DISABLE: '1',
    // No real AWS: anything that would reach it fails fast instead of waiting on the network.
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  delete env.TF_LOG;
  return (cached = { available: true, reason: '', env, version });
}

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** Runs terraform in `cwd` (async, so several configurations run side by side). */
export function terraform(cwd: string, args: string[], env: NodeJS.ProcessEnv): Promise<RunResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const p = spawn('terraform', [...args, '-no-color'], { cwd, env });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('error', reject);
    p.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr, ms: Date.now() - started }));
  });
}

/** A pool running at most `size` jobs at once (2 cores: two terraform processes side by side). */
export function pool(size: number) {
  let running = 0;
  const queue: (() => void)[] = [];
  return async function run<T>(job: () => Promise<T>): Promise<T> {
    if (running >= size) await new Promise<void>((r) => queue.push(r));
    running++;
    try {
      return await job();
    } finally {
      running--;
      queue.shift()?.();
    }
  };
}
