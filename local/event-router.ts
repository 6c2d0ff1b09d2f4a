/**
 * EventBridge for the local runtime, concurrent like the real one: every entry put on the loopback bus is
 * delivered at once, in parallel, along every synthesized rule whose pattern matches (local/event-pattern)
 * to its targets — Lambda functions (LambdaPool instances) and state machines (aws-local-stepfunctions).
 *
 * Each event belongs to a trace: the HTTP request (or other root) whose handler, or whose events'
 * handlers and jobs, put it. The put's origin tells which: handler instances put through
 * `<bus>/i/<instance>` (LambdaPool), state-machine executions through `<bus>/t/<trace>`. `settled(trace)`
 * resolves when nothing of that trace is in flight, which lets the runtime answer a request after the
 * system settled for *that* request while other requests keep running.
 *
 * Every delivery is logged as one line (event, rule, target, result) and so is every event no rule
 * matched; the timeline keeps the last events for the console.
 */
import { randomUUID } from 'node:crypto';
import type { CapturedEvent, EventBridgeCapture } from './eventbridge-capture';
import type { InvocationTrace } from './lambda-pool';
import type { LocalExecution } from './step-functions';
import type { SynthHarness } from './synth-harness';

export interface Trace extends InvocationTrace {
  pending: number;
  waiters: (() => void)[];
}

export interface TimelineDelivery {
  readonly rule: string;
  readonly target: string;
  readonly kind: 'lambda' | 'states';
  outcome: 'running' | 'ok' | 'error';
  detail?: string;
  ms?: number;
}

export interface TimelineEvent {
  readonly id: string;
  readonly time: string;
  readonly source: string;
  readonly detailType: string;
  readonly detail: Record<string, unknown>;
  readonly trace: string;
  readonly deliveries: TimelineDelivery[];
}

export interface Plane {
  readonly harness: SynthHarness;
  /** Invokes one of this plane's functions (logical name) with an event, on behalf of `trace`. */
  invoke(fnLogical: string, event: unknown, trace: Trace): Promise<unknown>;
  /** Runs one of this plane's state machines (logical name) with an event, on behalf of `trace`. */
  runStateMachine?(logical: string, event: unknown, trace: Trace): Promise<LocalExecution>;
}

const TIMELINE_LIMIT = 2000;

export class EventRouter {
  readonly timeline: TimelineEvent[] = [];
  private readonly traces = new Map<string, Trace>();
  /** Events put without a known trace (e.g. by a script calling the bus directly). */
  private readonly background: Trace;

  constructor(
    bus: EventBridgeCapture,
    private readonly planes: Plane[],
    private readonly o: {
      log: (line: string) => void;
      /** Trace of the invocation a handler instance is serving. */
      traceOfInstance: (instanceId: string) => InvocationTrace | undefined;
      account?: string;
      region?: string;
    },
  ) {
    this.background = this.newTrace('background');
    bus.onEvent((e, origin) => this.put(e, this.traceOfOrigin(origin)));
  }

  newTrace(id: string = randomUUID()): Trace {
    const t: Trace = { id, pending: 0, waiters: [] };
    this.traces.set(id, t);
    return t;
  }

  /** Resolves when no event of `trace` is being delivered (and forgets the trace). */
  settled(trace: Trace): Promise<void> {
    if (trace.pending === 0) {
      this.traces.delete(trace.id);
      return Promise.resolve();
    }
    return new Promise((resolve) => trace.waiters.push(resolve));
  }

  /** Resolves when no event put on the bus from outside (not by a handler or job of a request) is being delivered. */
  settledOutside(): Promise<void> {
    if (this.background.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.background.waiters.push(resolve));
  }

  private traceOfOrigin(origin: string): Trace {
    const m = /^\/(i|t)\/([^/]+)/.exec(origin);
    if (m?.[1] === 't') return this.traces.get(decodeURIComponent(m[2]!)) ?? this.background;
    if (m?.[1] === 'i') {
      const t = this.o.traceOfInstance(decodeURIComponent(m[2]!));
      if (t && 'pending' in t) return t as Trace;
    }
    return this.background;
  }

  private done(trace: Trace): void {
    if (--trace.pending === 0) {
      const w = trace.waiters.splice(0);
      if (trace !== this.background) this.traces.delete(trace.id);
      for (const f of w) f();
    }
  }

  private put(e: CapturedEvent, trace: Trace): void {
    const envelope = {
      version: '0',
      id: randomUUID(),
      'detail-type': e.DetailType,
      source: e.Source,
      account: this.o.account ?? '000000000000',
      time: e.Time ?? new Date().toISOString(),
      region: this.o.region ?? 'us-east-1',
      resources: e.Resources ?? [],
      detail: e.detail,
    };
    const entry: TimelineEvent = {
      id: envelope.id,
      time: envelope.time,
      source: e.Source,
      detailType: e.DetailType,
      detail: e.detail,
      trace: trace.id,
      deliveries: [],
    };
    this.timeline.push(entry);
    if (this.timeline.length > TIMELINE_LIMIT) this.timeline.splice(0, this.timeline.length - TIMELINE_LIMIT);
    const subject = subjectOf(e.detail);
    const jobs: Promise<void>[] = [];
    for (const plane of this.planes) {
      for (const t of plane.harness.ruleTargets(envelope)) {
        const d: TimelineDelivery = { rule: t.rule, target: t.logical, kind: t.kind, outcome: 'running' };
        entry.deliveries.push(d);
        const started = Date.now();
        const run =
          t.kind === 'lambda'
            ? plane.invoke(t.logical, envelope, trace).then(() => undefined)
            : plane.runStateMachine
              ? plane.runStateMachine(t.logical, envelope, trace).then((x) => {
                  if (x.status !== 'SUCCEEDED') throw new Error(`execution ${x.status}: ${x.error ?? ''}`);
                })
              : Promise.reject(new Error(`state machine ${t.logical} targeted but this plane runs none`));
        jobs.push(
          run.then(
            () => {
              d.outcome = 'ok';
              d.ms = Date.now() - started;
              this.o.log(
                `event ${e.DetailType}${subject} → rule ${short(t.rule)} → ${t.kind} ${short(t.logical)}: ok (${d.ms} ms)`,
              );
            },
            (err: unknown) => {
              d.outcome = 'error';
              d.ms = Date.now() - started;
              d.detail = err instanceof Error ? err.message : String(err);
              this.o.log(
                `event ${e.DetailType}${subject} → rule ${short(t.rule)} → ${t.kind} ${short(t.logical)}: FAILED (${d.ms} ms): ${d.detail}`,
              );
            },
          ),
        );
      }
    }
    if (!jobs.length) {
      this.o.log(`event ${e.DetailType}${subject} from ${e.Source}: no rule matched`);
      return;
    }
    trace.pending++;
    void Promise.all(jobs).then(() => this.done(trace));
  }
}

/** `tenant=… ` for the log line, when the detail names one. */
function subjectOf(detail: Record<string, unknown>): string {
  const id = detail.tenantId ?? detail.tenantRegistrationId;
  return typeof id === 'string' ? ` (${detail.tenantId ? 'tenant' : 'registration'} ${id})` : '';
}

/** Logical names without their hash suffix (`control-plane_tenant-management_fn_1A2B3C4D` → `…fn`). */
function short(logical: string): string {
  return logical.replace(/_[0-9A-F]{8}$/, '');
}
