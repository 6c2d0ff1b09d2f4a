// The tenant lifecycle state machine: legal transitions, 409-worthy illegal ones, history, properties.
import fc from 'fast-check';
import {
  allowedEvents,
  appendHistory,
  isActiveFlag,
  LIFECYCLE_EVENTS,
  LIFECYCLE_STATES,
  LifecycleError,
  MAX_HISTORY,
  nextState,
  registered,
  retryEventFor,
  transition,
  TRANSITIONS,
  type LifecycleEvent,
  type LifecycleState,
  type TransitionRecord,
} from '../../../src/contracts/lifecycle';

const ctx = { at: '2026-01-01T00:00:00.000Z', reason: 'test' };

/**
 * The machine written out by hand as walks along the diagram in src/contracts/lifecycle.ts (not derived
 * from TRANSITIONS): together they take every legal edge, and an edge no walk takes is illegal (see the full
 * table below). Kills e.g. a PROVISIONING → ACTIVE "activate" edge slipped into the machine (survivor (a) of
 * issue 16), which no happy path or property over the table itself would notice.
 */
const WALKS = [
  'REGISTERED -provision-> PROVISIONING -provisionFailed-> PROVISION_FAILED -retryProvisioning-> PROVISIONING',
  'PROVISIONING -provisionSucceeded-> ACTIVE -deactivate-> DEACTIVATED -activate-> ACTIVE -offboard-> OFFBOARDING',
  'OFFBOARDING -deprovisionFailed-> DEPROVISION_FAILED -retryDeprovisioning-> OFFBOARDING -deprovisionSucceeded-> OFFBOARDED',
  'REGISTERED -offboard-> OFFBOARDING, PROVISION_FAILED -offboard-> OFFBOARDING, DEACTIVATED -offboard-> OFFBOARDING',
];
type Edge = readonly [LifecycleState, LifecycleEvent, LifecycleState];
/** `A -e-> B -f-> C, D -g-> E` → [A, e, B], [B, f, C], [D, g, E]. */
const EDGES: Edge[] = WALKS.flatMap((line) =>
  line.split(', ').flatMap((walk) => {
    const [start, ...steps] = walk.split(' ');
    let from = start as LifecycleState;
    const edges: Edge[] = [];
    for (let i = 0; i < steps.length; i += 2) {
      const event = steps[i]!.replace(/^-|->$/g, '') as LifecycleEvent;
      const to = steps[i + 1] as LifecycleState;
      edges.push([from, event, to]);
      from = to;
    }
    return edges;
  }),
);

test('every walk along the diagram goes through, leaving one history record per step', () => {
  expect(EDGES).toHaveLength(13);
  for (const [from, event, to] of EDGES) {
    const r = transition(from, event, ctx);
    expect(r.state).toBe(to);
    expect(r.record).toEqual({ from, to, event, at: ctx.at, reason: 'test' });
  }
});

test('illegal transitions throw LifecycleError naming the state and what is allowed', () => {
  expect(() => transition('ACTIVE', 'activate', ctx)).toThrow(LifecycleError);
  expect(() => transition('ACTIVE', 'activate', ctx)).toThrow(
    'Cannot activate a tenant in state ACTIVE (allowed from ACTIVE: deactivate, offboard)',
  );
  expect(() => transition('OFFBOARDED', 'activate', ctx)).toThrow('(OFFBOARDED is final)');
  expect(() => transition('PROVISIONING', 'deactivate', ctx)).toThrow(LifecycleError);
  expect(() => transition('OFFBOARDING', 'offboard', ctx)).toThrow(LifecycleError);
});

test('failures carry the job error into the record', () => {
  const error = { error: 'States.TaskFailed', cause: 'CodeBuild exited 1', jobOutput: { tenantStatus: 'Failed' } };
  const r = transition('PROVISIONING', 'provisionFailed', { ...ctx, error });
  expect(r.record.error).toEqual(error);
});

test('retry events exist only for failed states; the active flag drops once offboarding starts', () => {
  expect(LIFECYCLE_STATES.filter((s) => retryEventFor(s))).toEqual(['PROVISION_FAILED', 'DEPROVISION_FAILED']);
  expect(LIFECYCLE_STATES.filter((s) => !isActiveFlag(s))).toEqual(['OFFBOARDING', 'OFFBOARDED', 'DEPROVISION_FAILED']);
});

