/** Wiring shared by the metering handlers. Env: METERS_TABLE_NAME, USAGE_TABLE_NAME. */
import * as z from 'zod/mini';
import { dynamo, env } from '../../shared/aws-clients';
import { ValidationError } from '../../shared/domain-errors';
import { METER_TYPES, PERIODS } from './aggregation';
import { MeteringStore } from './metering-store';

export function meteringStore(): MeteringStore {
  return new MeteringStore(dynamo(), env('METERS_TABLE_NAME'), env('USAGE_TABLE_NAME'));
}

/** Amberflo-style API names: letters, digits, `_ . -`; they key usage, so keep them stable. */
export const meterApiName = z
  .string()
  .check(
    z.regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/, 'letters, digits, _ . - (max 128), starting with a letter or digit'),
  );
export const meterType = z.enum(METER_TYPES);
export const label = z.string().check(z.minLength(1), z.maxLength(256));
export const meterIdPath = z.object({ meterId: z.string().check(z.minLength(1), z.maxLength(64)) });

/**
 * Meter properties beyond the three required ones (seed 000: "you can also pass in additional
 * properties"): the Amberflo meter fields the reference provider keeps. Anything else is a 400 naming
 * the key — unchecked extras were stored as they came (unbounded, any shape).
 */
export const meterExtras = {
  description: z.optional(z.string().check(z.maxLength(1024))),
  dimensions: z.optional(z.array(z.string().check(z.minLength(1), z.maxLength(128))).check(z.maxLength(20))),
  aggregationDimensions: z.optional(z.array(z.string().check(z.minLength(1), z.maxLength(128))).check(z.maxLength(20))),
  useInBilling: z.optional(z.boolean()),
};

/** The key shape of a GET /meters continuation token (the meters partition). */
export const METER_PAGE_KEY = { pk: { equals: 'METER' }, sk: 'string' } as const;

const querySeconds = z.coerce.number().check(z.int(), z.nonnegative());

/**
 * The query of `GET /usage/{meterId}`, the same for every metering provider (the reference one and
 * Amberflo's adapter): meterApiName (default: the meter's), a window in epoch seconds, one tenant, the period.
 */
export const usageQuery = z.object({
  meterApiName: z.optional(meterApiName),
  startTimeInSeconds: z.optional(querySeconds),
  endTimeInSeconds: z.optional(querySeconds),
  tenantId: z.optional(z.string().check(z.minLength(1), z.maxLength(256))),
  period: z._default(z.enum(PERIODS), 'day'),
});

/**
 * The usage window `[start, end)` of a usage query: as seed 000, the last 24 h when none is given (the end
 * one second ahead, so the current second counts). A window that ends before it starts is a 400.
 */
export function usageWindow(
  q: Pick<z.infer<typeof usageQuery>, 'startTimeInSeconds' | 'endTimeInSeconds'>,
  nowSeconds = Math.floor(Date.now() / 1000),
): { start: number; end: number } {
  const end = q.endTimeInSeconds ?? nowSeconds + 1;
  const start = q.startTimeInSeconds ?? end - 86400;
  if (start >= end)
    throw new ValidationError("Invalid query string: field 'startTimeInSeconds': must be before endTimeInSeconds");
  return { start, end };
}

/**
 * The `ingestionTimeRange` of a cancellation (DELETE /usage, every metering provider): inclusive, so a start
 * after the end is a 400 naming the field.
 */
export function checkIngestionRange<R extends { startTimeInSeconds: number; endTimeInSeconds: number }>(range: R): R {
  if (range.startTimeInSeconds > range.endTimeInSeconds) {
    throw new ValidationError(
      "Invalid request body: field 'ingestionTimeRange.startTimeInSeconds': must not be after endTimeInSeconds",
    );
  }
  return range;
}
