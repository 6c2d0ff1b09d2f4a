/**
 * IMetering.createMeterFunction (DynamoDBMetering): POST /meters `{label, meterApiName, meterType, ...}`
 * (seed 000's body as written; the further Amberflo properties of `meterExtras`, any other key is a 400) → 201 `{data: Meter}` | 409 name taken.
 * Env: METERS_TABLE_NAME, USAGE_TABLE_NAME.
 */
import { randomUUID } from 'node:crypto';
import * as z from 'zod/mini';
import { parseBody, routeTable } from '../shared/http';
import { label, meterApiName, meterExtras, meterType, meteringStore } from './domain/context';
import type { Meter } from './domain/metering-store';

const body = z.strictObject({ label, meterApiName, meterType, ...meterExtras });

export const handler = routeTable({
  'POST /meters': async (event) => {
    const b = parseBody(event, body);
    const now = new Date().toISOString();
    const extra = Object.fromEntries(Object.entries(b).filter(([, v]) => v !== undefined));
    const meter: Meter = {
      ...extra,
      meterId: randomUUID(),
      label: b.label,
      meterApiName: b.meterApiName,
      meterType: b.meterType,
      createdAt: now,
      updatedAt: now,
    };
    await meteringStore().createMeter(meter); // MeterNameTaken: a 409 naming meterApiName
    return { statusCode: 201, body: { data: meter } };
  },
});
