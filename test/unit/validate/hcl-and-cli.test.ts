import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateConfiguration } from '../../../src/core/validate';
import { loadHclDir, localModuleOutputs } from '../../../src/core/validate/load';

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
  writeFileSync(join(mod, 'outputs.tf.json'), JSON.stringify({ output: { event_bus_arn: { value: '${aws_cloudwatch_event_bus.bus.arn}', description: 'Bus ARN.' } } }));
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

describe('check 5: HCL examples (parsed with @cdktf/hcl2json)', () => {
  const roots: string[] = [];
  afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

  test('a correct HCL root module passes; module outputs are resolved against modules/<name>/', async () => {
    const root = fixture(GOOD_TF);
    roots.push(root);
    const dir = join(root, 'examples', 'hcl-pipeline');
    const files = await loadHclDir(dir, root);
    expect(files.map((f) => f.file)).toEqual(['examples/hcl-pipeline/main.tf']);
    expect(await validateConfiguration(files, { kind: 'hcl', moduleOutputs: localModuleOutputs(dir) })).toEqual([]);
  });

  test('a missing module output, variable or resource in HCL is a finding', async () => {
    const broken = GOOD_TF.replace('module.control_plane.event_bus_arn', 'module.control_plane.bus_arn')
      .replace('value = aws_sqs_queue.q.url', 'value = aws_sqs_queue.queue.url')
      .replace('length(local.upper)', 'length(var.subnet)')
      .replace('"sqs:SendMessage"', '"sqs:SendMessages"')
      .replace('"sqs:GetQueueUrl"', '"sqs:GetQueueURL2"');
    const root = fixture(broken);
    roots.push(root);
    const dir = join(root, 'examples', 'hcl-pipeline');
    const findings = await validateConfiguration(await loadHclDir(dir, root), { kind: 'hcl', moduleOutputs: localModuleOutputs(dir) });
    expect(findings.map((f) => `${f.file}: ${f.path}: ${f.message}`)).toEqual([
      "examples/hcl-pipeline/main.tf: data.aws_iam_policy_document.send[0].dynamic.statement[0].content[0].actions[0]: unknown IAM action 'sqs:GetQueueURL2'",
      "examples/hcl-pipeline/main.tf: data.aws_iam_policy_document.send[0].statement[0].actions[0]: unknown IAM action 'sqs:SendMessages'",
      "examples/hcl-pipeline/main.tf: output.queue_url[0].value: reference to undeclared resource 'aws_sqs_queue.queue'",
      "examples/hcl-pipeline/main.tf: resource.aws_sqs_queue.q[0].name: reference to undeclared variable 'var.subnet'",
      "examples/hcl-pipeline/main.tf: resource.aws_sqs_queue.q[0].tags.bus: module 'control_plane' (../../modules/control-plane) has no output 'bus_arn'",
    ]);
  });
});

describe('npm run validate (CLI)', () => {
  const roots: string[] = [];
  afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));
  const run = (...args: string[]) => spawnSync(process.execPath, [join(ROOT, 'scripts', 'validate.mjs'), ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CDKTF_OUTDIR: '' } });

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

  test('clean tree exits 0; a finding prints file: path: message and exits 1', () => {
    const stack = {
      variable: { name_prefix: { type: 'string', description: 'p' } },
      resource: { aws_sqs_queue: { q: { name: '${var.name_prefix}-q' } } },
    };
    const root = fixture(GOOD_TF, { stack });
    roots.push(root);
    const ok = run('--root', root);
    expect(ok.stdout).toMatch(/validate: ok — 1 stack\(s\), 1 module\(s\), 1 HCL dir\(s\), no findings/);
    expect(ok.status).toBe(0);

    writeFileSync(join(root, 'cdktf.out', 'stacks', 'control-plane', 'cdk.tf.json'), JSON.stringify({ ...stack, output: { o: { value: '${var.nope}' } } }));
    const bad = run('--root', root);
    expect(bad.stdout).toContain("cdktf.out/stacks/control-plane/cdk.tf.json: output.o.value: reference to undeclared variable 'var.nope'");
    expect(bad.stdout).toMatch(/validate: 1 finding\(s\)/);
    expect(bad.status).toBe(1);
  });
});
