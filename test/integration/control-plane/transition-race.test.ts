/**
 * The tenant transition guard (applyTransition's conditional write: same state AND same version as read),
 * with the race FORCED instead of hoped for (issue 16, survivor (f): "tenant transition guard removed" was
 * caught only when two concurrent requests happened to interleave).
 *
 * A DynamoDB middleware on the first service's client runs a competing write — through a second, unhooked
 * service on the same DynamoDB Local tables — after the first service has read the tenant and just before
 * its TransactWrite goes out. So the interleaving is the same on every run: read(A) → write(B) → write(A).
 * With the guard, A's write is refused, A re-reads (the retry) and re-decides on the new state; without
 * it, A would overwrite B's transition (two deactivations, or history built on a stale read).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TenantService, type Emit } from '../../../lambda/tenant-management/domain/tenant-service';
import { LifecycleError, type TransitionRecord } from '../../../src/contracts/lifecycle';
import { httpStatusOf } from '../../../lambda/shared/http';
import { setUp, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await setUp('cp-race');
});
afterAll(() => h.bus.stop());

const emitted: string[] = [];
const emit: Emit = async (events) => {
  emitted.push(...events.map((e) => e.key));
};

/** Counts the requests a service sends and runs `beforeNextWrite` once, right before its next TransactWrite. */
function racingClient() {
  const client = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
  });
  const calls: string[] = [];
  const state: { beforeNextWrite?: () => Promise<void> } = {};
  client.middlewareStack.add(
    (next) => async (args) => {
      const input = args.input as Record<string, unknown>;
      const kind =
        'TransactItems' in input ? 'write' : 'Key' in input && !('UpdateExpression' in input) ? 'read' : 'other';
      calls.push(kind);
      if (kind === 'write' && state.beforeNextWrite) {
        const race = state.beforeNextWrite;
        state.beforeNextWrite = undefined;
        await race();
      }
      return next(args);
    },
    { step: 'initialize', name: 'forceInterleaving' },
  );
  return { client, calls, state };
}

function services() {
  const racing = racingClient();
  const deps = {
    tenantTable: process.env.TENANT_TABLE_NAME!,
    registrationTable: process.env.REGISTRATION_TABLE_NAME!,
    emit,
  };
  const a = new TenantService({ ...deps, db: racing.client });
  const b = new TenantService({
    ...deps,
    db: DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } }),
  });
  return { a, b, racing };
}

async function activeTenant(b: TenantService): Promise<string> {
  const { tenant } = await b.onboard({ tenantData: { tier: 'basic' }, registrationData: {}, reason: 'test' });
  const id = String(tenant.tenantId);
  await b.applyTransition(id, 'provisionSucceeded', { reason: 'test' });
  return id;
}

/**
 * Two services on an ACTIVE tenant, `race` (B's competing write) armed to run once, right before A's next
 * write; `calls` counts A's requests from here on.
 */
async function raced(race: (b: TenantService, id: string) => Promise<unknown>) {
  const { a, b, racing } = services();
  const id = await activeTenant(b);
  racing.state.beforeNextWrite = async () => {
    await race(b, id);
  };
  racing.calls.length = 0;
  return { a, b, id, calls: racing.calls };
}

const status = async (p: Promise<unknown>) =>
  p.then(
    () => 200,
    (e: unknown) => httpStatusOf(e) ?? 500,
  );

test("survivor (f): the transition guard — B deactivates between A's read and A's write; A retries (re-reads) and then answers 409", async () => {
  const { a, b, id, calls } = await raced((other, tenant) => other.requestTransition(tenant, 'deactivate', 'B'));
  const err = await a.requestTransition(id, 'deactivate', 'A').then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(LifecycleError);
  expect(httpStatusOf(err)).toBe(409);
  expect((err as Error).message).toMatch(/Cannot deactivate a tenant in state DEACTIVATED/);
  // read → (B wins) → refused write → re-read → 409 without a second write
  expect(calls.filter((c) => c !== 'other')).toEqual(['read', 'write', 'read']);
  const t = await b.getTenant(id);
  expect(t.lifecycleState).toBe('DEACTIVATED');
  const history = t.lifecycleHistory as TransitionRecord[];
  expect(history.filter((r) => r.event === 'deactivate').map((r) => r.reason)).toEqual(['B']); // exactly one deactivation
  expect(t.version).toBe(3); // created 1, provisioned 2, B's deactivation 3 — A wrote nothing
});

test("survivor (f): a lost race is re-decided on the new state — A offboards, B deactivates first; A's retry offboards from DEACTIVATED", async () => {
  const { a, b, id, calls } = await raced((other, tenant) => other.requestTransition(tenant, 'deactivate', 'B'));
  await a.requestTransition(id, 'offboard', 'A');
  expect(calls.filter((c) => c !== 'other').slice(0, 4)).toEqual(['read', 'write', 'read', 'write']);
  const t = await b.getTenant(id);
  const history = (t.lifecycleHistory as TransitionRecord[]).map((r) => [r.from, r.event, r.to, r.reason]);
  // the history is a chain: A's record starts where B's ended, B's is not lost
  expect(history.slice(-2)).toEqual([
    ['ACTIVE', 'deactivate', 'DEACTIVATED', 'B'],
    ['DEACTIVATED', 'offboard', 'OFFBOARDING', 'A'],
  ]);
  expect(t.lifecycleState).toBe('OFFBOARDING');
});

test('survivor (f): a stale version alone (same state, data changed in between) also forces the retry; no write is lost', async () => {
  const { a, b, id, calls } = await raced((other, tenant) => other.updateTenant(tenant, { tier: 'premium' }, 'B'));
  await a.requestTransition(id, 'deactivate', 'A');
  expect(calls.filter((c) => c !== 'other').slice(0, 4)).toEqual(['read', 'write', 'read', 'write']);
  const t = await b.getTenant(id);
  expect({ state: t.lifecycleState, tier: t.tier }).toEqual({ state: 'DEACTIVATED', tier: 'premium' });
});

test('a race lost on every attempt ends after the bounded retries with an error, never a silent overwrite', async () => {
  const { a, b, racing } = services();
  const id = await activeTenant(b);
  let flips = 0;
  const flip = async () => {
    flips++;
    await b.updateTenant(id, { flips }, 'B'); // bumps the version every time A is about to write
    racing.state.beforeNextWrite = flip;
  };
  racing.state.beforeNextWrite = flip;
  expect(await status(a.requestTransition(id, 'deactivate', 'A'))).not.toBe(200);
  racing.state.beforeNextWrite = undefined;
  expect(flips).toBe(4); // attempts 0..3, then the error propagates
  expect((await b.getTenant(id)).lifecycleState).toBe('ACTIVE');
});
