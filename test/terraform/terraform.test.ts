/**
 * Real terraform over everything users run through terraform (offline: provider from the filesystem
 * mirror, mocked AWS in `terraform test`):
 *  - `terraform init -backend=false` + `terraform validate` of a small caller of every module, of both
 *    examples (examples/hcl-pipeline; examples/cdktf-typescript synthesized) and of every stack of the
 *    reference app synthesized in root mode (what `npm run synth` writes to cdktf.out/stacks);
 *  - a caller of modules/marketplace without the aws.us_east_1 alias must NOT validate;
 *  - `terraform test` of each module (its shipped tests/*.tftest.json, generated from src/module-tests/: every
 *    authored run runs and passes) and of the HCL example;
 *  - upgrade: per module, and for the application-plane stack as `cdktf deploy` writes it, a state applied
 *    with the 0.1.0 addresses (and no feature-switch counts) plans as moves with nothing destroyed.
 * All configurations run in one pool of two terraform processes (2 cores); one plugin cache is shared.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finalAddress, loadAddressHistory } from '../../src/core/address-history';
import { App } from '../../src/core/cdktf';
import { ApplicationPlaneStack } from '../../src/application-plane/application-plane-stack';
import { DEPROVISIONING_SCRIPT, PROVISIONING_SCRIPT } from '../../src/application-plane/tenant-scripts';
import { escapeTerraformTemplate } from '../../src/application-plane/terraform-template';
import { buildReferenceApp } from '../../src/reference-app';
import { parseTestFile, runOrder } from '../../tools/terraform-test-json';
import { pool, terraform, terraformSetup, type RunResult } from '../support/terraform';
import { needsTool } from '../support/tools';

const ROOT = join(__dirname, '../..');
const MODULES = ['application-plane', 'control-plane', 'marketplace'];
const tf = terraformSetup();
// No silent skip: one line when terraform or its mirror is missing; under CI=true the suite fails instead.
const maybe = needsTool(
  'terraform',
  tf.available ? 'terraform' : undefined,
  `terraform tests (${tf.available ? '' : tf.reason})`,
  'terraform ≥ 1.11 on PATH + the hashicorp/aws filesystem mirror',
).describe;

/** Required inputs of each module (also what the upgrade test's old and new runs get). */
const MODULE_VARS: Record<string, string> = {
  'application-plane': [
    'event_bus_arn         = "arn:aws:events:eu-west-1:123456789012:event-bus/acme-sbt-events"',
    'provisioning_script   = "echo provisioning"',
    'deprovisioning_script = "echo deprovisioning"',
  ].join('\n'),
  'control-plane': 'system_admin_email = "ops@example.com"',
  marketplace: [
    'product_code                 = "abc123example"',
    'seller_email                 = ""',
    'event_bus_arn                = "arn:aws:events:eu-west-1:123456789012:event-bus/acme-sbt-events"',
    'registration_required_fields = ["companyName"]',
    'admin_jwt_issuer             = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_example"',
    'admin_jwt_audience           = ["client-id"]',
    'tenant_table_name              = "acme-tenants"',
    'tenant_registration_table_name = "acme-tenant-registrations"',
  ].join('\n'),
};

const MARKETPLACE_PROVIDERS = `
provider "aws" {
  region = "eu-west-1"
}

provider "aws" {
  alias  = "us_east_1"
  region = "us-east-1"
}
`;

/** A root module calling every module with only its required inputs (each module validated through a caller). */
function writeCallers(dir: string, modulesDir: string, withAlias: boolean) {
  mkdirSync(dir, { recursive: true });
  const blocks = MODULES.map((m) => {
    const providers =
      m === 'marketplace' && withAlias
        ? '  providers = {\n    aws           = aws\n    aws.us_east_1 = aws.us_east_1\n  }\n'
        : '';
    return `module "${m.replace(/-/g, '_')}" {\n  source = "${modulesDir}/${m}"\n${providers}${MODULE_VARS[m]!.replace(/^/gm, '  ')}\n}\n`;
  });
  writeFileSync(join(dir, 'main.tf'), `${MARKETPLACE_PROVIDERS}\n${blocks.join('\n')}`);
}

