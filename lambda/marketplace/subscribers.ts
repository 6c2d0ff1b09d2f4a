/**
 * Admin routes over subscribers (JWT, scoped): GET /subscribers (paginated Query on the `kind` index, never a
 * Scan), GET /subscribers/{subscriberId}, DELETE /subscribers/{subscriberId} (offboards the subscriber's tenant
 * through the control plane when it had access, so the tenant is not left running).
 * Env: SUBSCRIBERS_TABLE_NAME, IDENTITY_MODE, PRODUCT_CODE, EVENT_BUS_NAME, CONTROL_PLANE_EVENT_SOURCE,
 * TENANT_TABLE_NAME, REGISTRATION_TABLE_NAME.
 */
import * as z from 'zod/mini';
import { decodeToken, encodeToken } from '../shared/dynamodb';
import { type HttpEvent, notFound, paginationQuery, parsePath, parseQuery, routeTable } from '../shared/http';
import { store, tenantGateway } from './domain/runtime';

const path = z.object({ subscriberId: z.string().check(z.minLength(3), z.maxLength(512)) });

const decode = (id: string) => (id.includes('%') ? decodeURIComponent(id) : id);
const view = (item: Record<string, unknown>) => {
  const { registrationHash: _h, ...rest } = item;
  return rest;
};

const subscriberIdOf = (event: HttpEvent) => decode(parsePath(event, path).subscriberId);

export const handler = routeTable({
  'GET /subscribers': async (event) => {
    const q = parseQuery(event, paginationQuery);
    // The kind index's key (kind, subscriberId) is the only token this route issues; any other shape is a 400
    // before it reaches DynamoDB (where odd attribute types are a 500).
    const page = await store().list(
      q.limit,
      decodeToken(q.next_token, { subscriberId: 'string', kind: { equals: 'subscriber' } }),
    );
    return { statusCode: 200, body: { data: page.items.map(view), next_token: encodeToken(page.next) } };
  },
  'GET /subscribers/{subscriberId}': async (event) => {
    const id = subscriberIdOf(event);
    const item = await store().get(id);
    if (item?.kind !== 'subscriber') throw notFound(`Subscriber ${id} not found`);
    return { statusCode: 200, body: view(item) };
  },
  'DELETE /subscribers/{subscriberId}': async (event) => {
    const id = subscriberIdOf(event);
    const old = await store().delete(id);
    if (!old) throw notFound(`Subscriber ${id} not found`);
    // The buyer's tenant is offboarded through the control plane's own path (offboardingRequest, → OFFBOARDED).
    if (old.access === 'GRANTED')
      await tenantGateway().offboard(old, `AWS Marketplace subscriber ${id} deleted by an administrator`);
    return { statusCode: 200, body: { subscriberId: id, deleted: true } };
  },
});
