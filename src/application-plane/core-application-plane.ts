import { Construct } from '../core/cdktf';
import { EventManager, type IEventManager } from '../core/event-manager';
import type { ScriptJob } from './script-job';
import { propsErrors } from '../core/props-validation';

export interface CoreApplicationPlaneProps {
  /**
   * The event manager whose bus carries the control plane's events (e.g. the control plane's own, or one
   * adopting its bus). Give this or `eventBusArn`.
   */
  readonly eventManager?: IEventManager;
  /**
   * ARN of the control plane's bus, when the control plane lives elsewhere (another stack, module or —
   * with a bus in this account that the control plane's rules forward to — another account). Creates an
   * EventManager adopting it (`eventManager` below). Give this or `eventManager`.
   */
  readonly eventBusArn?: string;
  /** Jobs to trigger on their incoming events. More with `addScriptJob`. @default none */
  readonly scriptJobs?: ScriptJob[];
}

/**
 * The application plane's connection to the control plane (SBT-AWS's CoreApplicationPlane): for each
 * script job, an EventBridge rule on the job's incoming event, created in this construct's scope (so the
 * control plane never depends on the application plane), targeting the job's state machine.
 */
export class CoreApplicationPlane extends Construct {
  readonly eventManager: IEventManager;
  readonly scriptJobs: ScriptJob[] = [];

  constructor(scope: Construct, id: string, props: CoreApplicationPlaneProps) {
    super(scope, id);
    // Neither: thrown, not collected — there is no bus to put the rules on. Both: reported at synth.
    if (!props.eventManager && !props.eventBusArn)
      throw new Error(`${this.node.path}: give exactly one of eventManager and eventBusArn`);
    if (props.eventManager && props.eventBusArn)
      propsErrors(this).push('give exactly one of eventManager and eventBusArn');
    this.eventManager = props.eventManager ?? new EventManager(this, 'events', { eventBusArn: props.eventBusArn });
    for (const job of props.scriptJobs ?? []) this.addScriptJob(job);
  }

  /** Triggers `job` on its incoming event (a job can belong to one plane). */
  addScriptJob(job: ScriptJob): void {
    this.eventManager.addTargetToEvent(this, { eventDefinition: job.incomingEvent, target: job.eventTarget });
    this.scriptJobs.push(job);
  }
}
