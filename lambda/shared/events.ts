/**
 * Puts events on the SBT bus. Bus name and sources come from the environment the constructs set
 * (EVENT_BUS_NAME, CONTROL_PLANE_EVENT_SOURCE, APPLICATION_PLANE_EVENT_SOURCE), so source overrides made
 * in the EventManager reach the handlers. A partially failed PutEvents is an error, never silently lost.
 */
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  DEFAULT_EVENT_ERA,
  defaultSourceOf,
  detailTypeOf,
  isControlPlaneKey,
  isEventEra,
  type EventEra,
  type SbtEventKey,
} from '../../src/contracts/event-catalog';
import { env, eventBridge } from './aws-clients';

export interface OutgoingEvent {
  detailType: string;
  source: string;
  detail: Record<string, unknown>;
}

/** The era events are emitted in (SBT_EVENT_ERA; anything else → ≥ 0.9, SBT's current names). */
export function eventEra(): EventEra {
  const v = process.env.SBT_EVENT_ERA;
  return isEventEra(v) ? v : DEFAULT_EVENT_ERA;
}

/** Resolves an SBT key to its detail-type (in the configured era) and (possibly overridden) source. */
export function sbtEvent(key: SbtEventKey, detail: Record<string, unknown>): OutgoingEvent {
  const era = eventEra();
  const override = process.env[`EVENT_SOURCE_${key}`];
  const configured = isControlPlaneKey(key)
    ? process.env.CONTROL_PLANE_EVENT_SOURCE
    : process.env.APPLICATION_PLANE_EVENT_SOURCE;
  return { detailType: detailTypeOf(key, era), source: override || configured || defaultSourceOf(key, era), detail };
}

/** Puts up to 10 events per call (the PutEvents limit) and throws if any entry failed. */
export async function putEvents(events: OutgoingEvent[], busName = env('EVENT_BUS_NAME')): Promise<void> {
  for (let i = 0; i < events.length; i += 10) {
    const chunk = events.slice(i, i + 10);
    const res = await eventBridge().send(
      new PutEventsCommand({
        Entries: chunk.map((e) => ({
          EventBusName: busName,
          Source: e.source,
          DetailType: e.detailType,
          Detail: JSON.stringify(e.detail),
        })),
      }),
    );
    if (res.FailedEntryCount) {
      const failed = (res.Entries ?? []).filter((e) => e.ErrorCode).map((e) => `${e.ErrorCode}: ${e.ErrorMessage}`);
      throw new Error(`PutEvents failed for ${res.FailedEntryCount} of ${chunk.length} entries: ${failed.join('; ')}`);
    }
  }
}

export async function putSbtEvent(key: SbtEventKey, detail: Record<string, unknown>): Promise<void> {
  await putEvents([sbtEvent(key, detail)]);
}
