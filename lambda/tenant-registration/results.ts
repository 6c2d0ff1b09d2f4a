/**
 * Application-plane results → tenant lifecycle. Invoked by EventBridge rules on provisionSuccess,
 * provisionFailure, deprovisionSuccess, deprovisionFailure (SBT ScriptJob payloads:
 * `{tenantRegistrationId, jobOutput: {tenantData, tenantRegistrationData}}`; failures may carry
 * `error` / `cause`). Replaces SBT's API destination (see docs/control-plane.md for why).
 * Throws only on our own faults (DynamoDB unavailable…), so EventBridge retries those and nothing else.
 */
import type { EventBridgeEvent } from 'aws-lambda';
import { keyOfDetailType } from '../../src/contracts/event-catalog';
import { logger } from '../shared/logger';
import { tenantService } from '../tenant-management/domain/runtime';

const KEYS = ['provisionSuccess', 'provisionFailure', 'deprovisionSuccess', 'deprovisionFailure'] as const;
type ResultKey = (typeof KEYS)[number];
const isResultKey = (k: string | undefined): k is ResultKey => (KEYS as readonly (string | undefined)[]).includes(k);

export async function handler(event: EventBridgeEvent<string, Record<string, unknown>>): Promise<{ outcome: string }> {
  // Either era's name: `sbt_aws_provisionSuccess` (≥ 0.9) or `provisionSuccess` (application planes before 0.9).
  const key = keyOfDetailType(event['detail-type']);
  if (!isResultKey(key)) {
    logger.warn('unexpected detail-type ignored', { detailType: event['detail-type'] });
    return { outcome: 'ignored' };
  }
  const outcome = await tenantService().handleJobResult(key, event.detail ?? {});
  logger.info('job result', { key, outcome, tenantRegistrationId: event.detail?.tenantRegistrationId });
  return { outcome };
}
