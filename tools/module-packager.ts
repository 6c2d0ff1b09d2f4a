/**
 * Turns a stack synthesized in module mode into a relocatable Terraform module (pure file logic, no cdktf):
 * - no `provider` blocks and no backend — only `terraform.required_providers` with version constraints
 *   (aliased providers the stack used become `configuration_aliases`, so callers pass them in);
 * - asset paths (`assets/<id>/<hash>/<file>`) become `${path.module}/assets/<id>/<file>` and the files are
 *   copied in; the content hash is dropped from the path so a code change only changes the zip;
 * - cdktf's `//` metadata is dropped; the rest is split into versions/variables/outputs/main `.tf.json`;
 * - README.md in the registry layout (usage, requirements, providers, resources, inputs, outputs) generated
 *   from the declarations;
 * - tests/: the module's `terraform test` files (authored in HCL in `testsDir`, written in JSON syntax like
 *   every generated file: `tests/<name>.tftest.json`) and the mock defaults they load
 *   (`tests/mocks/<provider config>/aws.tfmock.json`, generated: well-formed ARNs for every computed ARN
 *   attribute, valid policy JSON, a fixed account/region/partition).
 * Output is a pure function of the input: re-running changes nothing.
 */
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';

import { AWS_PROVIDER_CONSTRAINT, TERRAFORM_CONSTRAINT } from '../src/core/versions';
import { testFileToJson } from './terraform-test-json';

export { AWS_PROVIDER_CONSTRAINT, TERRAFORM_CONSTRAINT };

type Json = Record<string, unknown>;

export interface ModuleSpec {
  /** Module folder name, e.g. `control-plane`. */
  readonly name: string;
  /** One paragraph for the README. */
  readonly description: string;
  /** Folder with the synthesized `cdk.tf.json` (and `assets/`). */
  readonly stackDir: string;
  /** Destination, e.g. `modules/control-plane`. Replaced entirely. */
  readonly outDir: string;
  /** Folder of authored `*.tftest.hcl` files, converted to `tests/*.tftest.json`. @default none */
  readonly testsDir?: string;
  /** What the generated tests name their source relative to (the repository). @default the working directory */
  readonly testsRoot?: string;
  /** Resource type → computed ARN attributes, for the generated mocks (see mock-defaults.ts). @default no mocks */
  readonly arnAttributes?: Record<string, string[]>;
}

export interface PackagedModule {
  readonly files: Record<string, string>;
  /** relative destination → absolute source */
  readonly assets: Record<string, string>;
}

const ASSET_RE = /^assets\/([^/]+)\/[0-9A-F]{32}\/(.+)$/;

function stripMetadata(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripMetadata);
  if (v && typeof v === 'object') {
    const out: Json = {};
    for (const [k, val] of Object.entries(v as Json)) if (k !== '//') out[k] = stripMetadata(val);
    return out;
  }
  return v;
}

function relocate(v: unknown, assets: Map<string, string>): unknown {
  if (typeof v === 'string') {
    const m = ASSET_RE.exec(v);
    if (!m) return v;
    const rel = `assets/${m[1]}/${m[2]}`;
    assets.set(rel, v);
    return `\${path.module}/${rel}`;
  }
  if (Array.isArray(v)) return v.map((x) => relocate(x, assets));
  if (v && typeof v === 'object') {
    const out: Json = {};
    for (const [k, val] of Object.entries(v as Json)) out[k] = relocate(val, assets);
    return out;
  }
  return v;
}

/** Key-sorted, 2-space JSON with a trailing newline: stable bytes for stable input. */
export function stableJson(v: unknown): string {
  const sort = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(sort);
    if (x && typeof x === 'object') {
      return Object.fromEntries(
        Object.keys(x as Json)
          .sort()
          .map((k) => [k, sort((x as Json)[k])]),
      );
    }
    return x;
  };
  return `${JSON.stringify(sort(v), null, 2)}\n`;
}

function providerAliases(provider: unknown): string[] {
  const aws = (provider as Json | undefined)?.aws;
  const list = Array.isArray(aws) ? aws : aws ? [aws] : [];
  return list
    .map((p) => (p as Json).alias)
    .filter((a): a is string => typeof a === 'string')
    .map((a) => `aws.${a}`)
    .sort();
}

