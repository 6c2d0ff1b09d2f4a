/**
 * /tenant-registrations routes (SBT routes 6–10 plus retry). Thin adapter over TenantService.
 * Env: TENANT_TABLE_NAME, REGISTRATION_TABLE_NAME, EVENT_BUS_NAME (+ event sources).
 */
import * as z from 'zod/mini';
import { badRequest, httpHandler, notFound, paginationQuery, parseBody, parsePath, parseQuery, type HttpResponse } from '../shared/http';
import { checkConventionalFields, clientData } from '../tenant-management/domain/data';
import { offboardIdempotently } from '../tenant-management/domain/offboard';
import { actor, idempotencyKey, routeOf, tenantService } from '../tenant-management/domain/runtime';

const idPath = z.object({ tenantRegistrationId: z.string().check(z.minLength(1), z.maxLength(128)) });
const body = z.object({ tenantData: z.optional(z.unknown()), tenantRegistrationData: z.optional(z.unknown()) });

function failed503(tenant: Record<string, unknown>): HttpResponse {
  return {
    statusCode: 503,
    body: {
      message: 'The change was stored but its event could not be put on the event bus; the tenant is marked failed — retry with POST /tenant-registrations/{tenantRegistrationId}/retry',
      data: { tenantRegistrationId: tenant.tenantRegistrationId, tenantId: tenant.tenantId, lifecycleState: tenant.lifecycleState },
    },
  };
}

export const handler = httpHandler(async (event) => {
  const svc = tenantService();
  const route = routeOf(event);
  const who = actor(event);
  switch (route) {
    case 'POST /tenant-registrations': {
      const b = parseBody(event, body);
      const tenantData = clientData(b.tenantData, 'tenantData', { dropIds: true });
      checkConventionalFields(tenantData, 'tenantData');
      const registrationData = clientData(b.tenantRegistrationData, 'tenantRegistrationData', { dropIds: true });
      const res = await svc.onboard({ tenantData, registrationData, reason: `POST /tenant-registrations by ${who}`, idempotencyKey: idempotencyKey(event) });
      if (!res.emitted) return failed503(res.tenant);
      return {
        statusCode: res.replayed ? 200 : 201,
        body: {
          data: {
            tenantRegistrationId: res.registration.tenantRegistrationId,
            tenantId: res.tenant.tenantId,
            lifecycleState: res.tenant.lifecycleState,
            message: 'Tenant registration initiated',
          },
        },
      };
    }
    case 'GET /tenant-registrations': {
      const q = parseQuery(event, paginationQuery);
      return { statusCode: 200, body: await svc.listRegistrations(q.limit, q.next_token) };
    }
    case 'GET /tenant-registrations/{tenantRegistrationId}': {
      const { tenantRegistrationId } = parsePath(event, idPath);
      return { statusCode: 200, body: { data: await svc.getRegistration(tenantRegistrationId) } };
    }
    case 'PATCH /tenant-registrations/{tenantRegistrationId}': {
      const { tenantRegistrationId } = parsePath(event, idPath);
      const b = parseBody(event, body);
      const tenantData = clientData(b.tenantData, 'tenantData', { dropIds: true });
      checkConventionalFields(tenantData, 'tenantData');
      const registrationData = clientData(b.tenantRegistrationData, 'tenantRegistrationData', { dropIds: true });
      if (!Object.keys(tenantData).length && !Object.keys(registrationData).length) {
        throw badRequest("Invalid request body: field 'tenantData': give tenantData or tenantRegistrationData with at least one field");
      }
      const res = await svc.updateRegistration(tenantRegistrationId, { registrationData, tenantData, reason: `PATCH registration by ${who}` });
      return { statusCode: 200, body: { data: { ...res, message: 'Tenant registration updated successfully' } } };
    }
    case 'DELETE /tenant-registrations/{tenantRegistrationId}': {
      const { tenantRegistrationId } = parsePath(event, idPath);
      const tenantId = await svc.tenantIdOfRegistration(tenantRegistrationId);
      // A repeated DELETE is 200 with the current state (SBT's delete is idempotent), not a 409.
      const res = await offboardIdempotently(svc, tenantId, `DELETE registration by ${who}`);
      if (!res.emitted) return failed503(res.tenant);
      return {
        statusCode: 200,
        body: { data: { message: 'Tenant registration deletion initiated', tenantRegistrationId, tenantId, lifecycleState: res.tenant.lifecycleState } },
      };
    }
    case 'POST /tenant-registrations/{tenantRegistrationId}/retry': {
      const { tenantRegistrationId } = parsePath(event, idPath);
      const tenantId = await svc.tenantIdOfRegistration(tenantRegistrationId);
      const res = await svc.retry(tenantId, `retry by ${who}`);
      if (!res.emitted) return failed503(res.tenant);
      return {
        statusCode: 202,
        body: { data: { message: 'Retry initiated', tenantRegistrationId, tenantId, lifecycleState: res.tenant.lifecycleState } },
      };
    }
    default:
      throw notFound(`No route ${route}`);
  }
});
