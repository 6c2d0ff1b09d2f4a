// The single-pass App (src/core/cdktf.ts) must write exactly what cdktf's own App writes: every file of
// the reference app, in root mode (cross-stack references, backends, assets) and in module mode, byte
// for byte, and the example app with its remote-state reference.
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'fs';
import { tmpdir } from 'os';
import { join, relative } from 'path';
import { App, Aspects, CdktfApp, type IConstruct } from '../../../src/core/cdktf';
import { buildReferenceApp } from '../../../src/reference-app';

function files(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const f of readdirSync(d)) (statSync(join(d, f)).isDirectory() ? walk : (p: string) => out.push(relative(dir, p)))(join(d, f));
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
    expect(files(b)).toEqual(files(a));
    expect(files(a).filter((f) => f.endsWith('cdk.tf.json')).length).toBeGreaterThan(0);
    for (const f of files(a)) expect({ f, text: readFileSync(join(b, f), 'utf8') }).toEqual({ f, text: readFileSync(join(a, f), 'utf8') });
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

test('with an Aspect in the tree it falls back to cdktf’s own synth (aspects may change elements after preparing)', () => {
  const visited: string[] = [];
  expectSameOutput((app) => {
    const { controlPlane } = buildReferenceApp(app, 'root');
    Aspects.of(controlPlane).add({ visit: (node: IConstruct) => void visited.push(node.node.path) });
  });
  expect(visited.length).toBeGreaterThan(0);
});
