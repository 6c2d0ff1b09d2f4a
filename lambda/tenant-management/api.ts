/**
 * /tenants routes (SBT routes 1–5 plus activate/deactivate/retry). Thin adapter over TenantService.
 * Env: TENANT_TABLE_NAME, REGISTRATION_TABLE_NAME, EVENT_BUS_NAME (+ event sources).
 *
 * POST /tenants is onboarding — the same path as POST /tenant-registrations — so the SBT tutorial's
 * `POST /tenants {tenantName, email, tier, tenantStatus}` with a user token provisions the tenant.
 */
import * as z from 'zod/mini';
import {
  badRequest,
  dataRoute,
  type HttpEvent,
  type HttpResponse,
  listRoute,
  ok,
  parseBody,
  parsePath,
  routeTable,
} from '../shared/http';
import { checkConventionalFields, clientData } from './domain/data';
import { offboardIdempotently } from './domain/offboard';
import { tenantService } from './domain/runtime';
import { actor, eventNotPut, idempotencyKey } from './request';

const idPath = z.object({ tenantId: z.string().check(z.minLength(1), z.maxLength(128)) });
const anyObject = z.unknown();

function emittedOr503(res: { tenant: Record<string, unknown>; emitted: boolean }, status: number): HttpResponse {
  if (res.emitted) return ok(res.tenant, status);
  return eventNotPut('POST /tenants/{tenantId}/retry', res.tenant);
}

const tenantIdOf = (event: HttpEvent) => parsePath(event, idPath).tenantId;

export const handler = routeTable({
  'POST /tenants': async (event) => {
    const tenantData = clientData(parseBody(event, anyObject), '', { dropIds: true });
    checkConventionalFields(tenantData, '', { requireTier: true });
    const res = await tenantService().onboard({
      tenantData,
      registrationData: {},
      reason: `POST /tenants by ${actor(event)}`,
      idempotencyKey: idempotencyKey(event),
    });
    return emittedOr503(res, res.replayed ? 200 : 201);
  },
  'GET /tenants': listRoute((limit, next) => tenantService().listTenants(limit, next)),
  'GET /tenants/{tenantId}': dataRoute((event) => tenantService().getTenant(tenantIdOf(event))),
  'PUT /tenants/{tenantId}': async (event) => {
    const tenantId = tenantIdOf(event);
    const patch = clientData(parseBody(event, anyObject), '', { dropIds: true });
    checkConventionalFields(patch, '');
    if (!Object.keys(patch).length)
      throw badRequest("Invalid request body: field 'body': give at least one field to update");
    return {
      statusCode: 200,
      body: { data: await tenantService().updateTenant(tenantId, patch, `PUT /tenants/{tenantId} by ${actor(event)}`) },
    };
  },
  'DELETE /tenants/{tenantId}': async (event) =>
    emittedOr503(
      await offboardIdempotently(tenantService(), tenantIdOf(event), `DELETE /tenants/{tenantId} by ${actor(event)}`),
      200,
    ),
  'PUT /tenants/{tenantId}/activate': async (event) =>
    emittedOr503(
      await tenantService().requestTransition(tenantIdOf(event), 'activate', `activate by ${actor(event)}`),
      200,
    ),
  'PUT /tenants/{tenantId}/deactivate': async (event) =>
    emittedOr503(
      await tenantService().requestTransition(tenantIdOf(event), 'deactivate', `deactivate by ${actor(event)}`),
      200,
    ),
  'POST /tenants/{tenantId}/retry': async (event) =>
    emittedOr503(await tenantService().retry(tenantIdOf(event), `retry by ${actor(event)}`), 202),
});
