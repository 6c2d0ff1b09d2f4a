/**
 * The control and application planes as the synthesized system runs them, for the end-to-end tests: both
 * stacks' Terraform JSON drive the handlers (SynthHarness), the control plane on fresh DynamoDB Local
 * tables, the application plane's provisioning state machine run by aws-local-stepfunctions with the
 * job's `aws` from the test's stand-in, and every rule between them delivered on the test's bus capture
 * (LocalSystem).
 */
import {
  ApplicationPlaneStack,
  type ApplicationPlaneStackProps,
} from '../../src/application-plane/application-plane-stack';
import { ControlPlaneStack, type ControlPlaneStackProps } from '../../src/control-plane/control-plane-stack';
import type { EventBridgeCapture } from '../../local/eventbridge-capture';
import type { StackJson } from '../../local/stack-json';
import { LocalStepFunctions } from '../../local/step-functions';
import { LocalSystem } from '../../local/system';
import { type HarnessOptions, SynthHarness } from '../../local/synth-harness';
import { createTablesFromSynth, uniquePrefix } from '../../local/tables';
import { synthStack, testApp } from './synth';

/** The account the planes' bus and state machines are in. */
export const PLANES_ACCOUNT = '123456789012';

/** The ARN of the event bus `busName` in that account (what the application plane is given). */
export const busArnOf = (busName: string) => `arn:aws:events:us-east-1:${PLANES_ACCOUNT}:event-bus/${busName}`;

export interface LocalPlanesOptions {
  /** The bus both planes publish on (the capture's events carry it). */
  busName: string;
  /** Prefixes the control plane's tables (made unique per run). */
  label: string;
  /** What `aws_cognito_user_pool.*.id` resolves to in the control plane. */
  poolId: string;
  /** Where the provisioning job finds its `aws` (the stand-in's bin, or a wrapper around it). */
  jobPath: string[];
  /** Control-plane props over `{ systemAdminEmail: 'admin@example.com' }`. */
  controlPlane?: Partial<ControlPlaneStackProps>;
  /** Application-plane props over `{ eventBusArn: busArnOf(busName) }` (root mode: the sample tenant scripts). */
  applicationPlane?: Partial<ApplicationPlaneStackProps>;
  /** How both harnesses load a handler. @default the TypeScript source (SynthHarness's default) */
  loadHandler?: HarnessOptions['loadHandler'];
}

export interface LocalPlanes {
  cpJson: StackJson;
  apJson: StackJson;
  /** The control plane's tables: logical id → table name. */
  cpTables: Record<string, string>;
  cp: SynthHarness;
  ap: SynthHarness;
  system: LocalSystem;
}

/** Synthesizes both planes, creates the control plane's tables and wires them on `bus`. */
export async function startLocalPlanes(bus: EventBridgeCapture, o: LocalPlanesOptions): Promise<LocalPlanes> {
  const busArn = busArnOf(o.busName);
  const cpJson = synthStack(
    new ControlPlaneStack(testApp(), 'control-plane', { systemAdminEmail: 'admin@example.com', ...o.controlPlane }),
  );
  const apJson = synthStack(
    new ApplicationPlaneStack(testApp(), 'application-plane', { eventBusArn: busArn, ...o.applicationPlane }),
  );
  const cpTables = await createTablesFromSynth(cpJson, uniquePrefix(o.label));
  const shared = { busName: o.busName, matches: LocalSystem.matches, loadHandler: o.loadHandler };
  const cp = new SynthHarness(cpJson, {
    ...shared,
    tables: cpTables,
    references: { 'aws_cognito_user_pool.*.id': o.poolId },
  });
  const ap = new SynthHarness(apJson, { ...shared, tables: {} });
  const stepFunctions = new LocalStepFunctions(apJson, {
    references: { 'var.event_bus_arn': busArn },
    path: o.jobPath,
    accountId: PLANES_ACCOUNT,
  });
  const system = new LocalSystem(bus, [{ harness: cp }, { harness: ap, stepFunctions }], PLANES_ACCOUNT);
  return { cpJson, apJson, cpTables, cp, ap, system };
}