function hclValue(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(hclValue).join(', ')}]`;
  const entries = Object.entries(v as Json);
  return entries.length ? `{ ${entries.map(([k, x]) => `${JSON.stringify(k)} = ${hclValue(x)}`).join(', ')} }` : '{}';
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

const REGISTRY_DOCS = 'https://registry.terraform.io/providers/hashicorp/aws/latest/docs';

function readme(
  spec: ModuleSpec,
  variables: Json,
  outputs: Json,
  aliases: string[],
  main: Json,
  hasTests: boolean,
): string {
  const names = Object.keys(variables).sort();
  const required = names.filter((n) => !('default' in (variables[n] as Json)));
  const lines: string[] = [];
  lines.push(`# ${spec.name}`, '', spec.description, '');
  lines.push(
    '<!-- Generated by `npm run modules` from the cdktf stack. Do not edit: changes are overwritten and fail the drift test. -->',
    '',
  );
  lines.push(
    '## Usage',
    '',
    '```hcl',
    `module "${spec.name.replace(/-/g, '_')}" {`,
    `  source = "./modules/${spec.name}"`,
  );
  if (aliases.length) {
    lines.push('', '  providers = {', '    aws = aws');
    for (const a of aliases) lines.push(`    ${a} = ${a}`);
    lines.push('  }');
  }
  if (required.length) lines.push('');
  const width = Math.max(0, ...required.map((n) => n.length));
  for (const n of required) lines.push(`  ${n.padEnd(width)} = ${exampleFor(n, variables[n] as Json)}`);
  lines.push('}', '```', '');
  lines.push(
    'Resource addresses are stable role names (`aws_dynamodb_table.tenants`); a release that renames one ships a',
    '`moved` block, so `terraform plan` after an upgrade shows moves, not replacements (see CHANGELOG.md).',
    '',
  );
  if (hasTests) {
    lines.push(
      '`tests/` holds `terraform test` files that plan and apply this module against a mocked AWS provider',
      '(offline, no account): `terraform init -backend=false && terraform test` in this folder (terraform ≥ 1.11).',
      'Like the rest of the module they are generated, in JSON syntax (`*.tftest.json`, mocks in `*.tfmock.json`),',
      `from the HCL tests in the repository's \`src/module-tests/${spec.name}/\`.`,
      '',
    );
  }
  lines.push(
    '## Requirements',
    '',
    '| Name | Version |',
    '|---|---|',
    `| terraform | \`${TERRAFORM_CONSTRAINT}\` |`,
    `| aws | \`${AWS_PROVIDER_CONSTRAINT}\` |`,
    '',
  );
  lines.push('## Providers', '', '| Name | Version |', '|---|---|', `| aws | \`${AWS_PROVIDER_CONSTRAINT}\` |`);
  for (const a of aliases) lines.push(`| ${a} | \`${AWS_PROVIDER_CONSTRAINT}\` |`);
  lines.push('');
  if (aliases.length) {
    lines.push('Pass the aliased configurations in `providers`:', '');
    for (const a of aliases)
      lines.push(
        `- \`${a}\`${a.endsWith('us_east_1') ? ' — an `aws` provider configured for `us-east-1` (AWS Marketplace APIs and events live there)' : ''}`,
      );
    lines.push('');
  }
  lines.push('## Resources', '', '| Name | Type |', '|---|---|');
  for (const [kind, label, docs] of [
    ['resource', 'resource', 'resources'],
    ['data', 'data source', 'data-sources'],
  ] as const) {
    for (const [type, byName] of Object.entries((main[kind] ?? {}) as Record<string, Json>).sort(([a], [b]) =>
      a.localeCompare(b),
    )) {
      for (const name of Object.keys(byName).sort()) {
        lines.push(`| [${type}.${name}](${REGISTRY_DOCS}/${docs}/${type.replace(/^aws_/, '')}) | ${label} |`);
      }
    }
  }
  lines.push('', '## Inputs', '', '| Name | Description | Type | Default | Required |', '|---|---|---|---|:---:|');
  for (const n of names) {
    const v = variables[n] as Json;
    const hasDefault = 'default' in v;
    lines.push(
      `| \`${n}\` | ${cell(String(v.description ?? ''))} | \`${cell(String(v.type ?? 'any'))}\` | ${hasDefault ? `\`${cell(hclValue(v.default))}\`` : 'n/a'} | ${hasDefault ? 'no' : 'yes'} |`,
    );
  }
  lines.push('', '## Outputs', '', '| Name | Description |', '|---|---|');
  for (const n of Object.keys(outputs).sort()) {
    lines.push(`| \`${n}\` | ${cell(String((outputs[n] as Json).description ?? ''))} |`);
  }
  lines.push('');
  return lines.join('\n');
}

