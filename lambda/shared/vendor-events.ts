/**
 * What the vendor adapters' event handlers (Amberflo, Moesif) share: an event whose detail does not fit is
 * logged and dropped, and so is one whose content the vendor refuses (a retry cannot fix either); a refused
 * key (ours to fix: the event must not be lost meanwhile), throttling, the vendor's faults and network
 * errors throw, so Lambda's asynchronous retries try again.
 */
import type { EventBridgeEvent } from 'aws-lambda';
import * as z from 'zod/mini';
import { logger } from './logger';
import { VendorHttpError } from './vendor-http';

export type SbtEvent = EventBridgeEvent<string, unknown>;

/** The event's detail as `schema` reads it, or undefined (logged) when it does not fit. */
export function parseDetail<S extends z.ZodMiniType>(event: SbtEvent, schema: S): z.infer<S> | undefined {
  const r = z.safeParse(schema, event.detail);
  if (r.success) return r.data;
  logger.warn('dropping event with invalid detail', {
    eventId: event.id,
    detailType: event['detail-type'],
    issues: r.error.issues.map((i) => `${i.path.join('.') || 'detail'}: ${i.message}`),
  });
  return undefined;
}

/** The Lambda handler around `run`: drops what the vendor refuses for its content, rethrows the rest. */
export function vendorEventHandler(vendor: string, run: (event: SbtEvent) => Promise<void>) {
  return async (event: SbtEvent): Promise<void> => {
    try {
      await run(event);
    } catch (e) {
      if (e instanceof VendorHttpError && !e.retryable && e.status !== 401 && e.status !== 403) {
        logger.error(`${vendor} refused the event; dropped`, {
          eventId: event.id,
          status: e.status,
          message: e.vendorMessage,
        });
        return;
      }
      throw e;
    }
  };
}
