/**
 * GET /tenant-config and GET /tenant-config/{tenantName}: thin adapter over domain/tenant-config.ts.
 * Env: TENANT_TABLE_NAME, TENANT_CONFIG_INDEX_NAME.
 */
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { dynamo, env } from '../shared/aws-clients';
import { header, type HttpEvent, parsePath, parseQuery, routeTable } from '../shared/http';
import { lookupTenantConfig, selectTenant, type TenantConfigReader } from './domain/tenant-config';

const name = z.optional(z.string().check(z.minLength(1), z.maxLength(256)));
const query = z.object({ tenantId: name, tenantName: name });
const path = z.object({ tenantName: name });

/**
 * A tenant's front end reads its config from its own origin before anyone signs in, so the answer is
 * readable from any origin — SBT's handler sends the same header (Powertools CORSConfig default). When
 * the API has CORS configured, API Gateway's own headers take precedence.
 */
const CORS = { 'access-control-allow-origin': '*' };

const reader: TenantConfigReader = {
  async byId(tenantId) {
    const res = await dynamo().send(
      new GetCommand({
        TableName: env('TENANT_TABLE_NAME'),
        Key: { tenantId },
        ProjectionExpression: 'tenantId, tenantConfig, #s',
        ExpressionAttributeNames: { '#s': 'sbtaws_active' },
      }),
    );
    return res.Item;
  },
  async byName(tenantName) {
    const res = await dynamo().send(
      new QueryCommand({
        TableName: env('TENANT_TABLE_NAME'),
        IndexName: env('TENANT_CONFIG_INDEX_NAME'),
        KeyConditionExpression: 'tenantName = :n',
        ExpressionAttributeValues: { ':n': tenantName },
        Limit: 1,
      }),
    );
    return res.Items?.[0];
  },
};

async function getConfig(event: HttpEvent) {
  const q = parseQuery(event, query);
  const p = parsePath(event, path);
  const selector = selectTenant({
    pathTenantName: p.tenantName,
    tenantId: q.tenantId,
    tenantName: q.tenantName,
    origin: header(event, 'origin'),
  });
  return { statusCode: 200, body: await lookupTenantConfig(selector, reader), headers: CORS };
}

export const handler = routeTable(
  { 'GET /tenant-config': getConfig, 'GET /tenant-config/{tenantName}': getConfig },
  { errorHeaders: CORS },
);
