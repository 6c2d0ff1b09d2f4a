import { CloudwatchEventBus } from '@cdktf/provider-aws/lib/cloudwatch-event-bus';
import { CloudwatchEventBusPolicy } from '@cdktf/provider-aws/lib/cloudwatch-event-bus-policy';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { Construct, Fn, Op, Token } from './cdktf';
import {
  APPLICATION_PLANE_EVENT_KEYS,
  CONTROL_PLANE_EVENT_KEYS,
  DEFAULT_EVENT_ERA,
  defaultSourceOf,
  detailTypesOf,
  isEventEra,
  keyOfDetailType,
  type EventEra,
  type SbtEventKey,
} from '../contracts/event-catalog';
import { EventBusTarget, type IEventTarget } from './event-targets';
import { ServiceRole } from './iam';
import type { IGrantable } from './iam';
import { propsErrors } from './props-validation';

/**
 * A standard event as SBT code names it: the catalogue key (pre-0.9 `DetailType`) or its ≥ 0.9 detail-type
 * (`sbt_aws_<key>`, DETAIL_TYPE_PREFIX). Defined here rather than in the catalogue: the catalogue's text
 * is bundled into the handlers, and any edit to it changes their minified bytes.
 */
export type SbtEventType = SbtEventKey | `sbt_aws_${SbtEventKey}`;

/** What else a rule for an EventDefinition matches, and the rule's stable id. */
export interface EventDefinitionOptions {
  /** Further detail-types the rule matches (e.g. the other era's name). @default none */
  readonly alsoMatchDetailTypes?: string[];
  /** Further sources the rule matches. @default none */
  readonly alsoMatchSources?: string[];
  /** Construct id of the rule (stable across eras). @default `<source>_<detailType>Rule`, sanitized (SBT's) */
  readonly ruleId?: string;
}

/**
 * An event by detail-type and source (SBT's EventDefinition): what is *emitted*. A rule made for it
 * (`addTargetToEvent`) also matches `matchDetailTypes` / `matchSources` — for SBT's standard events,
 * both eras' names — so senders of either era reach it.
 */
export class EventDefinition {
  readonly matchDetailTypes: string[];
  readonly matchSources: string[];
  readonly ruleId?: string;
  constructor(
    readonly detailType: string,
    readonly source: string,
    o: EventDefinitionOptions = {},
  ) {
    const literal = (xs: string[]) => xs.filter((x) => !Token.isUnresolved(x));
    this.matchDetailTypes = [...new Set(literal([detailType, ...(o.alsoMatchDetailTypes ?? [])]))];
    this.matchSources = [...new Set(literal([source, ...(o.alsoMatchSources ?? [])]))];
    this.ruleId = o.ruleId;
  }
}

/** SBT ≥ 0.9's argument: the event by definition. */
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

/** SBT before 0.9's argument: the event by `DetailType` (its un-prefixed name, e.g. `DetailType.ONBOARDING_REQUEST`). */
export interface AddTargetToEventByTypeProps {
  /**
   * A standard event's key / pre-0.9 detail-type (`DetailType.X`) or its ≥ 0.9 `sbt_aws_…` detail-type —
   * typed, so a misspelt name does not compile. Custom events go by `eventDefinition` (what
   * `createCustomEvent` returned).
   */
  readonly eventType: SbtEventType;
  /** Where it goes. */
  readonly target: IEventTarget;
  /** Construct id of the target under its rule (part of the resource address). @default 'target' */
  readonly targetId?: string;
}

/** SBT's IEventManager, as members that mean the same here. */
export interface IEventManager {
  readonly busName: string;
  readonly busArn: string;
  readonly controlPlaneEventSource: string;
  readonly applicationPlaneEventSource: string;
  /** The standard events, by catalogue key: a misspelt key is a compile error. */
  readonly events: Readonly<Record<SbtEventKey, EventDefinition>>;
  /** Events made by `createCustomEvent` (and the control/application-plane variants), by detail-type. */
  readonly customEvents: ReadonlyMap<string, EventDefinition>;
  /** Routes an event to a target; accepts SBT ≥ 0.9's `{eventDefinition, target}` and pre-0.9's `{eventType, target}`. */
  addTargetToEvent(scope: Construct, props: AddTargetToEventProps | AddTargetToEventByTypeProps): void;
  /** Which era's names this manager's events are emitted with (`sbt-0.9` / `pre-0.9`, or a Terraform expression). */
  readonly eventEra: string;
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
  /**
   * SBT's `eventBus` (an existing bus): adopted like `eventBusArn` — a CDK-style `{ eventBusArn }` or our
   * `aws_cloudwatch_event_bus` resource (`{ arn }`). @default create a bus
   */
  readonly eventBus?: { readonly eventBusArn: string } | { readonly arn: string };
  /**
   * Which era's names events are emitted with: `sbt-0.9` (`sbt_aws_<key>` from `sbt.control.plane` /
   * `sbt.application.plane`) or `pre-0.9` (`<key>` from `controlPlaneEventSource` /
   * `applicationPlaneEventSource`, what the seed's application planes listen for). A literal or a Terraform
   * expression (a stack's `event_era` variable). Rules match both eras either way.
   * @default 'sbt-0.9'
   */
  readonly eventEra?: EventEra | string;
  /**
   * Source for control-plane events. Set ⇒ emitted and matched exactly (no other era's default).
   * @default the era's default: 'sbt.control.plane' (≥ 0.9) / 'controlPlaneEventSource' (pre-0.9); rules match both
   */
  readonly controlPlaneEventSource?: string;
  /** Source for application-plane events; as `controlPlaneEventSource`. @default 'sbt.application.plane' / 'applicationPlaneEventSource' */
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
  readonly eventEra: string;
  readonly busName: string;
  readonly busArn: string;
  readonly controlPlaneEventSource: string;
  readonly applicationPlaneEventSource: string;
  readonly events: Readonly<Record<SbtEventKey, EventDefinition>>;
  readonly customEvents = new Map<string, EventDefinition>();
  readonly bus?: CloudwatchEventBus;
  private readonly registered = new Set<string>();
  private readonly overrides: Partial<Record<SbtEventKey, string>>;

