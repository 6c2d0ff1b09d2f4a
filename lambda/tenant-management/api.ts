/**
 * /tenants routes (SBT routes 1–5 plus activate/deactivate/retry). Thin adapter over TenantService.
 * Env: TENANT_TABLE_NAME, REGISTRATION_TABLE_NAME, EVENT_BUS_NAME (+ event sources).
 *
 * POST /tenants is onboarding — the same path as POST /tenant-registrations — so the SBT tutorial's
 * `POST /tenants {tenantName, email, tier, tenantStatus}` with a user token provisions the tenant.
 */
import * as z from 'zod/mini';
import { badRequest, httpHandler, notFound, paginationQuery, parseBody, parsePath, parseQuery, type HttpResponse } from '../shared/http';
import { checkConventionalFields, clientData } from './domain/data';
import { offboardIdempotently } from './domain/offboard';
import { actor, idempotencyKey, routeOf, tenantService } from './domain/runtime';

const idPath = z.object({ tenantId: z.string().check(z.minLength(1), z.maxLength(128)) });
const anyObject = z.unknown();

function emittedOr503(res: { tenant: Record<string, unknown>; emitted: boolean }, status: number): HttpResponse {
  if (res.emitted) return { statusCode: status, body: { data: res.tenant } };
  return {
    statusCode: 503,
    body: {
      message: 'The change was stored but its event could not be put on the event bus; the tenant is marked failed — retry with POST /tenants/{tenantId}/retry',
      data: res.tenant,
    },
  };
}

export const handler = httpHandler(async (event) => {
  const svc = tenantService();
  const route = routeOf(event);
  const who = actor(event);
  switch (route) {
    case 'POST /tenants': {
      const tenantData = clientData(parseBody(event, anyObject), '', { dropIds: true });
      checkConventionalFields(tenantData, '', { requireTier: true });
      const res = await svc.onboard({ tenantData, registrationData: {}, reason: `POST /tenants by ${who}`, idempotencyKey: idempotencyKey(event) });
      return emittedOr503(res, res.replayed ? 200 : 201);
    }
    case 'GET /tenants': {
      const q = parseQuery(event, paginationQuery);
      return { statusCode: 200, body: await svc.listTenants(q.limit, q.next_token) };
    }
    case 'GET /tenants/{tenantId}': {
      const { tenantId } = parsePath(event, idPath);
      return { statusCode: 200, body: { data: await svc.getTenant(tenantId) } };
    }
    case 'PUT /tenants/{tenantId}': {
      const { tenantId } = parsePath(event, idPath);
      const patch = clientData(parseBody(event, anyObject), '', { dropIds: true });
      checkConventionalFields(patch, '');
      if (!Object.keys(patch).length) throw badRequest("Invalid request body: field 'body': give at least one field to update");
      return { statusCode: 200, body: { data: await svc.updateTenant(tenantId, patch, `PUT /tenants/{tenantId} by ${who}`) } };
    }
    case 'DELETE /tenants/{tenantId}': {
      const { tenantId } = parsePath(event, idPath);
      return emittedOr503(await offboardIdempotently(svc, tenantId, `DELETE /tenants/{tenantId} by ${who}`), 200);
    }
    case 'PUT /tenants/{tenantId}/activate': {
      const { tenantId } = parsePath(event, idPath);
      return emittedOr503(await svc.requestTransition(tenantId, 'activate', `activate by ${who}`), 200);
    }
    case 'PUT /tenants/{tenantId}/deactivate': {
      const { tenantId } = parsePath(event, idPath);
      return emittedOr503(await svc.requestTransition(tenantId, 'deactivate', `deactivate by ${who}`), 200);
    }
    case 'POST /tenants/{tenantId}/retry': {
      const { tenantId } = parsePath(event, idPath);
      return emittedOr503(await svc.retry(tenantId, `retry by ${who}`), 202);
    }
    default:
      throw notFound(`No route ${route}`);
  }
});
