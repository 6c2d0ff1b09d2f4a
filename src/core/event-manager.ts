import { CloudwatchEventBus } from '@cdktf/provider-aws/lib/cloudwatch-event-bus';
import { CloudwatchEventBusPolicy } from '@cdktf/provider-aws/lib/cloudwatch-event-bus-policy';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { Construct, Fn } from './cdktf';
import {
  APPLICATION_PLANE_EVENT_KEYS,
  APPLICATION_PLANE_SOURCE,
  CONTROL_PLANE_EVENT_KEYS,
  CONTROL_PLANE_SOURCE,
  detailTypeOf,
  type SbtEventKey,
} from './event-catalog';
import { EventBusTarget, type IEventTarget } from './event-targets';
import { ServiceRole } from './iam';
import type { IGrantable } from './iam';

/** An event by detail-type and source (SBT's EventDefinition). */
export class EventDefinition {
  constructor(
    readonly detailType: string,
    readonly source: string,
  ) {}
}

export interface AddTargetToEventProps {
  /** The event to route. */
  readonly eventDefinition: EventDefinition;
  /** Where it goes. */
  readonly target: IEventTarget;
  /**
   * Construct id of the target under its rule (part of the resource address). Give one when a rule gets
   * a second target. @default 'target'
   */
  readonly targetId?: string;
}

/** SBT's IEventManager, as members that mean the same here. */
export interface IEventManager {
  readonly busName: string;
  readonly busArn: string;
  readonly controlPlaneEventSource: string;
  readonly applicationPlaneEventSource: string;
  readonly events: Record<SbtEventKey, EventDefinition> & Record<string, EventDefinition>;
  addTargetToEvent(scope: Construct, props: AddTargetToEventProps): void;
  createControlPlaneEvent(detailType: string): EventDefinition;
  createApplicationPlaneEvent(detailType: string): EventDefinition;
  createCustomEvent(detailType: string, source: string): EventDefinition;
  grantPutEventsTo(grantee: IGrantable): void;
  /** Environment a handler needs to put events here (bus name, sources, per-event overrides). */
  handlerEnvironment(): Record<string, string>;
}

export interface EventManagerProps {
  /** Name of the bus to create. @default `<namePrefix>-sbt-events` is the caller's job; required unless adopting */
  readonly busName?: string;
  /**
   * ARN of an existing bus to adopt instead of creating one — e.g. the control plane's bus when the
   * application plane lives in another stack, module or account. @default create a bus
   */
  readonly eventBusArn?: string;
  /** Source for control-plane events. @default 'sbt.control.plane' (SBT's) */
  readonly controlPlaneEventSource?: string;
  /** Source for application-plane events. @default 'sbt.application.plane' (SBT's) */
  readonly applicationPlaneEventSource?: string;
  /** Per-event source overrides keyed by the un-prefixed key, e.g. `{ onboardingRequest: 'my.source' }`. */
  readonly sourceOverrides?: Partial<Record<SbtEventKey, string>>;
  /**
   * AWS account ids allowed to put events on the bus (SBT issue #166: account-per-tenant application
   * planes). Only for a bus this manager creates. @default none
   */
  readonly allowPutEventsFromAccounts?: string[];
}

const sanitize = (s: string) => s.replace(/[^a-zA-Z0-9]/g, '_');
/** The source each rule made by `ruleFor` matches (one rule per scope and detail type). */
const ruleSources = new WeakMap<CloudwatchEventRule, string>();

/**
 * Owns (or adopts) the SBT event bus and the event catalogue: the 21 SBT events with SBT's detail-types
 * and sources plus `tenantUpdated`, and custom events. Rules are created in the *caller's* scope (one per
 * event per scope), so an application-plane stack never makes the control-plane stack depend on it.
 */
export class EventManager extends Construct implements IEventManager {
  readonly busName: string;
  readonly busArn: string;
  readonly controlPlaneEventSource: string;
  readonly applicationPlaneEventSource: string;
  readonly events = {} as Record<SbtEventKey, EventDefinition> & Record<string, EventDefinition>;
  readonly bus?: CloudwatchEventBus;
  private readonly registered = new Set<string>();
  private readonly overrides: Partial<Record<SbtEventKey, string>>;

