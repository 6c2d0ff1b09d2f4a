// The marketplace stack in module mode goes through the module packager: the us-east-1 alias becomes a
// configuration_alias, page files and handler zips are relocated under ${path.module}, no provider block remains.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from '../../../src/core/cdktf';
import { packageModule } from '../../../tools/module-packager';
import { formatFinding, validateConfiguration } from '../../../tools/validate';
import { MarketplaceStack } from '../../../src/marketplace/marketplace-stack';

test('module: configuration_aliases for aws.us_east_1, relocatable page assets, required inputs', async () => {
  const out = mkdtempSync(join(tmpdir(), 'mp-module-'));
  try {
    const app = new App({ outdir: out });
    new MarketplaceStack(app, 'marketplace', { mode: 'module' });
    app.synth();
    const pkg = await packageModule({
      name: 'marketplace',
      description: 'AWS Marketplace SaaS integration',
      stackDir: join(out, 'stacks', 'marketplace'),
      outDir: join(out, 'module'),
    });
    // Parsed files, not substrings: the alias is a configuration_alias of the aws requirement; no file
    // declares a provider; every file path in the module is under ${path.module}/assets and exists as an asset.
    const tf = Object.fromEntries(
      Object.entries(pkg.files)
        .filter(([f]) => f.endsWith('.tf.json'))
        .map(([f, text]) => [f, JSON.parse(text)]),
    );
    expect(Object.keys(tf).sort()).toEqual([
      'main.tf.json',
      'outputs.tf.json',
      'variables.tf.json',
      'versions.tf.json',
    ]);
    expect(tf['versions.tf.json'].terraform.required_providers.aws).toMatchObject({
      source: 'hashicorp/aws',
      configuration_aliases: ['aws.us_east_1'],
    });
    for (const [file, doc] of Object.entries(tf)) expect([file, doc.provider]).toEqual([file, undefined]);
    const main = tf['main.tf.json'] as { resource: Record<string, Record<string, Record<string, unknown>>> };
    const pinned = Object.values(main.resource)
      .flatMap((rs) => Object.values(rs))
      .filter((r) => r.provider !== undefined);
    expect(pinned.length).toBeGreaterThan(0);
    expect(new Set(pinned.map((r) => r.provider))).toEqual(new Set(['aws.us_east_1']));
    const paths = [
      ...Object.values(main.resource.aws_s3_object ?? {})
        .filter((o) => o.source !== undefined)
        .map((o) => String(o.source)),
      ...Object.values(main.resource.aws_lambda_function).map((f) => String(f.filename)),
    ];
    expect(paths.length).toBeGreaterThan(3);
    for (const p of paths) {
      expect(p).toMatch(/^\$\{path\.module\}\/assets\//);
      expect(Object.keys(pkg.assets)).toContain(p.replace('${path.module}/', ''));
    }
    expect(paths.map((p) => p.split('/').pop())).toEqual(
      expect.arrayContaining(['index.html', 'app.js', 'marketplace-register.zip']),
    );
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('offline validation (npm run validate rules): the stack and its module have no findings', async () => {
  const out = mkdtempSync(join(tmpdir(), 'mp-validate-'));
  try {
    const app = new App({ outdir: out });
    new MarketplaceStack(app, 'marketplace', {
      eventBusArn: 'arn:aws:events:us-east-1:1:event-bus/b',
      adminJwt: { issuer: 'https://i', audience: ['a'] },
      notifications: { legacySns: true },
    });
    new MarketplaceStack(app, 'marketplace-module', { mode: 'module' });
    app.synth();
    const stackFile = join(out, 'stacks', 'marketplace', 'cdk.tf.json');
    const stackFindings = await validateConfiguration(
      [{ file: stackFile, doc: JSON.parse(readFileSync(stackFile, 'utf8')) }],
      { kind: 'stack' },
    );
    expect(stackFindings.map(formatFinding)).toEqual([]);
    const pkg = await packageModule({
      name: 'marketplace',
      description: 'd',
      stackDir: join(out, 'stacks', 'marketplace-module'),
      outDir: join(out, 'm'),
    });
    const files = Object.entries(pkg.files)
      .filter(([f]) => f.endsWith('.tf.json'))
      .map(([file, text]) => ({ file, doc: JSON.parse(text) }));
    const moduleFindings = await validateConfiguration(files, { kind: 'module', machinePaths: [process.cwd()] });
    expect(moduleFindings.map(formatFinding)).toEqual([]);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
