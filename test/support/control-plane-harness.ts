/**
 * A synthesized control plane served from its own Terraform JSON (SynthHarness) on fresh DynamoDB Local
 * tables, its events on the test's EventBridge capture: the setup the system and contract tests share.
 */
import { LocalSystem } from '../../local/system';
import { SynthHarness } from '../../local/synth-harness';
import { createTablesFromSynth, uniquePrefix } from '../../local/tables';
import type { synthStack } from './synth';

/**
 * `name` prefixes the tables and names the bus; the user pool id is made from it. `references` adds
 * Terraform expressions the stack's variant needs resolved (e.g. a vendor adapter's variables).
 */
export async function controlPlaneHarness(
  json: ReturnType<typeof synthStack>,
  name: string,
  references: Record<string, string> = {},
): Promise<SynthHarness> {
  const tables = await createTablesFromSynth(json, uniquePrefix(name));
  return new SynthHarness(json, {
    tables,
    busName: `${name}-events`,
    matches: LocalSystem.matches,
    references: { 'aws_cognito_user_pool.*.id': `us-east-1_${name.replace(/[^A-Za-z0-9]/g, '')}`, ...references },
  });
}