/** A switch's count (`${var.enable_x ? 1 : 0}`, or an older count kept under it). */
const SWITCH_COUNT = /^\$\{(?:\(?var\.enable_[a-z_]+\)?(?: && )?)+ \? (?:1|\((.+)\)) : 0\}$/;

/**
 * 0.1.0 had no feature switches: `count` of switched elements removed (an older count restored), and the
 * references that came with them (`x[0].a`, `one(x[*].a)`) back to `x.a`. Mutates the parsed files.
 */
function unswitch(docs: Record<string, unknown>[]) {
  const switched: string[] = [];
  for (const doc of docs) {
    for (const [kind, prefix] of [
      ['resource', ''],
      ['data', 'data.'],
    ] as const) {
      for (const [type, byName] of Object.entries(
        (doc[kind] ?? {}) as Record<string, Record<string, Record<string, unknown>>>,
      )) {
        for (const [n, body] of Object.entries(byName)) {
          const m = typeof body.count === 'string' ? SWITCH_COUNT.exec(body.count) : null;
          if (!m) continue;
          if (m[1]) body.count = `\${${m[1]}}`;
          else {
            delete body.count;
            switched.push(`${prefix}${type}.${n}`);
          }
        }
      }
    }
  }
  const esc = (a: string) => a.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return (text: string) =>
    switched.reduce(
      (t, a) =>
        t
          .replace(new RegExp(`one\\(${esc(a)}\\[\\*\\]\\.([A-Za-z0-9_]+)\\)`, 'g'), `${a}.$1`)
          .split(`${a}[0].`)
          .join(`${a}.`),
      text,
    );
}

/**
 * The module (or stack) as 0.1.0 declared it, for the upgrade test: the current configuration with every
 * moved resource renamed back to its old address (references rewritten), no feature-switch counts, no
 * `moved` blocks, no backend. `tests/upgrade.tftest.hcl` applies it, then plans the current one on its state.
 */
function writeOldModule(moduleDir: string, name: string, opts: { vars?: string; mocks?: string; extra?: string } = {}) {
  const history = loadAddressHistory(name);
  const back = new Map<string, string>(); // new → old (direct moves into declared addresses)
  for (const [from, to] of Object.entries(history.moved)) back.set(to, from);
  const rename = (text: string) =>
    text.replace(/(?<![\w.-])(aws_[a-z0-9_]+)\.([A-Za-z0-9_-]+)/g, (ref, type: string, n: string) => {
      const old = back.get(`${type}.${n}`);
      return old ?? ref;
    });
  const old = join(moduleDir, 'old');
  mkdirSync(old);
  const files = readdirSync(moduleDir).filter((x) => x.endsWith('.tf.json'));
  const docs = files.map((f) => JSON.parse(readFileSync(join(moduleDir, f), 'utf8')) as Record<string, unknown>);
  const noSwitches = unswitch(docs);
  for (const [i, f] of files.entries()) {
    const doc = docs[i]!;
    delete doc.moved;
    delete (doc.terraform as { backend?: unknown } | undefined)?.backend;
    const resources = doc.resource as Record<string, Record<string, unknown>> | undefined;
    if (resources) {
      for (const [type, byName] of Object.entries(resources)) {
        resources[type] = Object.fromEntries(
          Object.entries(byName).map(([n, body]) => [
            (back.get(`${type}.${n}`) ?? `${type}.${n}`).split('.')[1]!,
            body,
          ]),
        );
      }
    }
    writeFileSync(join(old, f), rename(noSwitches(JSON.stringify(doc, null, 2))));
  }
  try {
    symlinkSync(join(moduleDir, 'assets'), join(old, 'assets'));
  } catch {
    /* no assets */
  }
  const aliasMock =
    name === 'marketplace'
      ? 'mock_provider "aws" {\n  alias  = "us_east_1"\n  source = "./tests/mocks/us_east_1"\n}\n'
      : '';
  mkdirSync(join(moduleDir, 'tests'), { recursive: true });
  writeFileSync(
    join(moduleDir, 'tests', 'upgrade.tftest.hcl'),
    `mock_provider "aws" {\n  source = "${opts.mocks ?? './tests/mocks/default'}"\n}\n${aliasMock}${opts.extra ?? ''}\nvariables {\n${opts.vars ?? MODULE_VARS[name]}\n}\n\n` +
      'run "release_0_1_0" {\n  state_key = "upgrade"\n  module {\n    source = "./old"\n  }\n}\n\n' +
      'run "upgrade" {\n  state_key = "upgrade"\n  command   = plan\n}\n',
  );
}

