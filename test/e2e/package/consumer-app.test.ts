/**
 * The package as a user gets it: `npm pack` (prepack builds lib/ and the handler archives), installed into a
 * fresh cdktf app in a temp folder outside the repository — offline, every package from the npm cache,
 * cdktf, constructs and the AWS provider bindings as the app's own dependencies satisfying our peers. The app
 * is examples/cdktf-typescript as shipped (a control plane plus an application plane with its own
 * provisioning ScriptJob), compiled with its own tsc and synthesized with node; terraform then inits and
 * validates both stacks.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initAndValidate, providerUnavailable, terraformCli } from '../../support/terraform-cli';

const ROOT = join(__dirname, '../../..');
const EXAMPLE = join(ROOT, 'examples/cdktf-typescript');
const rootPkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  license: string;
  engines: Record<string, string>;
  peerDependencies: Record<string, string>;
};

type LockEntry = Record<string, unknown> & {
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  bundleDependencies?: string[];
};

/**
 * The app's package-lock.json: every package at the version and integrity our own lockfile pins (so
 * `npm ci --offline` takes it from the cache `npm ci` filled), plus the packed tarball. An app installed
 * without a lockfile would need registry metadata, which the npm cache of an offline machine lacks.
 */
function lockFor(
  app: { name: string; dependencies: Record<string, string>; devDependencies: Record<string, string> },
  tarball: string,
) {
  const repo = (
    JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> }
  ).packages;
  const strip = ({ dev: _d, devOptional: _o, peer: _p, ...rest }: LockEntry) => rest;
  const packages: Record<string, unknown> = {
    '': { name: app.name, dependencies: app.dependencies, devDependencies: app.devDependencies },
  };
  const queue = Object.keys({ ...app.dependencies, ...app.devDependencies }).filter((n) => n !== rootPkg.name);
  const seen = new Set<string>();
  while (queue.length) {
    const name = queue.shift()!;
    if (seen.has(name)) continue;
    seen.add(name);
    const key = `node_modules/${name}`;
    const entry = repo[key];
    if (!entry) throw new Error(`${name} (needed by the example app) is not in our package-lock.json`);
    packages[key] = strip(entry);
    for (const k of Object.keys(repo)) if (k.startsWith(`${key}/node_modules/`)) packages[k] = strip(repo[k]);
    const bundled = new Set(entry.bundleDependencies ?? []);
    for (const dep of Object.keys({ ...entry.dependencies, ...entry.peerDependencies })) {
      if (!bundled.has(dep) && !entry.peerDependenciesMeta?.[dep]?.optional) queue.push(dep);
    }
  }
  packages[`node_modules/${rootPkg.name}`] = {
    version: rootPkg.version,
    resolved: `file:../${tarball}`,
    integrity: `sha512-${createHash('sha512')
      .update(readFileSync(join(work, tarball)))
      .digest('base64')}`,
    license: rootPkg.license,
    engines: rootPkg.engines,
    peerDependencies: rootPkg.peerDependencies,
  };
  return { name: app.name, lockfileVersion: 3, requires: true, packages };
}

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env) {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0)
    throw new Error(
      `${cmd} ${args.join(' ')} (in ${cwd}) exited ${r.status}:\n${r.stdout}\n${r.stderr}`.slice(0, 6000),
    );
  return r.stdout;
}

let work: string;
let appDir: string;
let packed: { filename: string; files: { path: string }[]; size: number };
let stacks: Record<
  string,
  {
    terraform?: Record<string, never>;
    resource?: Record<string, Record<string, Record<string, unknown>>>;
    data?: Record<string, unknown>;
  }
>;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'sbt-consumer-'));
  // npm pack runs prepack (scripts/build-package.mjs): lib/ compiled fresh, stale archives rebuilt.
  const out = run('npm', ['pack', '--json', '--pack-destination', work], ROOT);
  packed = (JSON.parse(out.slice(out.indexOf('[\n'))) as (typeof packed)[])[0]; // after prepack's own lines

  appDir = join(work, 'acme-app');
  mkdirSync(appDir);
  for (const f of ['main.ts', 'cdktf.json', 'tsconfig.json']) copyFileSync(join(EXAMPLE, f), join(appDir, f));
  const app = JSON.parse(readFileSync(join(EXAMPLE, 'package.json'), 'utf8'));
  app.dependencies[rootPkg.name] = `file:../${packed.filename}`;
  writeFileSync(join(appDir, 'package.json'), JSON.stringify(app, null, 2));
  writeFileSync(join(appDir, 'package-lock.json'), JSON.stringify(lockFor(app, packed.filename), null, 2));
  // Outside the repository, no network: only the npm cache. No install scripts are needed by any of them.
  run('npm', ['ci', '--offline', '--no-audit', '--no-fund', '--ignore-scripts'], appDir);

  run(process.execPath, [join(appDir, 'node_modules/typescript/bin/tsc'), '-p', '.'], appDir);
  const env: NodeJS.ProcessEnv = { ...process.env, CDKTF_OUTDIR: join(appDir, 'cdktf.out') };
  delete env.SBT_ARCHIVE_DIR; // the archives must come from the installed package
  run(process.execPath, [join(appDir, 'dist/main.js')], appDir, env);
  stacks = {};
  for (const s of readdirSync(join(appDir, 'cdktf.out/stacks'))) {
    stacks[s] = JSON.parse(readFileSync(join(appDir, 'cdktf.out/stacks', s, 'cdk.tf.json'), 'utf8'));
  }
}, 300_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

