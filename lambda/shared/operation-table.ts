/**
 * The handler shape of an event bundle that backs several functions (a vendor adapter's createCustomer,
 * deleteUser …): `{ operation: fn }`, the operation named by an environment variable its construct sets per
 * function, as routeTable names the routes of an HTTP bundle. An operation the table does not know is our
 * wiring's fault: logged, and thrown so the event is retried and then kept by the function's DLQ.
 */
import { env } from './aws-clients';
import type { SbtEvent } from './event-detail';
import { logger } from './logger';

export type Operation = (event: SbtEvent) => Promise<void>;

export function operationTable(envVar: string, operations: Record<string, Operation>): Operation {
  return async (event) => {
    const op = env(envVar);
    const fn = Object.hasOwn(operations, op) ? operations[op] : undefined;
    if (!fn) {
      logger.error(`unknown ${envVar}`, { op });
      throw new Error(`unknown ${envVar} ${op}`);
    }
    await fn(event);
  };
}
