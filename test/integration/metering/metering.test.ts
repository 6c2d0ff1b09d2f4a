// DynamoDBMetering through the synthesized wiring against DynamoDB Local: seed 000's request shapes as
// written, idempotent ingestion, cancellation rules, and a property test of exact totals end to end.
import * as fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { synthStack } from '../../support/synth';
import { createTablesFromSynth, uniquePrefix } from '../../../local/tables';
import { SynthHarness } from '../../../local/synth-harness';
import { scopedApi } from '../../support/scoped-api';
import { billingTestStack } from '../billing/test-stack';

const APP = 'sbt.application.plane';
const READ = ['metering/metering_read'];
const WRITE = ['metering/metering_write'];

let h: SynthHarness;
const read = scopedApi(() => h, READ);
const write = scopedApi(() => h, WRITE);

beforeAll(async () => {
  const json = synthStack(billingTestStack());
  const tables = await createTablesFromSynth(json, uniquePrefix('metering'));
  h = new SynthHarness(json, { tables, busName: 'test-bus' });
});

const createMeter = (meterApiName: string, meterType = 'sum_of_all_usage') =>
  write.post('/meters', { label: 'SBT Meter', meterApiName, meterType });
const ingest = (detail: Record<string, unknown>, id?: string) => h.publish(APP, 'sbt_aws_ingestUsage', detail, id);
const usage = (meterId: string, query: Record<string, string>) => read.get(`/usage/${meterId}`, query);

describe('meters (seed 000 shapes)', () => {
  test('create, get, list, update, delete', async () => {
    const created = await createMeter('sbt-meter');
    expect(created.status).toBe(201);
    const meter = created.body.data;
    expect(meter).toMatchObject({ label: 'SBT Meter', meterApiName: 'sbt-meter', meterType: 'sum_of_all_usage' });
    expect(meter.meterId).toMatch(/^[0-9a-f-]{36}$/);

    expect(await createMeter('sbt-meter')).toEqual({
      status: 409,
      body: expect.objectContaining({ field: 'meterApiName' }),
    });
    const badType = await createMeter('other', 'median');
    expect(badType.status).toBe(400);
    expect(badType.body.message).toMatch(/field 'meterType'/);
    expect((await read.post('/meters', { label: 'x', meterApiName: 'y', meterType: 'sum_of_all_usage' })).status).toBe(
      403,
    );

    expect(await read.get(`/meters/${meter.meterId}`)).toEqual({
      status: 200,
      body: { data: meter },
    });
    expect((await read.get('/meters/nope')).status).toBe(404);

    await createMeter('second-meter');
    const page1 = await read.get('/meters', { limit: '1' });
    expect(page1.body.data).toHaveLength(1);
    expect(page1.body.next_token).toEqual(expect.any(String));
    const page2 = await read.get('/meters', { limit: '10', next_token: page1.body.next_token });
    const names = [...page1.body.data, ...page2.body.data].map((m: { meterApiName: string }) => m.meterApiName);
    expect(names).toEqual(expect.arrayContaining(['sbt-meter', 'second-meter']));
    expect((await read.get('/meters', { next_token: 'garbage' })).status).toBe(400);

    const upd = await write.put(`/meters/${meter.meterId}`, {
      label: 'SBT trial meter',
      meterApiName: 'sbt-trial',
      meterType: 'sum_of_all_usage',
    });
    expect(upd.status).toBe(200);
    expect(upd.body.data).toMatchObject({
      meterId: meter.meterId,
      label: 'SBT trial meter',
      meterApiName: 'sbt-trial',
    });
    expect((await createMeter('sbt-meter')).status).toBe(201); // the old name was released
    const clash = await write.put(`/meters/${meter.meterId}`, { meterApiName: 'second-meter' });
    expect(clash.status).toBe(409);

    expect((await write.delete(`/meters/${meter.meterId}`)).status).toBe(200);
    expect((await read.get(`/meters/${meter.meterId}`)).status).toBe(404);
    expect((await write.delete(`/meters/${meter.meterId}`)).status).toBe(404);
  });
});

