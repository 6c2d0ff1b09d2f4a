/**
 * The vendor adapters' event handlers (Amberflo, Moesif): an event whose detail does not fit is logged and
 * dropped (`parseDetail`, event-detail.ts), and so is one whose content the vendor refuses (a retry cannot
 * fix either); a refused key (ours to fix: the event must not be lost meanwhile), throttling, the vendor's
 * faults and network errors throw, so Lambda's asynchronous retries try again.
 */
import type { SbtEvent } from './event-detail';
import { logger } from './logger';
import { VendorHttpError } from './vendor-http';

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
