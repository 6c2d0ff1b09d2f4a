/** Reading an EventBridge event's detail in the asynchronous handlers (billing, vendor adapters). */
import type { EventBridgeEvent } from 'aws-lambda';
import * as z from 'zod/mini';
import type { $ZodType } from 'zod/v4/core';
import { logger } from './logger';

export type SbtEvent = EventBridgeEvent<string, unknown>;

/**
 * Parses an event's detail. A malformed detail is logged and dropped (undefined): retrying cannot fix
 * it, and throwing would make Lambda retry it twice for nothing.
 */
export function parseDetail<S extends $ZodType>(event: SbtEvent, schema: S): z.infer<S> | undefined {
  const parsed = z.safeParse(schema, event.detail);
  if (parsed.success) return parsed.data;
  logger.warn('dropping event with invalid detail', {
    detailType: event['detail-type'],
    eventId: event.id,
    issues: parsed.error.issues.map((i) => `${i.path.join('.') || 'detail'}: ${i.message}`),
  });
  return undefined;
}

/**
 * When a usage event happened, in epoch milliseconds: the detail's `timestamp` (seconds, or milliseconds
 * when it is past 1e12), else the envelope's time, else now (the vendor adapters' ingestUsage events).
 */
export function usageTimeMs(event: SbtEvent, timestamp: number | undefined): number {
  if (timestamp !== undefined) return timestamp > 1e12 ? timestamp : timestamp * 1000;
  const envelope = Date.parse(event.time);
  return Number.isFinite(envelope) ? envelope : Date.now();
}
