/**
 * Creates DynamoDB Local tables from the `aws_dynamodb_table` blocks a stack synthesized, so integration
 * tests run against the schema Terraform would deploy (keys, GSIs, TTL), not a hand-copied one.
 * Each call gets a unique name prefix, so test files sharing the one engine never see each other's data.
 */
import {
  CreateTableCommand,
  DynamoDBClient,
  UpdateTimeToLiveCommand,
  type AttributeDefinition,
  type CreateTableCommandInput,
} from '@aws-sdk/client-dynamodb';
import { randomBytes } from 'node:crypto';

/** The subset of the Terraform `aws_dynamodb_table` schema the tests need. */
export interface TerraformTableConfig {
  name?: string;
  hash_key: string;
  range_key?: string;
  attribute: { name: string; type: string }[];
  global_secondary_index?: {
    name: string;
    hash_key: string;
    range_key?: string;
    projection_type: string;
    non_key_attributes?: string[];
  }[];
  ttl?: { attribute_name?: string; enabled?: boolean };
}

export function tableInputFromTerraform(name: string, cfg: TerraformTableConfig): CreateTableCommandInput {
  const attrs: AttributeDefinition[] = cfg.attribute.map((a) => ({
    AttributeName: a.name,
    AttributeType: a.type as 'S' | 'N' | 'B',
  }));
  return {
    TableName: name,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: attrs,
    KeySchema: [
      { AttributeName: cfg.hash_key, KeyType: 'HASH' },
      ...(cfg.range_key ? [{ AttributeName: cfg.range_key, KeyType: 'RANGE' as const }] : []),
    ],
    GlobalSecondaryIndexes: cfg.global_secondary_index?.length
      ? cfg.global_secondary_index.map((g) => ({
          IndexName: g.name,
          KeySchema: [
            { AttributeName: g.hash_key, KeyType: 'HASH' as const },
            ...(g.range_key ? [{ AttributeName: g.range_key, KeyType: 'RANGE' as const }] : []),
          ],
          Projection: {
            ProjectionType: g.projection_type as 'ALL' | 'KEYS_ONLY' | 'INCLUDE',
            ...(g.non_key_attributes?.length ? { NonKeyAttributes: g.non_key_attributes } : {}),
          },
        }))
      : undefined,
  };
}

export function uniquePrefix(label: string): string {
  return `${label.replace(/[^a-zA-Z0-9-]/g, '-').slice(0, 40)}-${randomBytes(3).toString('hex')}`;
}

/**
 * Finds every aws_dynamodb_table in a synthesized stack JSON and creates it under `prefix`.
 * Returns logical resource name → created table name.
 */
export async function createTablesFromSynth(
  stackJson: { resource?: Record<string, Record<string, unknown>> },
  prefix: string,
  client = new DynamoDBClient({}),
): Promise<Record<string, string>> {
  const tables = (stackJson.resource?.aws_dynamodb_table ?? {}) as Record<string, TerraformTableConfig>;
  const out: Record<string, string> = {};
  for (const [logical, cfg] of Object.entries(tables)) {
    out[logical] = await createTable(`${prefix}-${logical}`.slice(0, 255), cfg, client);
  }
  return out;
}

/** Creates one table (and its TTL) from a Terraform-shaped config (also for tests of a single construct's table). */
export async function createTable(name: string, cfg: TerraformTableConfig, client = new DynamoDBClient({})) {
  await client.send(new CreateTableCommand(tableInputFromTerraform(name, cfg)));
  if (cfg.ttl?.enabled && cfg.ttl.attribute_name) {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: name,
        TimeToLiveSpecification: { AttributeName: cfg.ttl.attribute_name, Enabled: true },
      }),
    );
  }
  return name;
}
