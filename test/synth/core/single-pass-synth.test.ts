// The single-pass App (src/core/cdktf.ts) must write exactly what cdktf's own App writes: every file of
// the reference app, in root mode (cross-stack references, backends, assets) and in module mode, byte
// for byte, and the example app with its remote-state reference.
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { App, Aspects, CdktfApp, Fn, type IConstruct, Lazy, TerraformStack, Token } from '../../../src/core/cdktf';
import { buildReferenceApp } from '../../../src/reference-app';

function files(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const f of readdirSync(d))
      (statSync(join(d, f)).isDirectory() ? walk : (p: string) => out.push(relative(dir, p)))(join(d, f));
  };
  walk(dir);
  return out.sort();
}

function expectSameOutput(build: (app: CdktfApp) => void) {
  const parent = mkdtempSync(join(tmpdir(), 'sbt-single-pass-'));
  try {
    // same depth, so relative backend and asset paths compare equal
    const a = join(parent, 'cdktf');
    const b = join(parent, 'single');
    const reference = new CdktfApp({ outdir: a });
    build(reference);
    reference.synth();
    const ours = new App({ outdir: b });
    build(ours);
    ours.synth();
    // what the single pass patches on the stacks for the time of the synth is gone afterwards
    for (const stack of ours.node.findAll().filter(TerraformStack.isStack)) {
      expect(Object.getOwnPropertyNames(stack).filter((k) => k === 'toString' || k === 'prepareStack')).toEqual([]);
    }
    expect(files(b)).toEqual(files(a));
    expect(files(a).filter((f) => f.endsWith('cdk.tf.json')).length).toBeGreaterThan(0);
    for (const f of files(a))
      expect({ f, text: readFileSync(join(b, f), 'utf8') }).toEqual({ f, text: readFileSync(join(a, f), 'utf8') });
  } finally {
    rmSync(parent, { recursive: true, force: true });
  }
}

test('reference app, root mode (three stacks, cross-stack references): identical files', () => {
  expectSameOutput((app) => buildReferenceApp(app, 'root'));
});

test('reference app, module mode: identical files', () => {
  expectSameOutput((app) => buildReferenceApp(app, 'module'));
});

test('Aspects are applied once per node, as cdktf applies them, with the same result', () => {
  const visits: string[][] = [];
  expectSameOutput((app) => {
    const seen: string[] = [];
    visits.push(seen);
    const { controlPlane, applicationPlane } = buildReferenceApp(app, 'root');
    // not idempotent: applied twice, the description would carry two marks
    const mark = {
      visit: (node: IConstruct) => {
        seen.push(node.node.path);
        const r = node as unknown as { description?: string };
        if (typeof r.description === 'string') r.description = `${r.description} [aspect]`;
      },
    };
    Aspects.of(controlPlane).add(mark);
    Aspects.of(applicationPlane).add(mark);
  });
  const [cdktf, ours] = visits;
  expect(cdktf.length).toBeGreaterThan(100);
  expect([...ours].sort()).toEqual([...cdktf].sort());
  expect(new Set(ours).size).toBe(ours.length);
});

test('stack-level overrides (nested, deleting, token-valued, lazily undefined, token keys): identical files', () => {
  expectSameOutput((app) => {
    const { controlPlane, applicationPlane } = buildReferenceApp(app, 'root');
    // merged into resolved blocks and resolved in place by the single-pass App
    controlPlane.addOverride('terraform.required_version', Lazy.stringValue({ produce: () => '>= 1.6' }));
    controlPlane.addOverride('locals.bus_arn', controlPlane.eventManager.busArn);
    controlPlane.addOverride('locals.gone', Lazy.anyValue({ produce: () => undefined }));
    controlPlane.addOverride('locals.list', [Fn.upper('a'), 'b']);
    controlPlane.addOverride('//.metadata.backend', undefined);
    // a token as a key inside an override's value: only a whole-document resolution resolves it
    applicationPlane.addOverride('locals', {
      [Token.asString(Lazy.stringValue({ produce: () => 'computed_key' }))]: 1,
    });
  });
});