test('the tarball holds compiled JS, typings, the minified registration page and every handler zip; no sources, tests or local runtime', () => {
  const files = packed.files.map((f) => f.path);
  expect(files).toEqual(
    expect.arrayContaining(['package.json', 'README.md', 'lib/src/index.js', 'lib/src/index.d.ts']),
  );
  // The registration page as served: the minified build (npm run bundle), not the sources.
  expect(files.filter((f) => f.includes('registration-page/')).sort()).toEqual([
    'build/registration-page/app.js',
    'build/registration-page/index.html',
    'build/registration-page/style.css',
  ]);
  const manifest = JSON.parse(readFileSync(join(ROOT, 'build/lambda/manifest.json'), 'utf8')) as {
    archives: Record<string, unknown>;
  };
  const zips = files.filter((f) => f.startsWith('build/lambda/')).sort();
  expect(zips).toEqual(
    Object.keys(manifest.archives)
      .map((a) => `build/lambda/${a}.zip`)
      .sort(),
  );
  const stray = files.filter(
    (f) =>
      /^(src|test|local|lambda|scripts|bench|examples|modules|docs|dist)\//.test(f) ||
      (f.endsWith('.ts') && !f.endsWith('.d.ts')),
  );
  expect(stray).toEqual([]);
  // every compiled module has its typings
  for (const js of files.filter((f) => f.startsWith('lib/') && f.endsWith('.js'))) {
    expect(files).toContain(js.replace(/\.js$/, '.d.ts'));
  }
});

test('the installed registration page construct uploads the minified page the package ships', () => {
  const installed = join(appDir, 'node_modules', rootPkg.name);
  const page = require(join(installed, 'lib/src/marketplace/registration-web-page.js')) as {
    registrationPageDir: () => string;
  };
  expect(page.registrationPageDir()).toBe(join(installed, 'build/registration-page'));
  for (const f of ['index.html', 'app.js', 'style.css']) {
    const shipped = readFileSync(join(installed, 'build/registration-page', f));
    expect([f, shipped.equals(readFileSync(join(ROOT, 'build/registration-page', f)))]).toEqual([f, true]);
    const source = readFileSync(join(ROOT, 'src/marketplace/registration-page', f));
    expect([f, shipped.length < source.length]).toEqual([f, true]);
  }
});

test('every entry point of `exports` resolves from the app (the vendor adapters each on their own)', () => {
  const entries: Record<string, string> = {
    './amberflo': 'AmberfloMetering',
    './moesif': 'MoesifBilling',
    './descope': 'DescopeAuth',
    './sbt-compat': 'Stack',
  };
  const exported = Object.keys(
    JSON.parse(readFileSync(join(appDir, 'node_modules', rootPkg.name, 'package.json'), 'utf8')).exports,
  );
  expect(exported).toEqual(expect.arrayContaining(Object.keys(entries)));
  for (const [sub, name] of Object.entries(entries)) {
    const file = require.resolve(`${rootPkg.name}/${sub.slice(2)}`, { paths: [appDir] });
    expect(typeof (require(file) as Record<string, unknown>)[name]).toBe('function');
  }
});

test('the installed package resolves cdktf, constructs and the provider from the app (peers, one copy)', () => {
  const installed = join(appDir, 'node_modules', rootPkg.name);
  const pkg = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
  expect(Object.keys(pkg.peerDependencies).sort()).toEqual(['@cdktf/provider-aws', 'cdktf', 'constructs']);
  expect(pkg.dependencies ?? {}).toEqual({});
  expect(existsSync(join(installed, 'node_modules'))).toBe(false);
  // the public API does not hand out cdktf's App or TerraformStack
  const api = require(join(installed, 'lib/src/index.js')) as Record<string, unknown>;
  expect(api.App).toBeUndefined();
  expect(api.TerraformStack).toBeUndefined();
  expect(typeof api.ControlPlaneStack).toBe('function');
});

test('the fresh app synthesizes a control plane and an application plane with its own script job, archives from the package', () => {
  expect(Object.keys(stacks).sort()).toEqual(['acme-application-plane', 'acme-control-plane']);
  const ap = stacks['acme-application-plane'];
  expect(Object.keys(ap.resource?.aws_codebuild_project ?? {})).toHaveLength(1);
  const project = Object.values(ap.resource!.aws_codebuild_project)[0] as { source: { buildspec: string } };
  const buildspec = project.source.buildspec;
  expect(buildspec).toContain('tenantTemplateStack-'); // the app's own script, not a sample
  expect(Object.keys(ap.resource?.aws_sfn_state_machine ?? {})).toHaveLength(1);
  const cp = stacks['acme-control-plane'];
  const functions = Object.values(cp.resource?.aws_lambda_function ?? {});
  expect(functions.length).toBeGreaterThan(10);
  for (const fn of functions) {
    // cdktf copied each archive from node_modules/<package>/build/lambda into the stack's assets folder
    expect(existsSync(join(appDir, 'cdktf.out/stacks/acme-control-plane', String(fn.filename)))).toBe(true);
  }
});

test('terraform init and validate accept both synthesized stacks', () => {
  const cli = terraformCli();
  if (typeof cli === 'string') {
    process.stderr.write(`skipped: terraform validate of the consumer app: ${cli}\n`);
    return;
  }
  const unavailable = Object.entries(stacks)
    .map(([name, doc]) => [name, providerUnavailable(cli, doc)])
    .filter(([, why]) => why);
  if (unavailable.length) {
    process.stderr.write(
      `skipped: terraform validate of the consumer app: ${unavailable.map(([n, why]) => `${n}: ${why}`).join('; ')}\n`,
    );
    return;
  }
  for (const name of Object.keys(stacks)) {
    const result = initAndValidate(cli, join(appDir, 'cdktf.out/stacks', name));
    expect({ stack: name, errors: result.output }).toEqual({ stack: name, errors: '' });
    expect(result.ok).toBe(true);
  }
}, 240_000);
