/**
 * Reading a tenantUserCreated / tenantUserDeleted event, for every billing provider (the DynamoDB one, the
 * HTTP vendor adapter, Moesif): the same detail schema and the same rule for which user it names.
 */
import { parseDetail, type SbtEvent } from '../../shared/event-detail';
import { logger } from '../../shared/logger';
import { userEventDetail, userIdOf } from './billing-model';

/**
 * A tenantUserCreated / tenantUserDeleted detail with the user's id (userId or userName); undefined (logged)
 * when the detail is malformed or names no user.
 */
export function parseUserEvent(event: SbtEvent) {
  const d = parseDetail(event, userEventDetail);
  if (!d) return undefined;
  const userId = userIdOf(d);
  if (!userId) {
    logger.warn(`${event['detail-type']} without userId/userName`, { eventId: event.id });
    return undefined;
  }
  return { ...d, userId };
}