  constructor(scope: Construct, id: string, props: EventManagerProps) {
    super(scope, id);
    const errors = propsErrors(this);
    const era = props.eventEra ?? DEFAULT_EVENT_ERA;
    if (!Token.isUnresolved(era) && !isEventEra(era)) errors.push(`eventEra '${era}' must be 'sbt-0.9' or 'pre-0.9'`);
    this.eventEra = era;
    this.explicitSources = { control: props.controlPlaneEventSource, application: props.applicationPlaneEventSource };
    this.controlPlaneEventSource =
      props.controlPlaneEventSource ??
      this.byEra(defaultSourceOf('onboardingRequest', 'sbt-0.9'), defaultSourceOf('onboardingRequest', 'pre-0.9'));
    this.applicationPlaneEventSource =
      props.applicationPlaneEventSource ??
      this.byEra(defaultSourceOf('provisionSuccess', 'sbt-0.9'), defaultSourceOf('provisionSuccess', 'pre-0.9'));
    this.overrides = props.sourceOverrides ?? {};

    const adopted =
      props.eventBusArn ??
      (props.eventBus
        ? 'eventBusArn' in props.eventBus
          ? props.eventBus.eventBusArn
          : props.eventBus.arn
        : undefined);
    if (props.eventBusArn && props.eventBus) errors.push('give eventBusArn or eventBus, not both');
    if (adopted) {
      if (props.allowPutEventsFromAccounts?.length)
        errors.push('allowPutEventsFromAccounts needs a bus this manager creates, not an adopted one');
      this.busArn = adopted;
      // arn:aws:events:<region>:<account>:event-bus/<name>
      this.busName = Fn.element(Fn.split('/', adopted), 1);
    } else {
      // Thrown, not collected: without a name or an ARN there is no bus to build on.
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

    const events = {} as Record<SbtEventKey, EventDefinition>;
    for (const key of CONTROL_PLANE_EVENT_KEYS) events[key] = this.standard(key, 'control');
    for (const key of APPLICATION_PLANE_EVENT_KEYS) events[key] = this.standard(key, 'application');
    this.events = events;
  }

  private readonly explicitSources: { control?: string; application?: string };

  /** `current` in the ≥ 0.9 era, `legacy` before (a Terraform conditional when the era is an expression). */
  private byEra(current: string, legacy: string): string {
    if (this.eventEra === 'sbt-0.9') return current;
    if (this.eventEra === 'pre-0.9') return legacy;
    return Token.asString(Fn.conditional(Op.eq(this.eventEra, 'pre-0.9'), legacy, current));
  }

  /**
   * A standard event: emitted with this manager's era and source; its rules match both eras'
   * detail-types and — unless a source was configured explicitly — both eras' default sources.
   */
  private standard(key: SbtEventKey, plane: 'control' | 'application'): EventDefinition {
    const [current, legacy] = detailTypesOf(key);
    const explicit = this.overrides[key] ?? this.explicitSources[plane];
    const source = explicit ?? (plane === 'control' ? this.controlPlaneEventSource : this.applicationPlaneEventSource);
    const detailType = this.byEra(current, legacy);
    const k = `${explicit ?? plane}:${key}`;
    if (this.registered.has(k))
      throw new Error(`Event with detail type '${current}' and source '${source}' already exists`);
    this.registered.add(k);
    this.registered.add(`${source}:${detailType}`);
    return new EventDefinition(detailType, source, {
      alsoMatchDetailTypes: [current, legacy],
      alsoMatchSources: explicit ? [] : [defaultSourceOf(key, 'sbt-0.9'), defaultSourceOf(key, 'pre-0.9')],
      ruleId: sanitize(current),
    });
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

  /** Registers a custom event (not prefixed); it is also reachable as `customEvents.get(detailType)`. */
  createCustomEvent(detailType: string, source: string): EventDefinition {
    const def = this.register(detailType, source);
    this.customEvents.set(detailType, def);
    return def;
  }

  /** The rule for `def` in `scope`, created on first use and reused for further targets. */
  ruleFor(scope: Construct, def: EventDefinition): CloudwatchEventRule {
    // The era-independent detail type names the rule (it is the rule's resource address:
    // `<scope>_<detail_type>`, the same whichever era is emitted); the same detail type from a second
    // source in one scope would need a second id, so it is refused.
    const id = def.ruleId ?? sanitize(def.detailType);
    const existing = scope.node.tryFindChild(id) as CloudwatchEventRule | undefined;
    if (existing) {
      const source = ruleSources.get(existing);
      if (source !== def.source) {
        throw new Error(
          `${scope.node.path}: a rule for '${def.detailType}' from '${source}' exists; a second source ('${def.source}') for it needs its own scope`,
        );
      }
      return existing;
    }
    // Patterns need literals: an EventDefinition built from expressions matches what its options list.
    const sources = def.matchSources.length ? def.matchSources : [def.source];
    const detailTypes = def.matchDetailTypes.length ? def.matchDetailTypes : [def.detailType];
    const rule = new CloudwatchEventRule(scope, id, {
      eventBusName: this.busArn,
      description: `${detailTypes.join(' | ')} from ${sources.join(' | ')}`,
      eventPattern: JSON.stringify({ source: sources, 'detail-type': detailTypes }),
    });
    ruleSources.set(rule, def.source);
    return rule;
  }

  /**
   * The definition an SBT `eventType` names: a standard key or its `sbt_aws_` detail-type. Plain JavaScript
   * callers (no type check) may also name a custom event's detail-type; anything else is refused.
   */
  eventOfType(eventType: SbtEventType): EventDefinition {
    const key = keyOfDetailType(eventType);
    const def = (key && this.events[key]) || this.customEvents.get(eventType);
    if (!def)
      throw new Error(
        `${this.node.path}: no event '${eventType}' (a DetailType, an sbt_aws_ detail-type or a custom event's detail-type)`,
      );
    return def;
  }

  addTargetToEvent(scope: Construct, props: AddTargetToEventProps | AddTargetToEventByTypeProps): void {
    const def = 'eventDefinition' in props ? props.eventDefinition : this.eventOfType(props.eventType);
    if (!def) throw new Error(`${this.node.path}: addTargetToEvent needs eventDefinition or eventType`);
    const rule = this.ruleFor(scope, def);
    // `target` for a rule's first target (its address stays put); SBT code may add more targets to one
    // rule without naming them, so later ones are numbered — pass `targetId` for a stable, readable address.
    let targetId = props.targetId ?? 'target';
    if (rule.node.tryFindChild(targetId)) {
      if (props.targetId)
        throw new Error(`${rule.node.path} already has a target '${targetId}': pass a distinct targetId`);
      for (let n = 2; rule.node.tryFindChild(targetId); n++) targetId = `target-${n}`;
    }
    props.target.bind(rule, targetId, rule);
  }

  /**
   * Forwards `events` from this bus to another bus (e.g. an application plane's or a control plane's bus in
   * another account), with one role allowed to put events on that bus only. Rules live in `scope`.
   */
  forwardEvents(
    scope: Construct,
    o: { targetBusArn: string; events: EventDefinition[]; roleName: string; id?: string },
  ): ServiceRole {
    const role = new ServiceRole(scope, o.id ?? `forward-${sanitize(o.roleName)}`, {
      name: o.roleName,
      servicePrincipal: 'events.amazonaws.com',
      statements: [{ actions: ['events:PutEvents'], resources: [o.targetBusArn] }],
    });
    for (const def of o.events)
      this.addTargetToEvent(scope, {
        eventDefinition: def,
        target: new EventBusTarget(o.targetBusArn, { role }),
        targetId: 'forward',
      });
    return role;
  }

  grantPutEventsTo(grantee: IGrantable): void {
    grantee.addToRolePolicy({ actions: ['events:PutEvents'], resources: [this.busArn] });
  }

  handlerEnvironment(): Record<string, string> {
    // Sources go to handlers only when configured: otherwise they follow SBT_EVENT_ERA, so the env holds
    // plain values (no conditionals) whichever way the era is set.
    const env: Record<string, string> = { EVENT_BUS_NAME: this.busName, SBT_EVENT_ERA: this.eventEra };
    if (this.explicitSources.control) env.CONTROL_PLANE_EVENT_SOURCE = this.explicitSources.control;
    if (this.explicitSources.application) env.APPLICATION_PLANE_EVENT_SOURCE = this.explicitSources.application;
    for (const [k, v] of Object.entries(this.overrides)) if (v) env[`EVENT_SOURCE_${k}`] = v;
    return env;
  }
}
