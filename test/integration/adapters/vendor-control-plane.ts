/**
 * The control plane every adapter suite runs: synthesized with its admin e-mail and the suite's providers
 * (a vendor adapter where the suite plugs one in), served from its Terraform JSON by controlPlaneHarness,
 * the vendor's secrets held by a loopback Secrets Manager.
 */
import type { Construct } from 'constructs';
import { ControlPlaneStack, type ControlPlaneStackProps } from '../../../src/control-plane/control-plane-stack';
import type { SbtStack } from '../../../src/core/sbt-stack';
import type { SynthHarness } from '../../../local/synth-harness';
import { controlPlaneHarness } from '../../support/control-plane-harness';
import { synthStack, testApp } from '../../support/synth';
import { SecretsManagerFake } from '../billing/secrets-fake';

export interface VendorControlPlane {
  json: ReturnType<typeof synthStack>;
  h: SynthHarness;
  secrets: SecretsManagerFake;
}

/**
 * `name` names the harness (tables, bus); `providers` are the stack's auth, billing and metering;
 * `secretsOf` the secret values (id → value) the vendor's handlers read; `references` further Terraform
 * expressions the harness resolves.
 */
export async function vendorControlPlane(
  name: string,
  providers: Pick<ControlPlaneStackProps, 'auth' | 'billing' | 'metering'>,
  secretsOf: (h: SynthHarness) => Record<string, string>,
  references?: Record<string, string>,
): Promise<VendorControlPlane> {
  const json = synthStack(
    new ControlPlaneStack(testApp(), 'control-plane', { systemAdminEmail: 'admin@example.com', ...providers }),
  );
  const h = await controlPlaneHarness(json, name, references);
  const secrets = await new SecretsManagerFake().start(secretsOf(h));
  return { json, h, secrets };
}

/** The name prefix of the stack a provider factory is called with (what an adapter's `namePrefix` takes). */
export const namePrefixOf = (scope: Construct): string => (scope as SbtStack).namePrefix;
