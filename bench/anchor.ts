/**
 * Same-run comparison with SBT-AWS (npm run bench -- --anchor). Both sides run in this process's run, as
 * interleaved pairs (the order alternates every pair), so machine load — this machine is shared and its load
 * swings by 10× within minutes — hits both alike; each ratio is median(ours) / median(SBT's) over the pairs.
 *
 * - SBT scope: our control plane + application plane (bench/synth-sbt-scope.ts, precompiled) against SBT's
 *   ControlPlane + CoreApplicationPlane with a provisioning and a deprovisioning job (bench/anchor/sbt-app.js),
 *   each a whole `node <app>` process;
 * - the CLIs: `npm run synth` with nothing stale (the whole reference app, what a developer types) against
 *   `cdk synth -q` run by the anchor's own aws-cdk CLI in bench/.anchor.
 *
 * The anchor's name and versions are read from what is installed, never written down here.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ANCHOR_DIR = join(__dirname, '..').replace(/\/dist$/, '') + '/bench/.anchor';

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function versionOf(pkg: string): string {
  return (
    JSON.parse(readFileSync(join(ANCHOR_DIR, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }
  ).version;
}

export function anchorInfo() {
  if (!existsSync(join(ANCHOR_DIR, 'node_modules/@cdklabs/sbt-aws/package.json'))) {
    throw new Error('the SBT-AWS anchor is not installed: run `npm run bench -- --anchor` (it installs bench/.anchor)');
  }
  return {
    name: '@cdklabs/sbt-aws',
    version: versionOf('@cdklabs/sbt-aws'),
    awsCdkLib: versionOf('aws-cdk-lib'),
    awsCdkCli: versionOf('aws-cdk'),
    label: `SBT-AWS (@cdklabs/sbt-aws ${versionOf('@cdklabs/sbt-aws')}, aws-cdk-lib ${versionOf('aws-cdk-lib')})`,
  };
}

type Side = {
  label: string;
  run: (out: string) => { status: number | null; stderr: string };
  count: (out: string) => number;
  outdir?: string;
};

function timed(side: Side, out: string): number {
  const t = process.hrtime.bigint();
  const r = side.run(out);
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0) throw new Error(`${side.label} failed (exit ${r.status}): ${r.stderr.slice(-2000)}`);
  return ms;
}

/** One side's figures: its median and minimum over the pairs, and every run (ms, rounded). */
function sideSummary(label: string, resources: number, runsMs: number[]) {
  return {
    label,
    resources,
    medianMs: Math.round(median(runsMs)),
    minMs: Math.round(Math.min(...runsMs)),
    runsMs: runsMs.map((x) => Math.round(x)),
  };
}

/** `pairs` interleaved runs of both sides, alternating which goes first; medians, ratio and resource counts. */
function interleave(ours: Side, theirs: Side, pairs: number, onProgress?: (i: number) => void) {
  const a: number[] = [];
  const b: number[] = [];
  let oursResources = 0;
  let theirResources = 0;
  for (let i = 0; i < pairs; i++) {
    const outA = ours.outdir ?? mkdtempSync(join(tmpdir(), 'sbt-bench-ours-'));
    const outB = theirs.outdir ?? mkdtempSync(join(tmpdir(), 'sbt-bench-sbt-'));
    try {
      if (i % 2 === 0) {
        a.push(timed(ours, outA));
        b.push(timed(theirs, outB));
      } else {
        b.push(timed(theirs, outB));
        a.push(timed(ours, outA));
      }
      oursResources = ours.count(outA);
      theirResources = theirs.count(outB);
    } finally {
      if (!ours.outdir) rmSync(outA, { recursive: true, force: true });
      if (!theirs.outdir) rmSync(outB, { recursive: true, force: true });
    }
    onProgress?.(i + 1);
  }
  return {
    pairs,
    ours: sideSummary(ours.label, oursResources, a),
    anchor: sideSummary(theirs.label, theirResources, b),
    ratio: +(median(a) / median(b)).toFixed(3),
  };
}