  constructor(scope: Construct, id: string, props: EventManagerProps) {
    super(scope, id);
    this.controlPlaneEventSource = props.controlPlaneEventSource ?? CONTROL_PLANE_SOURCE;
    this.applicationPlaneEventSource = props.applicationPlaneEventSource ?? APPLICATION_PLANE_SOURCE;
    this.overrides = props.sourceOverrides ?? {};

    if (props.eventBusArn) {
      if (props.allowPutEventsFromAccounts?.length) {
        throw new Error(`${this.node.path}: allowPutEventsFromAccounts needs a bus this manager creates, not an adopted one`);
      }
      this.busArn = props.eventBusArn;
      // arn:aws:events:<region>:<account>:event-bus/<name>
      this.busName = Fn.element(Fn.split('/', props.eventBusArn), 1);
    } else {
      if (!props.busName) throw new Error(`${this.node.path}: EventManager needs busName or eventBusArn`);
      this.bus = new CloudwatchEventBus(this, 'bus', { name: props.busName });
      this.busArn = this.bus.arn;
      this.busName = this.bus.name;
      if (props.allowPutEventsFromAccounts?.length) {
        new CloudwatchEventBusPolicy(this, 'cross-account-policy', {
          eventBusName: this.bus.name,
          policy: Fn.jsonencode({
            Version: '2012-10-17',
            Statement: [
              {
                Sid: 'AllowPutEventsFromTrustedAccounts',
                Effect: 'Allow',
                Principal: { AWS: props.allowPutEventsFromAccounts.map((a) => `arn:aws:iam::${a}:root`) },
                Action: 'events:PutEvents',
                Resource: this.bus.arn,
              },
            ],
          }),
        });
      }
    }

    for (const key of CONTROL_PLANE_EVENT_KEYS) {
      this.events[key] = this.register(detailTypeOf(key), this.overrides[key] ?? this.controlPlaneEventSource);
    }
    for (const key of APPLICATION_PLANE_EVENT_KEYS) {
      this.events[key] = this.register(detailTypeOf(key), this.overrides[key] ?? this.applicationPlaneEventSource);
    }
  }

  private register(detailType: string, source: string): EventDefinition {
    const k = `${source}:${detailType}`;
    if (this.registered.has(k)) {
      throw new Error(`Event with detail type '${detailType}' and source '${source}' already exists`);
    }
    this.registered.add(k);
    return new EventDefinition(detailType, source);
  }

  createControlPlaneEvent(detailType: string): EventDefinition {
    return this.createCustomEvent(detailType, this.controlPlaneEventSource);
  }

  createApplicationPlaneEvent(detailType: string): EventDefinition {
    return this.createCustomEvent(detailType, this.applicationPlaneEventSource);
  }

  /** Registers a custom event (not prefixed); it becomes reachable as `events[detailType]`. */
  createCustomEvent(detailType: string, source: string): EventDefinition {
    const def = this.register(detailType, source);
    this.events[detailType] = def;
    return def;
  }

  /** The rule for `def` in `scope`, created on first use and reused for further targets. */
  ruleFor(scope: Construct, def: EventDefinition): CloudwatchEventRule {
    // The detail type names the rule (it is the rule's resource address: `<scope>_<detail_type>`); the
    // same detail type from a second source in one scope would need a second id, so it is refused.
    const id = sanitize(def.detailType);
    const existing = scope.node.tryFindChild(id) as CloudwatchEventRule | undefined;
    if (existing) {
      const source = ruleSources.get(existing);
      if (source !== def.source) {
        throw new Error(`${scope.node.path}: a rule for '${def.detailType}' from '${source}' exists; a second source ('${def.source}') for it needs its own scope`);
      }
      return existing;
    }
    const rule = new CloudwatchEventRule(scope, id, {
      eventBusName: this.busArn,
      description: `${def.detailType} from ${def.source}`,
      eventPattern: JSON.stringify({ source: [def.source], 'detail-type': [def.detailType] }),
    });
    ruleSources.set(rule, def.source);
    return rule;
  }

  addTargetToEvent(scope: Construct, props: AddTargetToEventProps): void {
    const rule = this.ruleFor(scope, props.eventDefinition);
    const targetId = props.targetId ?? 'target';
    if (rule.node.tryFindChild(targetId)) {
      throw new Error(`${rule.node.path} already has a target '${targetId}': pass a distinct targetId for the next one`);
    }
    props.target.bind(rule, targetId, rule);
  }

  /**
   * Forwards `events` from this bus to another bus (e.g. an application plane's or a control plane's bus in
   * another account), with one role allowed to put events on that bus only. Rules live in `scope`.
   */
  forwardEvents(scope: Construct, o: { targetBusArn: string; events: EventDefinition[]; roleName: string; id?: string }): ServiceRole {
    const role = new ServiceRole(scope, o.id ?? `forward-${sanitize(o.roleName)}`, {
      name: o.roleName,
      servicePrincipal: 'events.amazonaws.com',
      statements: [{ actions: ['events:PutEvents'], resources: [o.targetBusArn] }],
    });
    for (const def of o.events) this.addTargetToEvent(scope, { eventDefinition: def, target: new EventBusTarget(o.targetBusArn, { role }), targetId: 'forward' });
    return role;
  }

  grantPutEventsTo(grantee: IGrantable): void {
    grantee.addToRolePolicy({ actions: ['events:PutEvents'], resources: [this.busArn] });
  }

  handlerEnvironment(): Record<string, string> {
    const env: Record<string, string> = {
      EVENT_BUS_NAME: this.busName,
      CONTROL_PLANE_EVENT_SOURCE: this.controlPlaneEventSource,
      APPLICATION_PLANE_EVENT_SOURCE: this.applicationPlaneEventSource,
    };
    for (const [k, v] of Object.entries(this.overrides)) if (v) env[`EVENT_SOURCE_${k}`] = v;
    return env;
  }
}