/**
 * `override_data` for the cross-stack inputs of a synthesized stack (a terraform_remote_state of the
 * control plane's local state, which a test has not got): each output it reads gets a well-formed value.
 */
function remoteStateOverrides(stackDir: string): string {
  const text = readFileSync(join(stackDir, 'cdk.tf.json'), 'utf8');
  const byState = new Map<string, Set<string>>();
  for (const m of text.matchAll(/data\.terraform_remote_state\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)/g)) {
    byState.set(m[1]!, (byState.get(m[1]!) ?? new Set()).add(m[2]!));
  }
  return [...byState]
    .map(([state, outputs]) => {
      const values = [...outputs].map(
        (o) =>
          `      ${JSON.stringify(o)} = ${/bus/i.test(o) ? '"arn:aws:events:eu-west-1:123456789012:event-bus/acme-sbt-events"' : '"mock"'}`,
      );
      return `\noverride_data {\n  target = data.terraform_remote_state.${state}\n  values = {\n    outputs = {\n${values.join('\n')}\n    }\n  }\n}\n`;
    })
    .join('');
}

/**
 * `tests/same_as_stack.tftest.hcl` in the application-plane module: with its default job inputs (and the
 * sample scripts), the definitions and buildspecs Terraform builds from the inputs decode to the same JSON as
 * the literal ones `cdktf deploy` ships (the root-mode stack, synthesized here with a literal bus ARN).
 */
function writeModuleEqualsStack(moduleDir: string, work: string) {
  const bus = 'arn:aws:events:eu-west-1:123456789012:event-bus/acme-sbt-events';
  const app = new App({ outdir: join(work, 'ap-literal') });
  new ApplicationPlaneStack(app, 'application-plane', { eventBusArn: bus });
  app.synth();
  const stack = JSON.parse(
    readFileSync(join(work, 'ap-literal', 'stacks', 'application-plane', 'cdk.tf.json'), 'utf8'),
  ) as {
    resource: Record<string, Record<string, { definition?: string; source?: { buildspec: string } }>>;
  };
  // A heredoc holds the JSON-syntax template as is: quotes and backslashes literal, ${} and $${ as in the file.
  const heredoc = (text: string) => `<<SBT_EOT\n${text}\nSBT_EOT\n`;
  const asserts = (['provisioning', 'deprovisioning'] as const).flatMap((job) => [
    `  assert {\n    condition = jsondecode(aws_sfn_state_machine.${job}.definition) == jsondecode(${heredoc(stack.resource.aws_sfn_state_machine![job]!.definition!)})\n    error_message = "the ${job} definition differs from the stack's"\n  }`,
    `  assert {\n    condition = jsondecode(aws_codebuild_project.${job}.source[0].buildspec) == jsondecode(${heredoc(stack.resource.aws_codebuild_project![job]!.source!.buildspec)})\n    error_message = "the ${job} buildspec differs from the stack's"\n  }`,
  ]);
  writeFileSync(
    join(moduleDir, 'tests', 'same_as_stack.tftest.hcl'),
    'mock_provider "aws" {\n  source = "./tests/mocks/default"\n}\n\nvariables {\n' +
      // (a heredoc ends in a newline, so the scripts' own last one is left to it)
      `  event_bus_arn = "${bus}"\n  provisioning_script = ${heredoc(escapeTerraformTemplate(PROVISIONING_SCRIPT.replace(/\n$/, '')))}  deprovisioning_script = ${heredoc(escapeTerraformTemplate(DEPROVISIONING_SCRIPT.replace(/\n$/, '')))}}\n\n` +
      `run "module_defaults_equal_the_stack" {\n  command = plan\n${asserts.join('\n')}\n}\n`,
  );
}

