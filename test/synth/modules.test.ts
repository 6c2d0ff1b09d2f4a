// Drift: modules/ must equal a fresh generation, and every module must be relocatable.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { drift } from '../../scripts/modules';
import { MODULE_NAMES, packagedModules } from '../support/packaged-modules';

const modules = packagedModules();

test('modules/ equals a fresh `npm run modules` (never hand-edited, never stale)', () => {
  expect(drift(modules())).toEqual([]);
});

test.each(MODULE_NAMES)('module %s is relocatable: no provider, no backend, no machine path', (name) => {
  const pkg = modules()[name]!;
  const all = Object.values(pkg.files).join('\n');
  const versions = JSON.parse(pkg.files['versions.tf.json']);
  expect(versions.terraform.required_providers.aws.source).toBe('hashicorp/aws');
  expect(versions.terraform.backend).toBeUndefined();
  for (const [file, content] of Object.entries(pkg.files)) {
    if (!file.endsWith('.tf.json')) continue;
    const json = JSON.parse(content);
    expect(json.provider).toBeUndefined();
  }
  expect(all).not.toMatch(/"\/(tmp|root|home|work|usr)\//);
  expect(all).not.toMatch(/"assets\//); // every asset path is ${path.module}-relative
  for (const rel of Object.keys(pkg.assets)) {
    expect(all).toContain(`\${path.module}/${rel}`);
  }
});

test.each(MODULE_NAMES)('module %s declares typed, described variables and described outputs', (name) => {
  const pkg = modules()[name]!;
  const vars = JSON.parse(pkg.files['variables.tf.json'] ?? '{"variable":{}}').variable;
  for (const [n, v] of Object.entries<Record<string, unknown>>(vars)) {
    expect([n, typeof v.type]).toEqual([n, 'string']);
    expect([n, String(v.description ?? '').length > 10]).toEqual([n, true]);
  }
  const outs = JSON.parse(pkg.files['outputs.tf.json'] ?? '{"output":{}}').output;
  for (const [n, o] of Object.entries<Record<string, unknown>>(outs)) {
    expect([n, String(o.description ?? '').length > 5]).toEqual([n, true]);
  }
  const readme = readFileSync(join(__dirname, '../../modules', name, 'README.md'), 'utf8');
  for (const n of Object.keys(vars)) expect(readme).toContain(`| \`${n}\` |`);
  for (const n of Object.keys(outs)) expect(readme).toContain(`| \`${n}\` |`);
});
