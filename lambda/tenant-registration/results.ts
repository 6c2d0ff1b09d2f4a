/**
 * Application-plane results → tenant lifecycle. Invoked by EventBridge rules on provisionSuccess,
 * provisionFailure, deprovisionSuccess, deprovisionFailure (SBT ScriptJob payloads:
 * `{tenantRegistrationId, jobOutput: {tenantData, tenantRegistrationData}}`; failures may carry
 * `error` / `cause`). Replaces SBT's API destination (see docs/control-plane.md for why).
 * Throws only on our own faults (DynamoDB unavailable…), so EventBridge retries those and nothing else.
 */
import type { EventBridgeEvent } from 'aws-lambda';
import { detailTypeOf } from '../../src/core/event-catalog';
import { logger } from '../shared/logger';
import { tenantService } from '../tenant-management/domain/runtime';

const KEYS = ['provisionSuccess', 'provisionFailure', 'deprovisionSuccess', 'deprovisionFailure'] as const;
type ResultKey = (typeof KEYS)[number];
const BY_DETAIL_TYPE = new Map<string, ResultKey>(KEYS.map((k) => [detailTypeOf(k), k]));

export async function handler(event: EventBridgeEvent<string, Record<string, unknown>>): Promise<{ outcome: string }> {
  const key = BY_DETAIL_TYPE.get(event['detail-type']);
  if (!key) {
    logger.warn('unexpected detail-type ignored', { detailType: event['detail-type'] });
    return { outcome: 'ignored' };
  }
  const outcome = await tenantService().handleJobResult(key, event.detail ?? {});
  logger.info('job result', { key, outcome, tenantRegistrationId: event.detail?.tenantRegistrationId });
  return { outcome };
}