/**
 * Moves the upgrade plan must show: the history's moves into declared addresses, plus Terraform's own move
 * `x` → `x[0]` for each switched resource (count) whose address 0.1.0 already had (no history move into it).
 */
function expectedMoves(name: string, main: { resource?: Record<string, Record<string, { count?: unknown }>> }): number {
  const h = loadAddressHistory(name);
  const declared = new Set<string>();
  const switched: string[] = [];
  for (const [type, byName] of Object.entries(main.resource ?? {})) {
    for (const [n, body] of Object.entries(byName)) {
      declared.add(`${type}.${n}`);
      if (typeof body.count === 'string' && /^\$\{(?:\(?var\.enable_[a-z_]+\)?(?: && )?)+ \? 1 : 0\}$/.test(body.count))
        switched.push(`${type}.${n}`);
    }
  }
  const targets = new Set(Object.values(h.moved));
  return (
    Object.keys(h.moved).filter((from) => declared.has(finalAddress(h, from))).length +
    switched.filter((a) => !targets.has(a)).length
  );
}

/** The runs `terraform test` reports for one test file (`  run "x"... pass`), in order, with their status. */
function reportedRuns(stdout: string, file: string): string[] {
  const section = stdout.slice(stdout.indexOf(`${file}... in progress`), stdout.indexOf(`${file}... tearing down`));
  return [...section.matchAll(/^ {2}run "([^"]+)"\.\.\. (\w+)$/gm)].map((m) => `${m[1]}: ${m[2]}`);
}

/** Every run the authored HCL tests of a module declare (parsed by the packager's HCL parser), per generated file. */
async function authoredRuns(module: string): Promise<Record<string, string[]>> {
  const dir = join(ROOT, 'src', 'module-tests', module);
  const out: Record<string, string[]> = {};
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.tftest.hcl'))) {
    const source = readFileSync(join(dir, f), 'utf8');
    const doc = await parseTestFile(f, source);
    out[`tests/${f.replace(/\.hcl$/, '.json')}`] = runOrder(source, Object.keys((doc.run ?? {}) as object));
  }
  return out;
}

const times: Record<string, number> = {};
const show = (r: RunResult) => `${r.stdout}\n${r.stderr}`.slice(-4000);