function exampleFor(name: string, v: Json): string {
  const t = String(v.type ?? 'string');
  if (/email$/.test(name)) return '"ops@example.com"';
  if (name === 'event_bus_arn') return 'module.control_plane.event_bus_arn';
  if (name.endsWith('_script')) return `file("\${path.module}/scripts/${name.replace(/_script$/, '')}.sh")`;
  if (t === 'number') return '0';
  if (t === 'bool') return 'true';
  if (t.startsWith('list')) return '[]';
  if (t.startsWith('map')) return '{}';
  return '"..."';
}

/** Region a provider configuration's mocks report: the default one, and `us-east-1` for an alias named so. */
const mockRegion = (config: string) => (config === 'us_east_1' ? 'us-east-1' : 'eu-west-1');
const MOCK_ACCOUNT = '123456789012';
/** A valid policy (JSON object with Version and Statement) for every `aws_iam_policy_document`. */
const MOCK_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: 'lambda.amazonaws.com' } }],
});

/** [service, region-less?, resource part] of the ARN of types whose ARN the provider checks closely. */
const ARN_SHAPES: Record<string, [string, boolean, string]> = {
  aws_apigatewayv2_api: ['apigateway', false, '/apis/mock'],
  aws_cloudfront_distribution: ['cloudfront', true, 'distribution/EMOCK'],
  aws_cloudwatch_event_bus: ['events', false, 'event-bus/mock'],
  aws_cloudwatch_event_rule: ['events', false, 'rule/mock'],
  aws_cloudwatch_log_group: ['logs', false, 'log-group:mock'],
  aws_cloudwatch_metric_alarm: ['cloudwatch', false, 'alarm:mock'],
  aws_codebuild_project: ['codebuild', false, 'project/mock'],
  aws_cognito_user_pool: ['cognito-idp', false, 'userpool/mock'],
  aws_dynamodb_table: ['dynamodb', false, 'table/mock'],
  aws_iam_role: ['iam', true, 'role/mock'],
  aws_kms_alias: ['kms', false, 'alias/mock'],
  aws_kms_key: ['kms', false, 'key/mock'],
  aws_lambda_function: ['lambda', false, 'function:mock'],
  aws_s3_bucket: ['s3', true, 'mock'],
  aws_secretsmanager_secret: ['secretsmanager', false, 'secret:mock'],
  aws_sfn_state_machine: ['states', false, 'stateMachine:mock'],
  aws_sns_topic: ['sns', false, 'mock'],
  aws_sqs_queue: ['sqs', false, 'mock'],
};

/** A well-formed ARN for `type.attr` (service-shaped for the types above; a generic one otherwise). */
function mockArn(type: string, attr: string, region: string): string {
  const [service, global, resource] = ARN_SHAPES[type] ?? [
    type.replace(/^aws_/, '').split('_')[0]!,
    false,
    `${type}/mock`,
  ];
  const arn = `arn:aws:${service}:${global ? '' : region}:${global && service === 's3' ? '' : MOCK_ACCOUNT}:${resource}`;
  if (attr === 'arn') return arn;
  if (attr === 'invoke_arn' || attr === 'qualified_invoke_arn')
    return `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/${arn}/invocations`;
  if (attr === 'execution_arn') return `arn:aws:execute-api:${region}:${MOCK_ACCOUNT}:mock`;
  if (attr === 'stream_arn') return `${arn}/stream/2024-01-01T00:00:00.000`;
  if (attr === 'qualified_arn') return `${arn}:1`;
  if (attr === 'target_key_arn') return `arn:aws:kms:${region}:${MOCK_ACCOUNT}:key/mock`;
  return `${arn}/${attr}`;
}

/**
 * `tests/mocks/<config>/aws.tfmock.json` for one provider configuration (`default` or an alias): JSON, the
 * syntax of generated Terraform files.
 */
export function renderMocks(config: string, arnAttributes: Record<string, string[]>): string {
  const region = mockRegion(config);
  const mockResource: Json = {};
  for (const [type, attrs] of Object.entries(arnAttributes).sort(([a], [b]) => a.localeCompare(b))) {
    if (attrs.length)
      mockResource[type] = { defaults: Object.fromEntries(attrs.map((a) => [a, mockArn(type, a, region)])) };
  }
  return `${JSON.stringify(
    {
      '//': [
        'Generated by `npm run modules` (tools/module-packager.ts): mock defaults for `terraform test`.',
        'hashicorp/aws validates ARN and policy arguments even when they come from mocks, so computed ARNs are',
        `well-formed (region ${region}, account ${MOCK_ACCOUNT}) and every policy document is valid JSON.`,
      ].join(' '),
      mock_data: {
        aws_iam_policy_document: { defaults: { json: MOCK_POLICY } },
        aws_caller_identity: {
          defaults: { account_id: MOCK_ACCOUNT, arn: `arn:aws:iam::${MOCK_ACCOUNT}:role/mock`, id: MOCK_ACCOUNT },
        },
        aws_region: { defaults: { id: region, name: region } },
        aws_partition: { defaults: { dns_suffix: 'amazonaws.com', id: 'aws', partition: 'aws' } },
      },
      ...(Object.keys(mockResource).length ? { mock_resource: mockResource } : {}),
    },
    null,
    2,
  )}\n`;
}

