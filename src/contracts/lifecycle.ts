/**
 * The tenant lifecycle as an explicit, pure state machine (no I/O): which transitions exist, which are
 * legal from which state, and the history entry each one leaves. SBT has no state machine — a tenant's
 * status is whatever a script exports — so failures are lost and nothing stops e.g. activating an
 * offboarded tenant. Here every change of `lifecycleState` goes through `transition()`; an illegal one is
 * a `LifecycleError` (the API answers 409).
 *
 *   REGISTERED ─provision─▶ PROVISIONING ─provisionSucceeded─▶ ACTIVE ⇄ DEACTIVATED
 *                              │  ▲                              │        │
 *          provisionFailed ◀───┘  └──retry── PROVISION_FAILED    └─offboard┴─▶ OFFBOARDING ─▶ OFFBOARDED
 *                                                                              │  ▲
 *                                                     deprovisionFailed ◀──────┘  └─retry── DEPROVISION_FAILED
 */
export const LIFECYCLE_STATES = [
  'REGISTERED',
  'PROVISIONING',
  'ACTIVE',
  'PROVISION_FAILED',
  'DEACTIVATED',
  'OFFBOARDING',
  'OFFBOARDED',
  'DEPROVISION_FAILED',
] as const;
export type LifecycleState = (typeof LIFECYCLE_STATES)[number];

/** What happened (the trigger of a transition). */
export const LIFECYCLE_EVENTS = [
  'provision',
  'provisionSucceeded',
  'provisionFailed',
  'retryProvisioning',
  'deactivate',
  'activate',
  'offboard',
  'deprovisionSucceeded',
  'deprovisionFailed',
  'retryDeprovisioning',
] as const;
export type LifecycleEvent = (typeof LIFECYCLE_EVENTS)[number];

/** from-state → event → to-state. Anything not listed is illegal. */
export const TRANSITIONS: Readonly<Record<LifecycleState, Partial<Record<LifecycleEvent, LifecycleState>>>> = {
  REGISTERED: { provision: 'PROVISIONING', offboard: 'OFFBOARDING' },
  PROVISIONING: { provisionSucceeded: 'ACTIVE', provisionFailed: 'PROVISION_FAILED' },
  PROVISION_FAILED: { retryProvisioning: 'PROVISIONING', offboard: 'OFFBOARDING' },
  ACTIVE: { deactivate: 'DEACTIVATED', offboard: 'OFFBOARDING' },
  DEACTIVATED: { activate: 'ACTIVE', offboard: 'OFFBOARDING' },
  OFFBOARDING: { deprovisionSucceeded: 'OFFBOARDED', deprovisionFailed: 'DEPROVISION_FAILED' },
  DEPROVISION_FAILED: { retryDeprovisioning: 'OFFBOARDING' },
  OFFBOARDED: {},
};

/** The error a job reported (ScriptJob failure: `error`/`cause`, plus whatever it exported). */
export interface JobError {
  readonly error?: string;
  readonly cause?: string;
  readonly jobOutput?: unknown;
}

/** One stored transition. */
export interface TransitionRecord {
  readonly from: LifecycleState | null;
  readonly to: LifecycleState;
  readonly event: LifecycleEvent | 'register';
  /** ISO-8601 time. */
  readonly at: string;
  /** Why (route, caller, event detail-type). */
  readonly reason: string;
  /** Set on failures: what the job reported. */
  readonly error?: JobError;
}

export class LifecycleError extends Error {
  constructor(
    readonly from: LifecycleState,
    readonly event: LifecycleEvent,
    readonly allowed: LifecycleEvent[],
  ) {
    super(
      `Cannot ${event} a tenant in state ${from}` +
        (allowed.length ? ` (allowed from ${from}: ${allowed.join(', ')})` : ` (${from} is final)`),
    );
    this.name = 'LifecycleError';
  }
}

export function isLifecycleState(v: unknown): v is LifecycleState {
  return typeof v === 'string' && (LIFECYCLE_STATES as readonly string[]).includes(v);
}

/** Events accepted in `state`. */
export function allowedEvents(state: LifecycleState): LifecycleEvent[] {
  return Object.keys(TRANSITIONS[state]) as LifecycleEvent[];
}

/** The state `event` leads to from `state`, or undefined when illegal. */
export function nextState(state: LifecycleState, event: LifecycleEvent): LifecycleState | undefined {
  return TRANSITIONS[state][event];
}

/** Applies `event` to `state`: the new state and the history record, or a LifecycleError. */
export function transition(
  state: LifecycleState,
  event: LifecycleEvent,
  ctx: { at: string; reason: string; error?: JobError },
): { state: LifecycleState; record: TransitionRecord } {
  const to = nextState(state, event);
  if (!to) throw new LifecycleError(state, event, allowedEvents(state));
  const record: TransitionRecord = {
    from: state,
    to,
    event,
    at: ctx.at,
    reason: ctx.reason,
    ...(ctx.error ? { error: ctx.error } : {}),
  };
  return { state: to, record };
}

/** The first record of every tenant. */
export function registered(ctx: { at: string; reason: string }): TransitionRecord {
  return { from: null, to: 'REGISTERED', event: 'register', at: ctx.at, reason: ctx.reason };
}

/** The retry event for a failed state (the retry route re-emits the matching request event). */
export function retryEventFor(state: LifecycleState): 'retryProvisioning' | 'retryDeprovisioning' | undefined {
  if (state === 'PROVISION_FAILED') return 'retryProvisioning';
  if (state === 'DEPROVISION_FAILED') return 'retryDeprovisioning';
  return undefined;
}

/** `sbtaws_active` (SBT's soft-delete flag) for a state: false once offboarding started. */
export function isActiveFlag(state: LifecycleState): boolean {
  return !['OFFBOARDING', 'OFFBOARDED', 'DEPROVISION_FAILED'].includes(state);
}

/** History is bounded so an item never nears DynamoDB's 400 KB limit, however often a tenant flips. */
export const MAX_HISTORY = 50;
export function appendHistory(
  history: readonly TransitionRecord[] | undefined,
  ...records: TransitionRecord[]
): TransitionRecord[] {
  return [...(history ?? []), ...records].slice(-MAX_HISTORY);
}
