// The marketplace stack in module mode goes through the module packager: the us-east-1 alias becomes a
// configuration_alias, page files and handler zips are relocated under ${path.module}, no provider block remains.
import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App } from '../../../src/core/cdktf';
import { packageModule } from '../../../src/core/module-packager';
import { formatFinding, validateConfiguration } from '../../../src/core/validate';
import { MarketplaceStack } from '../../../src/marketplace/marketplace-stack';

test('module: configuration_aliases for aws.us_east_1, relocatable page assets, required inputs', () => {
  const out = mkdtempSync(join(tmpdir(), 'mp-module-'));
  try {
    const app = new App({ outdir: out });
    new MarketplaceStack(app, 'marketplace', { mode: 'module' });
    app.synth();
    const pkg = packageModule({ name: 'marketplace', description: 'AWS Marketplace SaaS integration', stackDir: join(out, 'stacks', 'marketplace'), outDir: join(out, 'module') });
    const all = Object.values(pkg.files).join('\n');
    expect(all).toMatch(/configuration_aliases/);
    expect(all).toMatch(/aws\.us_east_1/);
    expect(Object.keys(pkg.files).join(' ')).not.toMatch(/provider\.tf/);
    const relocated = Object.keys(pkg.assets);
    expect(relocated).toEqual(expect.arrayContaining([expect.stringMatching(/index\.html$/), expect.stringMatching(/app\.js$/), expect.stringMatching(/marketplace-register\.zip$/)]));
    expect(all).toMatch(/\$\{path\.module\}\/assets\/[^"]*index\.html/);
    expect(all).not.toMatch(/"assets\/[^"]*[0-9A-F]{32}/);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('offline validation (npm run validate rules): the stack and its module have no findings', async () => {
  const out = mkdtempSync(join(tmpdir(), 'mp-validate-'));
  try {
    const app = new App({ outdir: out });
    new MarketplaceStack(app, 'marketplace', { eventBusArn: 'arn:aws:events:us-east-1:1:event-bus/b', adminJwt: { issuer: 'https://i', audience: ['a'] }, notifications: { legacySns: true } });
    new MarketplaceStack(app, 'marketplace-module', { mode: 'module' });
    app.synth();
    const stackFile = join(out, 'stacks', 'marketplace', 'cdk.tf.json');
    const stackFindings = await validateConfiguration([{ file: stackFile, doc: JSON.parse(readFileSync(stackFile, 'utf8')) }], { kind: 'stack' });
    expect(stackFindings.map(formatFinding)).toEqual([]);
    const pkg = packageModule({ name: 'marketplace', description: 'd', stackDir: join(out, 'stacks', 'marketplace-module'), outDir: join(out, 'm') });
    const files = Object.entries(pkg.files).filter(([f]) => f.endsWith('.tf.json')).map(([file, text]) => ({ file, doc: JSON.parse(text) }));
    const moduleFindings = await validateConfiguration(files, { kind: 'module', machinePaths: [process.cwd()] });
    expect(moduleFindings.map(formatFinding)).toEqual([]);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
