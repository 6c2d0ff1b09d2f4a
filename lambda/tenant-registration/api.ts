/**
 * /tenant-registrations routes (SBT routes 6–10 plus retry). Thin adapter over TenantService.
 * Env: TENANT_TABLE_NAME, REGISTRATION_TABLE_NAME, EVENT_BUS_NAME (+ event sources).
 */
import * as z from 'zod/mini';
import { badRequest, dataRoute, type HttpEvent, listRoute, parseBody, parsePath, routeTable } from '../shared/http';
import { checkConventionalFields, clientData } from '../tenant-management/domain/data';
import { offboardIdempotently } from '../tenant-management/domain/offboard';
import { tenantService } from '../tenant-management/domain/runtime';
import { actor, eventNotPut, idempotencyKey } from '../tenant-management/request';

const idPath = z.object({ tenantRegistrationId: z.string().check(z.minLength(1), z.maxLength(128)) });
const body = z.object({ tenantData: z.optional(z.unknown()), tenantRegistrationData: z.optional(z.unknown()) });

const failed503 = (tenant: Record<string, unknown>) =>
  eventNotPut('POST /tenant-registrations/{tenantRegistrationId}/retry', {
    tenantRegistrationId: tenant.tenantRegistrationId,
    tenantId: tenant.tenantId,
    lifecycleState: tenant.lifecycleState,
  });

/** tenantData / tenantRegistrationData of a POST or PATCH body, checked as client data. */
function registrationBody(event: HttpEvent) {
  const b = parseBody(event, body);
  const tenantData = clientData(b.tenantData, 'tenantData', { dropIds: true });
  checkConventionalFields(tenantData, 'tenantData');
  const registrationData = clientData(b.tenantRegistrationData, 'tenantRegistrationData', { dropIds: true });
  return { tenantData, registrationData };
}

const registrationIdOf = (event: HttpEvent) => parsePath(event, idPath).tenantRegistrationId;

export const handler = routeTable({
  'POST /tenant-registrations': async (event) => {
    const { tenantData, registrationData } = registrationBody(event);
    const res = await tenantService().onboard({
      tenantData,
      registrationData,
      reason: `POST /tenant-registrations by ${actor(event)}`,
      idempotencyKey: idempotencyKey(event),
    });
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
  },
  'GET /tenant-registrations': listRoute((limit, next) => tenantService().listRegistrations(limit, next)),
  'GET /tenant-registrations/{tenantRegistrationId}': dataRoute((event) =>
    tenantService().getRegistration(registrationIdOf(event)),
  ),
  'PATCH /tenant-registrations/{tenantRegistrationId}': async (event) => {
    const tenantRegistrationId = registrationIdOf(event);
    const { tenantData, registrationData } = registrationBody(event);
    if (!Object.keys(tenantData).length && !Object.keys(registrationData).length) {
      throw badRequest(
        "Invalid request body: field 'tenantData': give tenantData or tenantRegistrationData with at least one field",
      );
    }
    const res = await tenantService().updateRegistration(tenantRegistrationId, {
      registrationData,
      tenantData,
      reason: `PATCH registration by ${actor(event)}`,
    });
    return { statusCode: 200, body: { data: { ...res, message: 'Tenant registration updated successfully' } } };
  },
  'DELETE /tenant-registrations/{tenantRegistrationId}': async (event) => {
    const tenantRegistrationId = registrationIdOf(event);
    const svc = tenantService();
    const tenantId = await svc.tenantIdOfRegistration(tenantRegistrationId);
    // A repeated DELETE is 200 with the current state (SBT's delete is idempotent), not a 409.
    const res = await offboardIdempotently(svc, tenantId, `DELETE registration by ${actor(event)}`);
    if (!res.emitted) return failed503(res.tenant);
    return {
      statusCode: 200,
      body: {
        data: {
          message: 'Tenant registration deletion initiated',
          tenantRegistrationId,
          tenantId,
          lifecycleState: res.tenant.lifecycleState,
        },
      },
    };
  },
  'POST /tenant-registrations/{tenantRegistrationId}/retry': async (event) => {
    const tenantRegistrationId = registrationIdOf(event);
    const svc = tenantService();
    const tenantId = await svc.tenantIdOfRegistration(tenantRegistrationId);
    const res = await svc.retry(tenantId, `retry by ${actor(event)}`);
    if (!res.emitted) return failed503(res.tenant);
    return {
      statusCode: 202,
      body: {
        data: { message: 'Retry initiated', tenantRegistrationId, tenantId, lifecycleState: res.tenant.lifecycleState },
      },
    };
  },
});
