/**
 * Both SBT event eras (issue 12): every rule we create matches SBT ≥ 0.9's names (`sbt_aws_<key>` from
 * `sbt.*.plane`) and the pre-0.9 names the seed documents (`<key>` from `*PlaneEventSource`); which era
 * we emit is a prop and a Terraform variable; SBT's `DetailType` and pre-0.9 `addTargetToEvent` shape work.
 */
import { ApplicationPlaneStack } from '../../../src/application-plane/application-plane-stack';
import { ControlPlaneStack } from '../../../src/control-plane/control-plane-stack';
import { SBT_EVENT_KEYS, type SbtEventKey, detailTypesOf, keyOfDetailType } from '../../../src/contracts/event-catalog';
import { EventManager } from '../../../src/core/event-manager';
import { LambdaTarget } from '../../../src/core/event-targets';
import { LambdaFunction } from '../../../src/core/lambda-function';
import { SbtStack } from '../../../src/core/sbt-stack';
import * as lib from '../../../src/index';
import { matchesPattern } from '../../../local/event-pattern';
import { lambdaEnvironment, resourcesOf, synthStack, testApp, type StackJson } from '../../support/synth';

const LEGACY_SOURCE = { control: 'controlPlaneEventSource', application: 'applicationPlaneEventSource' };
const CURRENT_SOURCE = { control: 'sbt.control.plane', application: 'sbt.application.plane' };

function rulePatterns(json: StackJson): Record<string, unknown>[] {
  return Object.values(resourcesOf(json, 'aws_cloudwatch_event_rule'))
    .filter((r) => r.event_pattern)
    .map((r) => JSON.parse(String(r.event_pattern)) as Record<string, unknown>);
}

/** The SBT key a rule is for (from any of its detail-types), or undefined for non-SBT rules (schedules, Marketplace). */
function keyOf(pattern: Record<string, unknown>) {
  return ((pattern['detail-type'] as string[] | undefined) ?? []).map(keyOfDetailType).find(Boolean);
}

/** How `em` emits each of `keys`: `<source> <detail-type>`. */
const emitted = (em: EventManager, ...keys: SbtEventKey[]) =>
  keys.map((k) => `${em.events[k].source} ${em.events[k].detailType}`);

const envelope = (source: string, detailType: string) => ({
  version: '0',
  id: '1',
  'detail-type': detailType,
  source,
  account: '111122223333',
  time: '2017-12-22T18:43:48Z',
  region: 'us-west-1',
  resources: [],
  detail: { tenantId: 'e6878e03-ae2c-43ed-a863-08314487318b', tier: 'standard' },
});

describe('every rule of the reference stacks matches both eras', () => {
  const cp = synthStack(new ControlPlaneStack(testApp(), 'control-plane', { systemAdminEmail: 'a@example.com' }));
  const ap = synthStack(new ApplicationPlaneStack(testApp(), 'application-plane', { mode: 'module' }));

  test.each([
    ['control-plane', cp],
    ['application-plane', ap],
  ])('%s', (_name, json) => {
    const sbtRules = rulePatterns(json).filter(keyOf);
    expect(sbtRules.length).toBeGreaterThanOrEqual(2);
    for (const p of sbtRules) {
      const key = keyOf(p)!;
      const plane = [
        'onboardingRequest',
        'offboardingRequest',
        'tenantUpdated',
        'tenantUserCreated',
        'tenantUserDeleted',
        'activateRequest',
        'deactivateRequest',
      ].includes(key)
        ? 'control'
        : 'application';
      // Each era's exact event (the seed's sample event for onboardingRequest) is matched by the real matcher.
      for (const [source, detailType] of [
        [CURRENT_SOURCE[plane], `sbt_aws_${key}`],
        [LEGACY_SOURCE[plane], key],
        [CURRENT_SOURCE[plane], key], // seed's metering example: DetailType.INGEST_USAGE from eventManager.applicationPlaneEventSource
        [LEGACY_SOURCE[plane], `sbt_aws_${key}`],
      ]) {
        expect({ key, source, detailType, matched: matchesPattern(p, envelope(source!, detailType!)) }).toEqual({
          key,
          source,
          detailType,
          matched: true,
        });
      }
      expect(matchesPattern(p, envelope('someone.else', key))).toBe(false);
    }
  });

  test('the results, provisioning, usage and billing rules are among them', () => {
    const keys = [...rulePatterns(cp), ...rulePatterns(ap)].map(keyOf);
    expect(keys).toEqual(
      expect.arrayContaining([
        'provisionSuccess',
        'provisionFailure',
        'deprovisionSuccess',
        'deprovisionFailure',
        'ingestUsage',
        'onboardingRequest',
        'offboardingRequest',
        'tenantUpdated',
      ]),
    );
  });
});

