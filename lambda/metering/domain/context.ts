/** Wiring shared by the metering handlers. Env: METERS_TABLE_NAME, USAGE_TABLE_NAME. */
import * as z from 'zod/mini';
import { dynamo, env } from '../../shared/aws-clients';
import { badRequest } from '../../shared/http';
import { METER_TYPES } from './aggregation';
import { MeteringStore } from './metering-store';

export function meteringStore(): MeteringStore {
  return new MeteringStore(dynamo(), env('METERS_TABLE_NAME'), env('USAGE_TABLE_NAME'));
}

/** Amberflo-style API names: letters, digits, `_ . -`; they key usage, so keep them stable. */
export const meterApiName = z.string().check(z.regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/, 'letters, digits, _ . - (max 128), starting with a letter or digit'));
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

/** A list continuation token of GET /meters: exactly the key of the meters partition, else a 400. */
export function meterPageKey(token: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!token) return undefined;
  const keys = Object.keys(token).sort();
  if (keys.join(',') !== 'pk,sk' || token.pk !== 'METER' || typeof token.sk !== 'string' || !token.sk || token.sk.length > 64) {
    throw badRequest("Invalid query string: field 'next_token': not a token this API issued");
  }
  return token;
}
