/**
 * Shared setup of the control-plane integration tests: tables created from the synthesized stack in
 * DynamoDB Local, the bus captured by EventBridgeCapture, handlers called with API Gateway v2 events.
 */
import type { EventBridgeEvent } from 'aws-lambda';
import { ControlPlaneStack, type ControlPlaneStackProps } from '../../../src/control-plane/control-plane-stack';
import { EventBridgeCapture } from '../../../local/eventbridge-capture';
import { httpEvent, type HttpEventInput } from '../../../local/http-event';
import { synthStack, testApp, type StackJson } from '../../support/synth';
import { createTablesFromSynth, uniquePrefix } from '../../../local/tables';

export const ADMIN_CLAIMS = {
  sub: 'admin-sub',
  username: 'admin',
  scope: 'tenant/tenant_read tenant/tenant_write user/user_read user/user_write',
};

export interface Harness {
  json: StackJson;
  tables: Record<string, string>;
  bus: EventBridgeCapture;
}

/** Synthesizes the stack, creates its tables under a unique prefix, points env at them, captures the bus. */
export async function setUp(label: string, props: ControlPlaneStackProps = {}): Promise<Harness> {
  // Billing and metering have their own suites (test/integration/billing, metering): left out here.
  const json = synthStack(
    new ControlPlaneStack(testApp(), 'control-plane', { billing: false, metering: false, ...props }),
  );
  const tables = await createTablesFromSynth(json, uniquePrefix(label));
  // Tables by their (role-named, stable) resource addresses.
  process.env.TENANT_TABLE_NAME = tables.tenants!;
  process.env.REGISTRATION_TABLE_NAME = tables.registrations!;
  const users = tables.user_management_users;
  if (users) process.env.USER_TABLE_NAME = users;
  process.env.EVENT_BUS_NAME = 'sbt-events';
  const bus = await new EventBridgeCapture().start();
  return { json, tables, bus };
}

type Handler = (e: ReturnType<typeof httpEvent>) => Promise<unknown>;

/** Calls an API handler as API Gateway would; body parsed. */
export function caller(handler: Handler) {
  return async (i: HttpEventInput & { method: string }) => {
    const res = (await handler(httpEvent({ claims: ADMIN_CLAIMS, ...i }))) as { statusCode: number; body?: string };
    return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : undefined };
  };
}

/**
 * Every item a list route answers, read page by page along `next_token` (`limit` a page): each page a 200 of
 * at most `limit` items, and the listing ends (no token after at most 100 pages).
 */
export async function listAll<T>(call: ReturnType<typeof caller>, path: string, limit: number): Promise<T[]> {
  const items: T[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const res = await call({
      method: 'GET',
      path,
      query: { limit: String(limit), ...(token ? { next_token: token } : {}) },
    });
    expect(res.status).toBe(200);
    expect(res.body.data.length).toBeLessThanOrEqual(limit);
    items.push(...res.body.data);
    token = res.body.next_token;
    pages++;
  } while (token && pages < 100);
  expect(token).toBeUndefined();
  return items;
}

/** An EventBridge event as a rule delivers it to Lambda (`id` for a test that needs them distinct). */
export function busEvent(
  detailType: string,
  detail: Record<string, unknown>,
  id = 'evt',
): EventBridgeEvent<string, Record<string, unknown>> {
  return {
    version: '0',
    id,
    'detail-type': detailType,
    source: 'sbt.application.plane',
    account: '000000000000',
    time: '2026-01-01T00:00:00Z',
    region: 'us-east-1',
    resources: [],
    detail,
  };
}
