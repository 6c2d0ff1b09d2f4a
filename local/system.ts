/**
 * The synthesized system on loopback: several stacks' JSON wired together the way AWS would run them.
 * Every PutEvents a handler or a state machine makes reaches EventBridgeCapture; `drain()` then delivers
 * each event along every synthesized rule whose pattern matches (our EventBridge matcher, local/) to its
 * targets — Lambda handlers with the environment their Terraform declares (SynthHarness), or state
 * machines run by aws-local-stepfunctions (LocalStepFunctions) — until the bus is quiet.
 */
import { randomUUID } from 'node:crypto';
import { matchesPattern } from './event-pattern';
import type { CapturedEvent, EventBridgeCapture } from './eventbridge-capture';
import type { LocalStepFunctions } from './step-functions';
import type { SynthHarness } from './synth-harness';

export interface Delivery {
  readonly detailType: string;
  readonly target: string;
  readonly kind: 'lambda' | 'states';
  readonly outcome: 'ok' | 'error';
  readonly detail?: string;
}

export class LocalSystem {
  /** Every delivery made, in order (what a trace of the system would show). */
  readonly deliveries: Delivery[] = [];
  private readonly pending: CapturedEvent[] = [];

  constructor(
    bus: EventBridgeCapture,
    private readonly planes: { harness: SynthHarness; stepFunctions?: LocalStepFunctions }[],
    private readonly account = '000000000000',
    private readonly region = 'us-east-1',
  ) {
    bus.onEvent((e) => this.pending.push(e));
  }

  /** The pattern matcher every plane's harness should use (pass as SynthHarness `matches`). */
  static readonly matches = (pattern: Record<string, unknown>, event: Record<string, unknown>) =>
    matchesPattern(pattern, event);

  /** Delivers events until none is left; bounded so a feedback loop fails the test instead of hanging. */
  async drain(maxEvents = 100): Promise<void> {
    for (let n = 0; this.pending.length; n++) {
      if (n >= maxEvents) throw new Error(`more than ${maxEvents} events: a feedback loop?`);
      const e = this.pending.shift()!;
      const envelope = {
        version: '0',
        id: randomUUID(),
        'detail-type': e.DetailType,
        source: e.Source,
        account: this.account,
        time: new Date().toISOString(),
        region: this.region,
        resources: e.Resources ?? [],
        detail: e.detail,
      };
      for (const plane of this.planes) {
        for (const t of plane.harness.ruleTargets(envelope)) {
          if (t.kind === 'lambda') {
            try {
              await plane.harness.invoke(t.logical, envelope);
              this.deliveries.push({ detailType: e.DetailType, target: t.logical, kind: t.kind, outcome: 'ok' });
            } catch (err) {
              this.deliveries.push({
                detailType: e.DetailType,
                target: t.logical,
                kind: t.kind,
                outcome: 'error',
                detail: String(err),
              });
            }
          } else {
            if (!plane.stepFunctions)
              throw new Error(`state machine ${t.logical} targeted but no LocalStepFunctions given`);
            const run = await plane.stepFunctions.stateMachine(t.logical).run(envelope);
            this.deliveries.push({
              detailType: e.DetailType,
              target: t.logical,
              kind: t.kind,
              outcome: run.status === 'SUCCEEDED' ? 'ok' : 'error',
              detail: run.status,
            });
          }
        }
      }
    }
  }
}