describe('usage', () => {
  test('ingestUsage events (seed 000 detail) are counted once, exactly, and cancellable by ingestion time', async () => {
    const meter = (await createMeter('api-calls')).body.data;
    const t0 = Math.floor(Date.now() / 1000);
    expect(await ingest({ tenantId: 'a', meterApiName: 'api-calls', meterValue: 0.1 }, 'e1')).toEqual([
      h.functionNamed('-metering-ingest-usage'),
    ]);
    await ingest({ tenantId: 'a', meterApiName: 'api-calls', meterValue: 0.2 }, 'e2');
    await ingest({ tenantId: 'a', meterApiName: 'api-calls', meterValue: 0.2 }, 'e2'); // EventBridge redelivery
    await ingest({ tenantId: 'b', meterApiName: 'api-calls', meterValue: '5', eventId: 'client-key-1' });
    await ingest({ tenantId: 'b', meterApiName: 'api-calls', meterValue: '5', eventId: 'client-key-1' }); // client retry, new envelope id
    await ingest({ tenantId: 'b', meterApiName: 'unknown-meter', meterValue: 1 }); // dropped
    await ingest({ tenantId: 'b', meterApiName: 'api-calls', meterValue: 'lots' }); // dropped

    const window = {
      meterApiName: 'api-calls',
      startTimeInSeconds: String(t0 - 60),
      endTimeInSeconds: String(t0 + 3600),
    };
    const res = await usage(meter.meterId, window);
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({
      meterId: meter.meterId,
      meterApiName: 'api-calls',
      total: '5.3',
      events: 3,
      tenants: [
        { tenantId: 'a', total: '0.3', events: 2 },
        { tenantId: 'b', total: '5', events: 1 },
      ],
    });
    // meterApiName may be omitted (taken from the meter); the default window is the last 24 h.
    expect((await usage(meter.meterId, {})).body.data.total).toBe('5.3');
    expect((await usage(meter.meterId, { tenantId: 'a' })).body.data.total).toBe('0.3');

    const cancel = {
      id: 'sbt-filtering-rule',
      meterApiName: 'api-calls',
      tenantId: 'b',
      ingestionTimeRange: { startTimeInSeconds: t0 - 60, endTimeInSeconds: t0 + 3600 },
    };
    expect((await write.delete('/usage', cancel)).status).toBe(201);
    expect((await write.delete('/usage', cancel)).status).toBe(200);
    const other = { ...cancel, ingestionTimeRange: { startTimeInSeconds: 1, endTimeInSeconds: 2 } };
    expect((await write.delete('/usage', other)).status).toBe(409);
    expect((await usage(meter.meterId, window)).body.data).toMatchObject({ total: '0.3', events: 2 });

    const missing = await write.delete('/usage', { id: 'x', meterApiName: 'api-calls' });
    expect(missing.status).toBe(400);
    expect(missing.body.message).toMatch(/ingestionTimeRange/);
    expect((await usage(meter.meterId, { startTimeInSeconds: '10', endTimeInSeconds: '5' })).status).toBe(400);
    expect((await usage('no-such-meter', {})).status).toBe(404);
  });

  test('seed 000 cancel body as written (all tenants)', async () => {
    const meter = (await createMeter('sbt-trial-2')).body.data;
    const t0 = Math.floor(Date.now() / 1000);
    await ingest({ tenantId: 'a', meterApiName: 'sbt-trial-2', meterValue: 7 });
    const body = {
      id: 'sbt-filtering-rule',
      meterApiName: 'sbt-trial-2',
      ingestionTimeRange: { startTimeInSeconds: t0 - 5, endTimeInSeconds: t0 + 5 },
    };
    expect((await write.delete('/usage', body)).status).toBe(201);
    expect((await usage(meter.meterId, {})).body.data).toMatchObject({ total: '0', events: 0 });
  });

  test('property: totals equal an independent model for random events with duplicates and cancellations', async () => {
    const tenants = ['t1', 't2', 't3'];
    const value = fc.oneof(
      fc.integer({ min: 0, max: 1_000_000 }).map(String),
      fc
        .tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 999_999 }))
        .map(([i, f]) => `${i}.${String(f).padStart(6, '0')}`),
    );
    const ev = fc.record({ tenant: fc.constantFrom(...tenants), value, offset: fc.integer({ min: 0, max: 7200 }) });
    await fc.assert(
      fc.asyncProperty(
        fc.array(ev, { minLength: 0, maxLength: 25 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.subarray(tenants),
        async (events, dupPicks, cancelled) => {
          const name = `prop-${randomUUID().slice(0, 8)}`;
          const meter = (await createMeter(name)).body.data;
          const base = 1_700_000_000;
          const ids = events.map(() => randomUUID());
          const deliveries = events.map((e, k) => ({ e, id: ids[k]! }));
          for (const p of dupPicks) if (events.length) deliveries.push(deliveries[p % events.length]!);
          for (const d of deliveries) {
            await ingest(
              { tenantId: d.e.tenant, meterApiName: name, meterValue: d.e.value, timestamp: base + d.e.offset },
              d.id,
            );
          }
          const now = Math.floor(Date.now() / 1000);
          for (const t of cancelled) {
            const body = {
              id: `cancel-${t}`,
              meterApiName: name,
              tenantId: t,
              ingestionTimeRange: { startTimeInSeconds: 0, endTimeInSeconds: now + 3600 },
            };
            expect((await write.delete('/usage', body)).status).toBe(201);
          }
          // Model: BigInt micro-units, each event once, cancelled tenants excluded.
          const micro = (v: string) => {
            const [i, f = ''] = v.split('.');
            return BigInt(i!) * 1_000_000n + BigInt(f.padEnd(6, '0'));
          };
          const show = (u: bigint) => {
            const f = (u % 1_000_000n).toString().padStart(6, '0').replace(/0+$/, '');
            return `${u / 1_000_000n}${f ? `.${f}` : ''}`;
          };
          const per = new Map<string, bigint>();
          let total = 0n;
          for (const e of events) {
            if (cancelled.includes(e.tenant)) continue;
            total += micro(e.value);
            per.set(e.tenant, (per.get(e.tenant) ?? 0n) + micro(e.value));
          }
          const res = await usage(meter.meterId, {
            startTimeInSeconds: String(base),
            endTimeInSeconds: String(base + 7201),
            period: 'hour',
          });
          expect(res.status).toBe(200);
          expect(res.body.data.total).toBe(show(total));
          expect(res.body.data.events).toBe(events.filter((e) => !cancelled.includes(e.tenant)).length);
          expect(
            Object.fromEntries(
              res.body.data.tenants.map((t: { tenantId: string; total: string }) => [t.tenantId, t.total]),
            ),
          ).toEqual(Object.fromEntries([...per.entries()].map(([t, u]) => [t, show(u)])));
          const sumOfPeriods = res.body.data.periods.reduce(
            (acc: bigint, p: { total: string }) => acc + micro(p.total),
            0n,
          );
          expect(show(sumOfPeriods)).toBe(show(total));
        },
      ),
      { numRuns: 12 },
    );
  });
});