test('history is bounded and keeps the newest records', () => {
  const rec = (i: number): TransitionRecord => ({
    from: 'ACTIVE',
    to: 'DEACTIVATED',
    event: 'deactivate',
    at: String(i),
    reason: 'r',
  });
  const h = appendHistory([registered(ctx)], ...Array.from({ length: 80 }, (_, i) => rec(i)));
  expect(h).toHaveLength(MAX_HISTORY);
  expect(h.at(-1)!.at).toBe('79');
});

test('property: any event sequence from REGISTERED either follows the table or is refused, never skips a state', () => {
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...LIFECYCLE_EVENTS), { maxLength: 40 }), (events) => {
      let state: LifecycleState = 'REGISTERED';
      const history: TransitionRecord[] = [registered(ctx)];
      for (const e of events) {
        const expected = nextState(state, e);
        try {
          const r = transition(state, e, ctx);
          expect(r.state).toBe(expected);
          expect(r.record.from).toBe(state);
          history.push(r.record);
          state = r.state;
        } catch (err) {
          expect(err).toBeInstanceOf(LifecycleError);
          expect(expected).toBeUndefined();
          expect(allowedEvents(state)).not.toContain(e);
        }
      }
      // the history is a chain: each record starts where the previous ended
      for (let i = 1; i < history.length; i++) expect(history[i].from).toBe(history[i - 1].to);
      // ACTIVE is only ever entered from PROVISIONING or DEACTIVATED
      for (const r of history) if (r.to === 'ACTIVE') expect(['PROVISIONING', 'DEACTIVATED']).toContain(r.from);
    }),
  );
});

test('OFFBOARDED is the only final state and every state can reach it', () => {
  const finals = LIFECYCLE_STATES.filter((s) => allowedEvents(s).length === 0);
  expect(finals).toEqual(['OFFBOARDED']);
  const reaches = (s: LifecycleState, seen = new Set<LifecycleState>()): boolean => {
    if (s === 'OFFBOARDED') return true;
    seen.add(s);
    return Object.values(TRANSITIONS[s]).some((n) => n && !seen.has(n) && reaches(n, seen));
  };
  for (const s of LIFECYCLE_STATES) expect(reaches(s)).toBe(true);
});

/** The walks as a table: from-state → event → to-state; the vocabulary is whatever the walks name. */
const EXPECTED_TABLE = {} as Record<LifecycleState, Partial<Record<LifecycleEvent, LifecycleState>>>;
for (const [from, event, to] of EDGES) EXPECTED_TABLE[from] = { ...EXPECTED_TABLE[from], [event]: to };
const ALL_STATES = [...new Set(EDGES.flatMap(([from, , to]) => [from, to]))];
const ALL_EVENTS = [...new Set(EDGES.map(([, event]) => event))];
for (const s of ALL_STATES) EXPECTED_TABLE[s] ??= {};
const cells = ALL_STATES.flatMap((state) =>
  ALL_EVENTS.map((event) => [state, event, EXPECTED_TABLE[state][event]] as const),
);

test('the vocabulary is exactly the 8 states and 10 events the table covers', () => {
  expect([...LIFECYCLE_STATES].sort()).toEqual([...ALL_STATES].sort());
  expect([...LIFECYCLE_EVENTS].sort()).toEqual([...ALL_EVENTS].sort());
  expect(cells).toHaveLength(80);
});

describe('full transition table (every state × every event): survivor (a), e.g. a PROVISIONING → ACTIVE "activate" edge', () => {
  test.each(cells.filter(([, , to]) => to))('%s + %s → %s (allowed)', (state, event, to) => {
    expect(nextState(state, event)).toBe(to);
    expect(allowedEvents(state)).toContain(event);
    expect(transition(state, event, ctx)).toEqual({
      state: to,
      record: { from: state, to, event, at: ctx.at, reason: 'test' },
    });
  });
  test.each(cells.filter(([, , to]) => !to).map(([s, e]) => [s, e] as const))(
    '%s + %s is refused (409-worthy LifecycleError)',
    (state, event) => {
      expect(nextState(state, event)).toBeUndefined();
      expect(allowedEvents(state)).not.toContain(event);
      let err: unknown;
      try {
        transition(state, event, ctx);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(LifecycleError);
      const le = err as LifecycleError;
      expect({ from: le.from, event: le.event, allowed: [...le.allowed].sort() }).toEqual({
        from: state,
        event,
        allowed: Object.keys(EXPECTED_TABLE[state]).sort(),
      });
      expect(le.message).toContain(`Cannot ${event} a tenant in state ${state}`);
    },
  );
  test('allowedEvents(state) is exactly the row of the table', () => {
    for (const s of ALL_STATES) expect([...allowedEvents(s)].sort()).toEqual(Object.keys(EXPECTED_TABLE[s]).sort());
  });
});
