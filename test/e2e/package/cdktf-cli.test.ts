/**
 * `cdktf synth` through the real cdktf CLI (cdktf-cli 0.21.x, installed by the user: README "Using it"),
 * driven by this repository's cdktf.json, gives byte for byte the stacks and assets `npm run synth` gives.
 * The CLI is ~420 MB, so it is not a devDependency: the test looks for node_modules/.bin/cdktf, then
 * `cdktf` on PATH, and skips with one line when neither is there.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const ROOT = join(__dirname, '../../..');

function findCli(): { cmd: string; version: string } | string {
  for (const cmd of [join(ROOT, 'node_modules/.bin/cdktf'), 'cdktf']) {
    if (cmd.startsWith('/') && !existsSync(cmd)) continue;
    const r = spawnSync(cmd, ['--version'], { encoding: 'utf8', env: { ...process.env, CHECKPOINT_DISABLE: '1' } });
    if (r.status === 0) {
      const version = r.stdout.trim().split('\n').pop()!.trim();
      if (!version.startsWith('0.21.')) return `cdktf CLI ${version} found; this project pins 0.21.x`;
      return { cmd, version };
    }
  }
  return 'the cdktf CLI is not installed (npm install --global cdktf-cli@0.21.0, see README)';
}

function files(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const f of readdirSync(d)) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

test('cdktf synth (the CLI) gives the same stacks and assets as npm run synth', () => {
  const cli = findCli();
  if (typeof cli === 'string') {
    process.stderr.write(`skipped: cdktf synth through the CLI: ${cli}\n`);
    return;
  }
  // Both outputs at the same depth, so the relative local-backend paths in the stacks compare equal.
  const parent = mkdtempSync(join(tmpdir(), 'sbt-cdktf-cli-'));
  const viaCli = join(parent, 'cli');
  const viaNpm = join(parent, 'npm');
  try {
    const env = { ...process.env, CHECKPOINT_DISABLE: '1', CI: '1', FORCE_COLOR: '0' };
    const a = spawnSync(cli.cmd, ['synth', '--output', viaCli], {
      cwd: ROOT,
      env,
      encoding: 'utf8',
      maxBuffer: 32 << 20,
    });
    expect({ status: a.status, output: a.status === 0 ? '' : `${a.stdout}\n${a.stderr}`.slice(-3000) }).toEqual({
      status: 0,
      output: '',
    });
    const b = spawnSync('npm', ['run', 'synth'], {
      cwd: ROOT,
      env: { ...env, CDKTF_OUTDIR: viaNpm },
      encoding: 'utf8',
    });
    expect({ status: b.status, output: b.status === 0 ? '' : `${b.stdout}\n${b.stderr}`.slice(-3000) }).toEqual({
      status: 0,
      output: '',
    });

    const stacks = readdirSync(join(viaCli, 'stacks')).sort();
    expect(stacks).toEqual(['application-plane', 'control-plane', 'marketplace']);
    expect(readdirSync(join(viaNpm, 'stacks')).sort()).toEqual(stacks);
    expect(files(viaCli)).toEqual(files(viaNpm));
    for (const f of files(viaCli)) {
      expect({ file: f, same: readFileSync(join(viaCli, f)).equals(readFileSync(join(viaNpm, f))) }).toEqual({
        file: f,
        same: true,
      });
    }
  } finally {
    rmSync(parent, { recursive: true, force: true });
  }
}, 180_000);