describe('the emitted era', () => {
  test('prop: pre-0.9 emits un-prefixed detail-types from the legacy sources; rule ids stay the same', () => {
    const a = new EventManager(new SbtStack(testApp(), 's'), 'em', { busName: 'bus', eventEra: 'pre-0.9' });
    expect(emitted(a, 'onboardingRequest', 'provisionSuccess')).toEqual([
      'controlPlaneEventSource onboardingRequest',
      'applicationPlaneEventSource provisionSuccess',
    ]);
    const b = new EventManager(new SbtStack(testApp(), 's'), 'em', { busName: 'bus' });
    expect(emitted(b, 'onboardingRequest')).toEqual(['sbt.control.plane sbt_aws_onboardingRequest']);
    expect(a.events.onboardingRequest.ruleId).toBe(b.events.onboardingRequest.ruleId);
    expect(a.handlerEnvironment()).toMatchObject({ SBT_EVENT_ERA: 'pre-0.9' });
    const bad = new SbtStack(testApp(), 's');
    new EventManager(bad, 'em', { busName: 'bus', eventEra: '0.8' });
    expect(() => synthStack(bad)).toThrow(/\[s\/em\] eventEra '0.8'/);
  });

  test('explicit sources are emitted and matched exactly (no other era default)', () => {
    const em = new EventManager(new SbtStack(testApp(), 's'), 'em', {
      busName: 'bus',
      controlPlaneEventSource: 'my.cp',
    });
    expect(em.events.onboardingRequest.matchSources).toEqual(['my.cp']);
    expect(em.events.onboardingRequest.matchDetailTypes).toEqual(detailTypesOf('onboardingRequest'));
  });

  test('module variable event_era (validated, default sbt-0.9) reaches handlers and the jobs', () => {
    const cp = synthStack(new ControlPlaneStack(testApp(), 'control-plane', { mode: 'module' }));
    expect(cp.variable?.event_era).toMatchObject({ type: 'string', default: 'sbt-0.9' });
    expect(JSON.stringify(cp.variable?.event_era)).toContain('contains([\\"sbt-0.9\\", \\"pre-0.9\\"], var.event_era)');
    expect(lambdaEnvironment(cp, '-tenant-job-results').SBT_EVENT_ERA).toBe('${var.event_era}');

    const ap = synthStack(
      new ApplicationPlaneStack(testApp(), 'application-plane', { mode: 'module', eventEra: 'pre-0.9' }),
    );
    expect(ap.variable?.event_era).toMatchObject({ default: 'pre-0.9' });
    // Module mode: the definition is a jsonencode expression whose references live in the job's locals
    // (terraform test in modules/application-plane checks the rendered result).
    const definition = String(resourcesOf(ap, 'aws_sfn_state_machine').deprovisioning!.definition);
    const inputs = (ap as { locals?: Record<string, Record<string, string>> }).locals!
      .deprovisioning_definition_inputs!;
    const era = Object.entries(inputs).find(
      ([, v]) => v === '${(var.event_era == "pre-0.9") ? "deprovisionSuccess" : "sbt_aws_deprovisionSuccess"}',
    )!;
    expect(era).toBeDefined();
    expect(definition).toContain(`"DetailType" = local.deprovisioning_definition_inputs.${era[0]},`);
  });

  test('root ControlPlaneStack eventEra prop is the variable default', () => {
    const cp = synthStack(
      new ControlPlaneStack(testApp(), 'control-plane', { systemAdminEmail: 'a@example.com', eventEra: 'pre-0.9' }),
    );
    expect(cp.variable?.event_era).toMatchObject({ default: 'pre-0.9' });
  });
});

describe("SBT's DetailType and addTargetToEvent shapes", () => {
  test('DetailType is exported with SBT members', () => {
    expect(lib.DetailType.ONBOARDING_REQUEST).toBe('onboardingRequest');
    expect(lib.DetailType.INGEST_USAGE).toBe('ingestUsage');
    expect(lib.DetailType.PROVISION_SUCCESS).toBe('provisionSuccess');
    expect(Object.values(lib.DetailType).sort()).toEqual([...SBT_EVENT_KEYS].sort());
  });

  test('pre-0.9 {eventType, target} and ≥ 0.9 {eventDefinition, target} make the same rule', () => {
    const stack = new SbtStack(testApp(), 's');
    const em = new EventManager(stack, 'em', { busName: 'bus' });
    const fn = new LambdaFunction(stack, 'fn', { archive: 'tenant-config-get', functionName: 'f' });
    // A second target on one rule names itself (targetId): the id is part of its resource address.
    const fn2 = new LambdaFunction(stack, 'fn2', { archive: 'tenant-config-get', functionName: 'f2' });
    const fn3 = new LambdaFunction(stack, 'fn3', { archive: 'tenant-config-get', functionName: 'f3' });
    em.addTargetToEvent(stack, { eventType: lib.DetailType.INGEST_USAGE, target: new LambdaTarget(fn) });
    em.addTargetToEvent(stack, {
      eventDefinition: em.events.ingestUsage,
      target: new LambdaTarget(fn2),
      targetId: 'second',
    });
    em.addTargetToEvent(stack, { eventType: 'sbt_aws_ingestUsage', target: new LambdaTarget(fn3), targetId: 'third' });
    const json = synthStack(stack);
    const rules = Object.values(resourcesOf(json, 'aws_cloudwatch_event_rule'));
    expect(rules).toHaveLength(1);
    expect(JSON.parse(String(rules[0]!.event_pattern))).toEqual({
      source: ['sbt.application.plane', 'applicationPlaneEventSource'],
      'detail-type': ['sbt_aws_ingestUsage', 'ingestUsage'],
    });
    expect(Object.keys(resourcesOf(json, 'aws_cloudwatch_event_target'))).toHaveLength(3);
    // A misspelt name does not compile (test/synth/core/event-names.test.ts); untyped callers get a clear error.
    // @ts-expect-error 'noSuchEvent' is not in the catalogue
    expect(() => em.addTargetToEvent(stack, { eventType: 'noSuchEvent', target: new LambdaTarget(fn) })).toThrow(
      /no event 'noSuchEvent'/,
    );
  });
});
