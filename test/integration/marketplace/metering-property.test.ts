// Property: for random usage streams, with crashes injected between BatchMeterUsage and the ledger mark and with
// overlapping runs, the Marketplace fake ends up billing exactly one record per (customer, dimension, usage hour),
// with exactly the summed quantity — never a second record, never a wrong quantity, nothing lost.
import fc from 'fast-check';
import { startHarness, type Harness } from './harness';
import { Clock, HOUR, job, ledgerItems, writeUsage, type Usage } from './metering-support';

let h: Harness;
const clock = new Clock(0);
beforeAll(async () => {
  // Throttling is covered by metering.test.ts; here the test does not pace, so the fake's quota is lifted.
  h = await startHarness('mp-prop', { fakeNow: () => clock.now(), fakeRatePerSecond: 100_000 });
});
afterAll(() => h.stop());

const H0 = Date.UTC(2026, 10, 18, 12); // the newest usage hour of every stream
let run = 0;

test('random streams + crashes between send and mark + overlapping runs → exactly one correct record per customer, dimension and hour', async () => {
  const usage = fc.record({
    customer: fc.integer({ min: 0, max: 2 }),
    legacy: fc.boolean(),
    dimension: fc.constantFrom('users', 'admins'),
    hourBack: fc.integer({ min: 0, max: 3 }),
    offsetMs: fc.integer({ min: 0, max: HOUR - 1 }),
    quantity: fc.integer({ min: 0, max: 1000 }),
  });
  await fc.assert(
    fc.asyncProperty(
      fc.array(usage, { minLength: 1, maxLength: 25 }),
      fc.array(
        usage.map((u) => ({ ...u, hourBack: 0 })),
        { maxLength: 8 },
      ), // second wave: only the still-open hour
      fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }), // crash after send?
      fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }), // overlap with a second run?
      async (wave1, wave2, crashes, overlaps) => {
        run++;
        h.fake.reset();
        let seq = 0;
        const who = (u: { customer: number; legacy: boolean }) =>
          u.legacy
            ? { customerKey: `CI-${run}-${u.customer}`, customerIdentifier: `CI-${run}-${u.customer}` }
            : {
                customerKey: `arn:aws:license-manager::1:license/l-${run}x${u.customer}`,
                licenseArn: `arn:aws:license-manager::1:license/l-${run}x${u.customer}`,
                customerAWSAccountId: String(300000000000 + u.customer),
              };
        const toRecord = (u: (typeof wave1)[number]): Usage => ({
          ...who(u),
          recordId: `${run}-${++seq}`,
          dimension: u.dimension,
          quantity: u.quantity,
          timestamp: H0 - u.hourBack * HOUR + u.offsetMs, // epoch ms
        });
        const expected = new Map<string, number>();
        for (const u of [...wave1, ...wave2]) {
          const w = who(u);
          const key = `${w.licenseArn ?? w.customerIdentifier}|${u.dimension}|${new Date(H0 - u.hourBack * HOUR).toISOString()}`;
          expected.set(key, (expected.get(key) ?? 0) + u.quantity);
        }

        const runJob = async (i: number) => {
          const crash = crashes[i];
          const one = job(h, clock, { afterSend: crash ? () => Promise.reject(new Error('crash')) : undefined }).catch(
            () => undefined,
          );
          const two = overlaps[i] ? job(h, clock).catch(() => undefined) : Promise.resolve(undefined);
          await Promise.all([one, two]);
        };

        // 12:30 — hours up to 11:00 are closed, 12:00 is still open.
        clock.t = H0 + 30 * 60_000;
        await writeUsage(h.tables.usage, wave1.map(toRecord));
        await runJob(0);
        await writeUsage(h.tables.usage, wave2.map(toRecord));
        await runJob(1);
        // 13:15 — everything closed; further runs, each after the previous claims' leases expired.
        clock.t = H0 + HOUR + 15 * 60_000;
        for (let i = 2; i < 6; i++) {
          await runJob(i);
          clock.advance(11 * 60_000);
        }
        await job(h, clock); // a last, crash-free run
        const mine = h.fake.billed; // reset at the start of each run
        const billed = new Map<string, number>();
        for (const b of mine) {
          const key = `${b.licenseArn ?? b.customerIdentifier}|${b.dimension}|${b.hour}`;
          expect(billed.has(key)).toBe(false); // one record per customer, dimension and hour
          billed.set(key, b.quantity);
        }
        expect(billed).toEqual(expected);
        const open = (await ledgerItems(h)).filter((i) => i.open === 'true');
        expect(open).toEqual([]);
      },
    ),
    // A fresh random seed every run (fast-check prints it with the counterexample on failure);
    // FC_SEED=<seed> replays a reported failure.
    { numRuns: 15, ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED) } : {}), endOnFailure: true },
  );
}, 300000); // 15 random scenarios against DynamoDB Local + the fake: minutes on a loaded 2-core machine
