/**
 * SBT's HTTP contract where SBT is not broken (issue 12), through the synthesized routes and the real
 * handlers against DynamoDB Local: SBT's CLI sends `next_token=` on every first page; SBT's `limit` is
 * any positive integer; deleting a registration twice is 200; CORS answers `*` by default and allows
 * Idempotency-Key; GET /tenant-config carries the CORS header SBT's handler sends.
 */
import * as z from 'zod/mini';
import { userListQuery } from '../../../lambda/user-management/request-schemas';
import { paginationQuery } from '../../../lambda/shared/http';
import { ControlPlaneStack } from '../../../src/control-plane/control-plane-stack';
import { SCOPES } from '../../../src/contracts/scopes';
import { EventBridgeCapture } from '../../../local/eventbridge-capture';
import { httpEvent } from '../../../local/http-event';
import type { SynthHarness } from '../../../local/synth-harness';
import { controlPlaneHarness } from '../../support/control-plane-harness';
import { resourcesOf, synthStack, testApp } from '../../support/synth';

const ADMIN = [SCOPES.tenantRead, SCOPES.tenantWrite, SCOPES.meteringRead];
const bus = new EventBridgeCapture();
let h: SynthHarness;

beforeAll(async () => {
  await bus.start();
  const json = synthStack(new ControlPlaneStack(testApp(), 'control-plane', { systemAdminEmail: 'a@example.com' }));
  h = await controlPlaneHarness(json, 'sbt-http');
});
afterAll(() => bus.stop());
beforeEach(() => bus.clear());

const register = async (tenantName: string) => {
  const res = await h.request({
    method: 'POST',
    path: '/tenant-registrations',
    scopes: ADMIN,
    body: { tenantData: { tenantName, tier: 'basic' } },
  });
  expect(res.status).toBe(201);
  return res.body.data as { tenantId: string; tenantRegistrationId: string };
};

describe('lists: empty next_token and SBT limit bounds', () => {
  beforeAll(async () => {
    for (const n of ['page-a', 'page-b', 'page-c']) await register(n);
  });

  test.each(['/tenants', '/tenant-registrations', '/meters'])(
    'GET %s?limit=10&next_token= is the first page',
    async (path) => {
      const first = await h.request({ method: 'GET', path, scopes: ADMIN, query: { limit: '10', next_token: '' } });
      expect(first.status).toBe(200);
      const absent = await h.request({ method: 'GET', path, scopes: ADMIN, query: { limit: '10' } });
      expect(first.body).toEqual(absent.body);
    },
  );

  test('limit: any positive integer (SBT: Query(gt=0)); 0, negatives and text are a 400 naming limit', async () => {
    expect((await h.request({ method: 'GET', path: '/tenants', scopes: ADMIN, query: { limit: '5000' } })).status).toBe(
      200,
    );
    for (const limit of ['0', '-1', 'ten', '1.5']) {
      const res = await h.request({ method: 'GET', path: '/tenants', scopes: ADMIN, query: { limit } });
      expect({ limit, status: res.status, field: res.body.errors?.[0]?.field }).toEqual({
        limit,
        status: 400,
        field: 'limit',
      });
    }
  });

  test('next_token walks every page (the field SBT clients read: .next_token)', async () => {
    const seen: string[] = [];
    let token = '';
    for (let i = 0; i < 20; i++) {
      const page = await h.request({
        method: 'GET',
        path: '/tenant-registrations',
        scopes: ADMIN,
        query: { limit: '1', next_token: token },
      });
      expect(page.status).toBe(200);
      seen.push(...(page.body.data as { tenantRegistrationId: string }[]).map((r) => r.tenantRegistrationId));
      if (!page.body.next_token) break;
      token = page.body.next_token;
    }
    expect(seen.length).toBeGreaterThanOrEqual(3);
    expect(new Set(seen).size).toBe(seen.length);
  });

  test('users: empty next_token is the first page, limit 1..60 as SBT', () => {
    expect(z.parse(userListQuery, { limit: '10', next_token: '' })).toEqual({ limit: 10, next_token: undefined });
    expect(z.safeParse(userListQuery, { limit: '61' }).success).toBe(false);
    expect(z.parse(paginationQuery, { next_token: '' })).toEqual({ limit: 10, next_token: undefined });
  });
});

test('DELETE /tenant-registrations/{id} twice: 200 both times, one offboardingRequest', async () => {
  const { tenantRegistrationId, tenantId } = await register('delete-twice');
  await h.publish('sbt.application.plane', 'sbt_aws_provisionSuccess', {
    tenantRegistrationId,
    jobOutput: { tenantData: {}, tenantRegistrationData: {} },
  });
  bus.clear();
  const first = await h.request({
    method: 'DELETE',
    path: `/tenant-registrations/${tenantRegistrationId}`,
    scopes: ADMIN,
  });
  expect(first.status).toBe(200);
  expect(first.body.data.message).toBe('Tenant registration deletion initiated');
  const second = await h.request({
    method: 'DELETE',
    path: `/tenant-registrations/${tenantRegistrationId}`,
    scopes: ADMIN,
  });
  expect(second.status).toBe(200);
  expect(second.body.data).toMatchObject({
    message: 'Tenant registration deletion initiated',
    tenantId,
    lifecycleState: 'OFFBOARDING',
  });
  expect(bus.events.filter((e) => e.DetailType === 'sbt_aws_offboardingRequest')).toHaveLength(1);
  // DELETE /tenants/{id} behaves the same; unknown ids stay 404.
  expect((await h.request({ method: 'DELETE', path: `/tenants/${tenantId}`, scopes: ADMIN })).status).toBe(200);
  expect((await h.request({ method: 'DELETE', path: '/tenant-registrations/no-such-id', scopes: ADMIN })).status).toBe(
    404,
  );
});

describe('CORS', () => {
  test("default: SBT's '*' (variable cors_allow_origins), Idempotency-Key allowed; origins configurable", () => {
    const json = synthStack(new ControlPlaneStack(testApp(), 'control-plane', { systemAdminEmail: 'a@example.com' }));
    expect(json.variable?.cors_allow_origins).toMatchObject({ default: ['*'] });
    const api = Object.values(resourcesOf(json, 'aws_apigatewayv2_api'))[0]!;
    const cors = api.cors_configuration as { allow_origins: unknown; allow_headers: string[] };
    expect(cors.allow_origins).toBe('${var.cors_allow_origins}');
    expect(cors.allow_headers).toEqual(expect.arrayContaining(['authorization', 'content-type', 'idempotency-key']));

    const custom = synthStack(
      new ControlPlaneStack(testApp(), 'control-plane', {
        systemAdminEmail: 'a@example.com',
        corsAllowOrigins: ['https://admin.example.com'],
      }),
    );
    expect(custom.variable?.cors_allow_origins).toMatchObject({ default: ['https://admin.example.com'] });
  });

  test('GET /tenant-config answers with Access-Control-Allow-Origin: * (found and not found)', async () => {
    await register('cors-config');
    const fn = Object.keys(resourcesOf(h.json, 'aws_lambda_function')).find(
      (l) => h.envOf(l).TENANT_CONFIG_INDEX_NAME,
    )!;
    for (const tenantName of ['cors-config', 'no-such-tenant']) {
      const res = (await h.invoke(
        fn,
        httpEvent({ method: 'GET', path: '/tenant-config', route: '/tenant-config', query: { tenantName } }),
      )) as {
        statusCode: number;
        headers: Record<string, string>;
      };
      expect({ tenantName, cors: res.headers['access-control-allow-origin'] }).toEqual({ tenantName, cors: '*' });
    }
  });
});
