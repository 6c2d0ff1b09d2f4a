/**
 * Wires TenantService to the Lambda environment: tables from TENANT_TABLE_NAME / REGISTRATION_TABLE_NAME,
 * events through lambda/shared/events.ts (bus and sources from the EventManager's environment).
 */
import { dynamo, env } from '../../shared/aws-clients';
import { putEvents, sbtEvent } from '../../shared/events';
import { logger } from '../../shared/logger';
import { TenantService } from './tenant-service';

let service: TenantService | undefined;

export function tenantService(): TenantService {
  service ??= new TenantService({
    db: dynamo(),
    tenantTable: env('TENANT_TABLE_NAME'),
    registrationTable: env('REGISTRATION_TABLE_NAME'),
    emit: (events) => putEvents(events.map((e) => sbtEvent(e.key, e.detail))),
    log: {
      warn: (msg, extra) => logger.warn(msg, { ...(extra ?? {}) }),
      error: (msg, extra) => logger.error(msg, { ...(extra ?? {}) }),
    },
  });
  return service;
}

/** Tests point the service at other tables (env changes after first use). */
export function resetTenantServiceForTesting(): void {
  service = undefined;
}