maybe('real terraform', () => {
  let work: string;
  const jobs = new Map<string, Promise<RunResult>>();
  const validated = new Map<string, RunResult>();
  const run = pool(2);

  const validate = (label: string, dir: string) =>
    run(async () => {
      const init = await terraform(dir, ['init', '-backend=false', '-input=false'], tf.env);
      if (init.code !== 0) return init;
      const v = await terraform(dir, ['validate'], tf.env);
      times[`validate ${label}`] = init.ms + v.ms;
      return v;
    });
  /** init, optionally validate (its result is the job's when it fails), then `terraform test`. */
  const testIn = (label: string, dir: string, args: string[] = [], alsoValidate = false) =>
    run(async () => {
      const init = await terraform(dir, ['init', '-backend=false', '-input=false'], tf.env);
      if (init.code !== 0) return init;
      if (alsoValidate) {
        const v = await terraform(dir, ['validate'], tf.env);
        times[`validate ${label}`] = init.ms + v.ms;
        validated.set(label, v);
        if (v.code !== 0) return v;
      }
      const t = await terraform(dir, ['test', ...args], tf.env);
      times[`test ${label}`] = (alsoValidate ? 0 : init.ms) + t.ms;
      return t;
    });

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'sbt-tf-'));
    // Copies, so .terraform/ and lock files never land in the repository (modules/ is drift-checked).
    cpSync(join(ROOT, 'modules'), join(work, 'modules'), { recursive: true });
    cpSync(join(ROOT, 'examples', 'hcl-pipeline'), join(work, 'examples', 'hcl-pipeline'), { recursive: true });
    // The example reads the library's sample tenant scripts, as it reads the modules, from this repository.
    cpSync(join(ROOT, 'src', 'application-plane', 'scripts'), join(work, 'src', 'application-plane', 'scripts'), {
      recursive: true,
    });
    writeCallers(join(work, 'callers'), '../modules', true);
    writeCallers(join(work, 'no-alias'), '../modules', false);
    // The reference app's stacks (root mode) and the cdktf TypeScript example's stacks.
    const app = new App({ outdir: join(work, 'stacks') });
    buildReferenceApp(app, 'root');
    app.synth();
    process.env.CDKTF_OUTDIR = join(work, 'example-stacks');
    try {
      jest.isolateModules(() => {
        require('../../examples/cdktf-typescript/main');
      });
    } finally {
      delete process.env.CDKTF_OUTDIR;
    }
    // Longest first (measured), so the two lanes of the pool end together.
    for (const m of MODULES) writeOldModule(join(work, 'modules', m), m);
    writeModuleEqualsStack(join(work, 'modules', 'application-plane'), work);
    // The callers first: the first tests await them, and each test's timeout runs from its own start.
    jobs.set('validate callers', validate('module callers', join(work, 'callers')));
    jobs.set('validate no-alias', validate('marketplace caller without alias', join(work, 'no-alias')));
    jobs.set('test marketplace', testIn('marketplace', join(work, 'modules', 'marketplace'), ['-verbose']));
    jobs.set('test hcl-pipeline', testIn('examples/hcl-pipeline', join(work, 'examples', 'hcl-pipeline'), [], true));
    jobs.set('test control-plane', testIn('control-plane', join(work, 'modules', 'control-plane'), ['-verbose']));
    jobs.set(
      'test application-plane',
      testIn('application-plane', join(work, 'modules', 'application-plane'), ['-verbose']),
    );
    // The application-plane stack as `cdktf deploy` runs it: validate, then the same 0.1.0 upgrade run.
    const apStack = join(work, 'stacks', 'stacks', 'application-plane');
    cpSync(join(ROOT, 'modules', 'application-plane', 'tests', 'mocks'), join(apStack, 'mocks'), { recursive: true });
    writeOldModule(apStack, 'application-plane', {
      vars: '',
      mocks: './mocks/default',
      extra: remoteStateOverrides(apStack),
    });
    for (const s of readdirSync(join(work, 'stacks', 'stacks'))) {
      const dir = join(work, 'stacks', 'stacks', s);
      jobs.set(
        `validate stack ${s}`,
        dir === apStack ? testIn(`stack ${s}`, dir, ['-verbose'], true) : validate(`stack ${s}`, dir),
      );
    }
    for (const s of readdirSync(join(work, 'example-stacks', 'stacks'))) {
      jobs.set(
        `validate example ${s}`,
        validate(`examples/cdktf-typescript ${s}`, join(work, 'example-stacks', 'stacks', s)),
      );
    }
    // Settle everything so a failing test does not leave processes running into afterAll.
    for (const [k, p] of jobs)
      jobs.set(
        k,
        p.catch((e: Error) => ({ code: 1, stdout: '', stderr: e.message, ms: 0 })),
      );
  });

  afterAll(async () => {
    await Promise.all(jobs.values());
    rmSync(work, { recursive: true, force: true });
    const lines = Object.entries(times)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, ms]) => `  ${k}: ${(ms / 1000).toFixed(1)} s`);
    console.log(`terraform ${tf.version} (init + command, per configuration):\n${lines.join('\n')}`);
  });

  const T = 15 * 60 * 1000;

  test(
    'every module validates through a caller that passes only the required inputs',
    async () => {
      const r = await jobs.get('validate callers')!;
      expect([r.code, show(r)]).toEqual([0, expect.stringContaining('The configuration is valid')]);
    },
    T,
  );

  test(
    'a caller of modules/marketplace must pass the aws.us_east_1 provider',
    async () => {
      const r = await jobs.get('validate no-alias')!;
      expect(r.code).not.toBe(0);
      expect(show(r)).toMatch(/aws\.us_east_1/);
    },
    T,
  );

  test(
    'examples/hcl-pipeline validates',
    async () => {
      await jobs.get('test hcl-pipeline');
      const r = validated.get('examples/hcl-pipeline')!;
      expect([r.code, show(r)]).toEqual([0, expect.stringContaining('The configuration is valid')]);
    },
    T,
  );

  test(
    'every synthesized stack (reference app and cdktf TypeScript example) validates',
    async () => {
      const stacks = [...jobs.keys()].filter(
        (k) => k.startsWith('validate stack ') || k.startsWith('validate example '),
      );
      expect(stacks.length).toBe(5);
      for (const k of stacks) {
        const job = await jobs.get(k)!;
        // The application-plane stack's job validates, then runs its upgrade test: the validate result is kept.
        const r = validated.get(k.replace(/^validate /, '')) ?? job;
        expect([k, r.code, show(r)]).toEqual([k, 0, expect.stringContaining('The configuration is valid')]);
      }
    },
    T,
  );

  test(
    'examples/hcl-pipeline: terraform test plans and applies the composed modules',
    async () => {
      const r = await jobs.get('test hcl-pipeline')!;
      expect([r.code, show(r)]).toEqual([0, expect.stringMatching(/Success! \d+ passed, 0 failed/)]);
    },
    T,
  );

  test.each(MODULES)(
    'modules/%s: its terraform tests pass, and a 0.1.0 state upgrades by moves without destroying anything',
    async (m) => {
      const r = await jobs.get(`test ${m}`)!;
      const out = show(r);
      expect([r.code, out]).toEqual([0, expect.stringMatching(/Success! \d+ passed, 0 failed/)]);
      // The generated JSON tests run every run the authored HCL declares, in its order, and each passes.
      const authored = await authoredRuns(m);
      expect(Object.keys(authored).length).toBeGreaterThan(0);
      for (const [file, runs] of Object.entries(authored)) {
        expect(runs.length).toBeGreaterThan(0);
        expect([file, reportedRuns(r.stdout, file)]).toEqual([file, runs.map((n) => `${n}: pass`)]);
      }
      // The upgrade run's plan: every moved resource shows as a move; nothing is destroyed or replaced.
      const full = r.stdout;
      const upgrade = full.slice(full.indexOf('run "upgrade"'));
      const main = JSON.parse(readFileSync(join(ROOT, 'modules', m, 'main.tf.json'), 'utf8'));
      // `# a has moved to b` (no other change) or `# b will be updated in-place` + `(moved from a)`.
      const moves = upgrade.match(/# \S+ has moved to \S+|\(moved from \S+\)/g) ?? [];
      expect(moves.length).toBe(expectedMoves(m, main));
      const plan = /Plan: (\d+) to add, (\d+) to change, (\d+) to destroy/.exec(upgrade);
      expect(plan?.[3]).toBe('0');
      expect(upgrade).not.toMatch(/must be replaced|will be destroyed/);
    },
    T,
  );

  test(
    'the application-plane stack (cdktf deploy): a 0.1.0 state upgrades by moves without destroying anything',
    async () => {
      const r = await jobs.get('validate stack application-plane')!;
      const out = show(r);
      expect([r.code, out]).toEqual([0, expect.stringMatching(/Success! 2 passed, 0 failed/)]);
      const upgrade = r.stdout.slice(r.stdout.indexOf('run "upgrade"'));
      const main = JSON.parse(readFileSync(join(work, 'stacks', 'stacks', 'application-plane', 'cdk.tf.json'), 'utf8'));
      const moves = upgrade.match(/# \S+ has moved to \S+|\(moved from \S+\)/g) ?? [];
      expect(moves.length).toBe(expectedMoves('application-plane', main));
      expect(moves.length).toBeGreaterThan(0);
      expect(/Plan: (\d+) to add, (\d+) to change, (\d+) to destroy/.exec(upgrade)?.[3] ?? '0').toBe('0');
      expect(upgrade).not.toMatch(/must be replaced|will be destroyed/);
    },
    T,
  );
});
