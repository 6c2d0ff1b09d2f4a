/**
 * The validator over the real reference stack, synthesized in-process (archives come from
 * `node scripts/bundle.mjs`, which `npm test` runs when stale). Expect zero findings.
 */
import { ControlPlaneStack } from '../../../src/control-plane/control-plane-stack';
import { Testing } from '../../../src/core/cdktf';
import { formatFinding, validateConfiguration, type TfDoc } from '../../../tools/validate';

test('the synthesized control-plane stack validates with zero findings', async () => {
  const doc = JSON.parse(Testing.synth(new ControlPlaneStack(Testing.app(), 'control-plane'))) as TfDoc;
  const started = performance.now();
  const findings = await validateConfiguration([{ file: 'control-plane/cdk.tf.json', doc }], { kind: 'stack' });
  const ms = performance.now() - started;
  const resources = Object.values((doc.resource ?? {}) as Record<string, object>).reduce(
    (n, byName) => n + Object.keys(byName).length,
    0,
  );
  // Reported, not asserted (no timed assertions): cold includes loading the IAM catalogue files.
  console.log(`validated control-plane (${resources} resources) in ${ms.toFixed(1)} ms`);
  expect(findings.map(formatFinding)).toEqual([]);
});
