/**
 * Every aws_lambda_function's `source_code_hash` is the base64 sha256 of ITS OWN zip (what Terraform's
 * filebase64sha256() gives for the file its `filename` names), so a code change redeploys exactly the
 * functions whose archive changed. Issue 16, survivor (b): "every function given the same
 * source_code_hash" — code changes would never redeploy — was let through by one regex on one function.
 * Hashes are recomputed here from the bytes in build/lambda, not taken from the construct.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { archivePath } from '../../../src/core/archives';
import { ControlPlaneStack } from '../../../src/control-plane/control-plane-stack';
import { MarketplaceStack } from '../../../src/marketplace/marketplace-stack';
import { resourcesOf, synthStack, testApp, type StackJson } from '../../support/synth';

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('base64');

const stacks: [string, () => StackJson][] = [
  ['control plane (billing + metering on)', () => synthStack(new ControlPlaneStack(testApp(), 'control-plane'))],
  [
    'marketplace',
    () =>
      synthStack(
        new MarketplaceStack(testApp(), 'marketplace', {
          eventBusArn: 'arn:aws:events:us-east-1:111111111111:event-bus/sbt',
          adminJwt: { issuer: 'https://issuer', audience: ['admin'] },
          notifications: { eventBridge: true, legacySns: true },
        }),
      ),
  ],
];

/** function logical name → { archive (from `filename`), source_code_hash }. */
function functionsOf(json: StackJson) {
  return Object.entries(resourcesOf(json, 'aws_lambda_function')).map(([logical, f]) => {
    const archive = /([a-z0-9-]+)\.zip$/.exec(String(f.filename))?.[1];
    if (!archive) throw new Error(`${logical}: filename ${String(f.filename)} does not name a handler zip`);
    return { logical, archive, hash: String(f.source_code_hash) };
  });
}

describe.each(stacks)('%s', (_name, synth) => {
  const fns = functionsOf(synth());

  test('has functions to check', () => {
    expect(fns.length).toBeGreaterThan(0);
  });

  test('survivor (b): each source_code_hash is the sha256 of the zip its filename names', () => {
    const wrong = fns
      .filter((f) => f.hash !== sha256(archivePath(f.archive)))
      .map((f) => `${f.logical} (${f.archive})`);
    expect(wrong).toEqual([]);
  });

  test('survivor (b): different zips have different hashes; one hash per archive', () => {
    const byArchive = new Map<string, Set<string>>();
    for (const f of fns) byArchive.set(f.archive, (byArchive.get(f.archive) ?? new Set()).add(f.hash));
    for (const [archive, hashes] of byArchive) expect([archive, hashes.size]).toEqual([archive, 1]);
    const hashes = [...byArchive.values()].map((s) => [...s][0]);
    expect(new Set(hashes).size).toBe(byArchive.size);
  });
});

test('the zips themselves differ (a per-function hash check is meaningful)', () => {
  const archives = [...new Set(stacks.flatMap(([, synth]) => functionsOf(synth()).map((f) => f.archive)))];
  expect(archives.length).toBeGreaterThan(5);
  const digests = archives.map((a) => sha256(archivePath(a)));
  expect(new Set(digests).size).toBe(archives.length);
});