/** Resources in a cdktf output folder (every stack's cdk.tf.json). */
export function countTerraformResources(outdir: string): number {
  let n = 0;
  for (const s of readdirSync(join(outdir, 'stacks'))) {
    const json = JSON.parse(readFileSync(join(outdir, 'stacks', s, 'cdk.tf.json'), 'utf8')) as {
      resource?: Record<string, object>;
    };
    for (const byType of Object.values(json.resource ?? {})) n += Object.keys(byType).length;
  }
  return n;
}

/** Resources in a CDK cloud assembly (every *.template.json). */
export function countCloudFormationResources(outdir: string): number {
  let n = 0;
  for (const f of readdirSync(outdir).filter((x) => x.endsWith('.template.json'))) {
    n += Object.keys(
      (JSON.parse(readFileSync(join(outdir, f), 'utf8')) as { Resources?: object }).Resources ?? {},
    ).length;
  }
  return n;
}

const quietEnv = (extra: Record<string, string>) => ({
  ...process.env,
  ...extra,
  JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION: '1',
  JSII_DEPRECATED: 'quiet',
  CDK_DISABLE_VERSION_CHECK: '1',
  CI: '1',
});

/** Whole-process synth of SBT's scope, ours vs SBT's, interleaved. */
export function benchSbtScope(root: string, pairs: number, onProgress?: (i: number) => void) {
  const info = anchorInfo();
  const ours: Side = {
    label: 'ours: node dist/bench/synth-sbt-scope.js (control plane + application plane)',
    run: (out) =>
      spawnSync(process.execPath, [join(root, 'dist/bench/synth-sbt-scope.js')], {
        cwd: root,
        env: { ...process.env, CDKTF_OUTDIR: out },
        encoding: 'utf8',
      }),
    count: countTerraformResources,
  };
  const theirs: Side = {
    label: `${info.label}: node sbt-app.js (ControlPlane + CoreApplicationPlane)`,
    run: (out) =>
      spawnSync(process.execPath, [join(ANCHOR_DIR, 'sbt-app.js')], {
        cwd: ANCHOR_DIR,
        env: quietEnv({ CDK_OUTDIR: out }),
        encoding: 'utf8',
      }),
    count: countCloudFormationResources,
  };
  return { tool: info, ...interleave(ours, theirs, pairs, onProgress) };
}

/**
 * `npm run synth` vs the anchor's `cdk synth -q`, interleaved. With nothing stale `npm run synth` finds the
 * app, its inputs and outputs unchanged and does not re-run the app (scripts/lib/synth-cache.mjs);
 * `force` measures `npm run synth -- --force`, which always synthesizes, so both figures are on record.
 */
export function benchCli(root: string, pairs: number, onProgress?: (i: number) => void, force = false) {
  const info = anchorInfo();
  // Warm-up: the first `npm run synth` may bundle or compile; the measured runs find nothing stale.
  const warm = spawnSync('npm', ['run', 'synth'], { cwd: root, encoding: 'utf8' });
  if (warm.status !== 0) throw new Error(`npm run synth failed: ${warm.stderr}`);
  const ours: Side = {
    label: force
      ? 'ours: npm run synth -- --force (reference app, always synthesizes)'
      : 'ours: npm run synth (reference app, nothing stale)',
    run: () =>
      spawnSync('npm', ['run', 'synth', ...(force ? ['--', '--force'] : [])], {
        cwd: root,
        env: process.env,
        encoding: 'utf8',
      }),
    count: countTerraformResources,
    outdir: join(root, 'cdktf.out'),
  };
  const cdk = join(ANCHOR_DIR, 'node_modules/aws-cdk/bin/cdk');
  const theirs: Side = {
    label: `${info.label}: cdk synth -q (aws-cdk ${info.awsCdkCli})`,
    run: () =>
      spawnSync(process.execPath, [cdk, 'synth', '-q'], { cwd: ANCHOR_DIR, env: quietEnv({}), encoding: 'utf8' }),
    count: countCloudFormationResources,
    outdir: join(ANCHOR_DIR, 'cdk.out'),
  };
  return { tool: info, ...interleave(ours, theirs, pairs, onProgress) };
}
