/**
 * Event names are typed from the catalogue (src/contracts/event-catalog.ts): a misspelt one is a compile
 * error. `npm test` type-checks test/ with tsc, where every `@ts-expect-error` below must find its error —
 * if a name were accepted again, tsc would fail on the unused directive. The runtime halves show what
 * untyped (JavaScript) callers get instead.
 */
import { DetailType } from '../../../src/contracts/event-catalog';
import { EventManager, type IEventManager, type SbtEventType } from '../../../src/core/event-manager';
import { LambdaTarget } from '../../../src/core/event-targets';
import { LambdaFunction } from '../../../src/core/lambda-function';
import { SbtStack } from '../../../src/core/sbt-stack';
import * as sbt from '../../../src/index';
import { testApp } from '../../support/synth';

function setup(): { stack: SbtStack; em: IEventManager; target: LambdaTarget } {
  const stack = new SbtStack(testApp(), 'names');
  const em = new EventManager(stack, 'events', { busName: 'bus' });
  const fn = new LambdaFunction(stack, 'fn', { archive: 'tenant-management-api', functionName: 'fn' });
  return { stack, em, target: new LambdaTarget(fn) };
}

test('events: catalogue keys only', () => {
  const { em } = setup();
  expect(em.events.onboardingRequest.detailType).toBe('sbt_aws_onboardingRequest');
  // @ts-expect-error misspelt key
  expect(em.events.onbordingRequest).toBeUndefined();
  // @ts-expect-error a custom event is not a catalogue key: it is found in customEvents
  expect(em.events.somethingHappened).toBeUndefined();
  const custom = em.createCustomEvent('somethingHappened', 'my.app');
  expect(em.customEvents.get('somethingHappened')).toBe(custom);
});

test('addTargetToEvent by type: a DetailType, a key or an sbt_aws_ detail-type; nothing else compiles', () => {
  const { em, target } = setup();
  const ok: SbtEventType[] = [DetailType.INGEST_USAGE, 'tenantUpdated', 'sbt_aws_provisionSuccess'];
  expect(ok).toHaveLength(3);
  em.addTargetToEvent(new SbtStack(testApp(), 'a'), { eventType: sbt.DetailType.ONBOARDING_REQUEST, target });
  // @ts-expect-error misspelt pre-0.9 name
  expect(() => em.addTargetToEvent(new SbtStack(testApp(), 'b'), { eventType: 'onbordingRequest', target })).toThrow(
    /no event 'onbordingRequest'/,
  );
  // @ts-expect-error a ≥ 0.9 detail-type with the wrong prefix
  const bad: SbtEventType = 'sbt_onboardingRequest';
  expect(bad).toBeDefined();
});