/**
 * Computes the module's files from a synthesized stack (no writes). Async: the authored test files are
 * converted by a WebAssembly HCL parser.
 */
export async function packageModule(spec: ModuleSpec): Promise<PackagedModule> {
  const raw = JSON.parse(readFileSync(join(spec.stackDir, 'cdk.tf.json'), 'utf8')) as Json;
  const aliases = providerAliases(raw.provider);
  const assetMap = new Map<string, string>();
  const stack = relocate(stripMetadata(raw), assetMap) as Json;
  const tf = (stack.terraform ?? {}) as Json;
  const requiredProviders = { ...((tf.required_providers ?? {}) as Json) };
  if ('aws' in requiredProviders || stack.resource || stack.data) {
    requiredProviders.aws = {
      source: 'hashicorp/aws',
      version: AWS_PROVIDER_CONSTRAINT,
      // Bare references: terraform rejects "${aws.x}" here ("A single static variable reference is required").
      ...(aliases.length ? { configuration_aliases: aliases } : {}),
    };
  }
  const variables = (stack.variable ?? {}) as Json;
  const outputs = (stack.output ?? {}) as Json;
  const main: Json = {};
  for (const key of ['locals', 'data', 'resource', 'module', 'moved', 'import', 'check']) {
    if (stack[key] !== undefined) main[key] = stack[key];
  }
  const files: Record<string, string> = {
    'versions.tf.json': stableJson({
      terraform: { required_version: TERRAFORM_CONSTRAINT, required_providers: requiredProviders },
    }),
    'main.tf.json': stableJson(main),
  };
  if (Object.keys(variables).length) files['variables.tf.json'] = stableJson({ variable: variables });
  if (Object.keys(outputs).length) files['outputs.tf.json'] = stableJson({ output: outputs });
  if (spec.arnAttributes) {
    for (const config of ['default', ...aliases.map((a) => a.replace(/^aws\./, ''))]) {
      files[`tests/mocks/${config}/aws.tfmock.json`] = renderMocks(config, spec.arnAttributes);
    }
  }
  if (spec.testsDir && existsSync(spec.testsDir)) {
    for (const f of readdirSync(spec.testsDir).sort()) {
      if (!f.endsWith('.tftest.hcl')) continue;
      const origin = relative(spec.testsRoot ?? process.cwd(), join(spec.testsDir, f));
      files[`tests/${f.replace(/\.hcl$/, '.json')}`] = await testFileToJson(
        origin,
        readFileSync(join(spec.testsDir, f), 'utf8'),
      );
    }
  }
  files['README.md'] = readme(
    spec,
    variables,
    outputs,
    aliases,
    main,
    Object.keys(files).some((f) => f.endsWith('.tftest.json')),
  );
  const assets: Record<string, string> = {};
  for (const [rel, src] of [...assetMap.entries()].sort()) assets[rel] = join(spec.stackDir, src);
  return { files, assets };
}

/** Writes the module, replacing the folder's previous content. */
export function writeModule(spec: ModuleSpec, pkg: PackagedModule): void {
  if (existsSync(spec.outDir)) rmSync(spec.outDir, { recursive: true, force: true });
  mkdirSync(spec.outDir, { recursive: true });
  for (const [name, content] of Object.entries(pkg.files)) {
    mkdirSync(dirname(join(spec.outDir, name)), { recursive: true });
    writeFileSync(join(spec.outDir, name), content);
  }
  for (const [rel, src] of Object.entries(pkg.assets)) {
    const dest = join(spec.outDir, rel);
    mkdirSync(dirname(dest), { recursive: true });
    copyFileSync(src, dest);
  }
}

/** Every file under `dir` (relative paths, sorted), for drift comparison. */
export function listFiles(dir: string, base = ''): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const p = join(dir, entry);
    const rel = base ? `${base}/${entry}` : entry;
    if (statSync(p).isDirectory()) out.push(...listFiles(p, rel));
    else out.push(rel);
  }
  return out;
}
