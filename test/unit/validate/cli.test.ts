import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');

/** A throwaway repository layout: modules/control-plane (generated JSON) + examples/hcl-pipeline (HCL). */
function fixture(mainTf: string, opts: { stack?: Record<string, unknown> } = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'sbt-validate-'));
  const mod = join(root, 'modules', 'control-plane');
  mkdirSync(mod, { recursive: true });
  writeFileSync(
    join(mod, 'main.tf.json'),
    JSON.stringify({
      terraform: { required_providers: { aws: { source: 'hashicorp/aws', version: '>= 6.0' } } },
      variable: { name_prefix: { type: 'string', description: 'Prefix.' } },
      resource: { aws_cloudwatch_event_bus: { bus: { name: '${var.name_prefix}-sbt-events' } } },
    }),
  );
  writeFileSync(
    join(mod, 'outputs.tf.json'),
    JSON.stringify({
      output: { event_bus_arn: { value: '${aws_cloudwatch_event_bus.bus.arn}', description: 'Bus ARN.' } },
    }),
  );
  const ex = join(root, 'examples', 'hcl-pipeline');
  mkdirSync(ex, { recursive: true });
  writeFileSync(join(ex, 'main.tf'), mainTf);
  if (opts.stack) {
    const s = join(root, 'cdktf.out', 'stacks', 'control-plane');
    mkdirSync(s, { recursive: true });
    writeFileSync(join(s, 'cdk.tf.json'), JSON.stringify(opts.stack));
  }
  return root;
}

const GOOD_TF = `
terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}

provider "aws" {
  region = "us-east-1"
}

variable "name_prefix" {
  type        = string
  description = "Prefix."
}

variable "subnets" {
  type        = list(string)
  description = "Subnets."
}

locals {
  upper = [for s in var.subnets : upper(s)]
}

module "control_plane" {
  source      = "../../modules/control-plane"
  name_prefix = var.name_prefix
}

resource "aws_sqs_queue" "q" {
  name = "\${var.name_prefix}-\${length(local.upper)}"
  tags = { bus = module.control_plane.event_bus_arn }
}

data "aws_iam_policy_document" "send" {
  statement {
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.q.arn]
  }
  dynamic "statement" {
    for_each = var.subnets
    content {
      actions   = ["sqs:GetQueueUrl"]
      resources = [statement.value]
    }
  }
}

output "queue_url" {
  value = aws_sqs_queue.q.url
}
`;

describe('npm run validate (CLI)', () => {
  const roots: string[] = [];
  afterAll(() => {
    for (const r of roots) rmSync(r, { recursive: true, force: true });
  });
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [join(ROOT, 'scripts', 'validate.mjs'), ...args], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, CDKTF_OUTDIR: '' },
    });

  test('--help explains; no cdktf.out exits 2 asking for a synth', () => {
    const help = run('--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/offline/i);
    const root = fixture(GOOD_TF);
    roots.push(root);
    const res = run('--root', root);
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(/run npm run synth first/);
  });

  test('an unknown option or --root without a directory exits 2 naming it (never validates another tree)', () => {
    const unknown = run('--roots', '/nowhere');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown option '--roots'/);
    expect(unknown.stdout).toBe('');
    const bare = run('--root');
    expect(bare.status).toBe(2);
    expect(bare.stderr).toMatch(/--root <value>' argument missing/);
  });

  test('clean tree exits 0; a finding prints file: path: message and exits 1', () => {
    const stack = {
      variable: { name_prefix: { type: 'string', description: 'p' } },
      resource: { aws_sqs_queue: { q: { name: '${var.name_prefix}-q' } } },
    };
    const root = fixture(GOOD_TF, { stack });
    roots.push(root);
    const ok = run(`--root=${root}`); // both spellings of an option's value (node:util parseArgs)
    expect(ok.stdout).toMatch(/validate: ok — 1 stack\(s\), 1 module\(s\), no findings/);
    expect(ok.status).toBe(0);

    const policy = { statement: [{ actions: ['sqs:SendMessages'], resources: ['*'] }] };
    writeFileSync(
      join(root, 'cdktf.out', 'stacks', 'control-plane', 'cdk.tf.json'),
      JSON.stringify({ ...stack, data: { aws_iam_policy_document: { p: policy } } }),
    );
    const bad = run('--root', root);
    expect(bad.stdout).toContain(
      "cdktf.out/stacks/control-plane/cdk.tf.json: data.aws_iam_policy_document.p.statement[0].actions[0]: unknown IAM action 'sqs:SendMessages'",
    );
    expect(bad.stdout).toMatch(/validate: 1 finding\(s\)/);
    expect(bad.status).toBe(1);
  });
});
