// The one mapping of domain errors to HTTP (lambda/shared/http.ts) as a table, through the real edge: a
// routeTable handler that throws each error answers its status and `{ message, ...details }`; anything
// else is a 500 without internals; the table dispatches on HTTP API route keys and REST API resources.
import { httpEvent } from '../../../local/http-event';
import * as errors from '../../../lambda/shared/domain-errors';
import {
  dataRoute,
  errorResponse,
  type HttpEvent,
  httpStatusOf,
  listRoute,
  routeTable,
} from '../../../lambda/shared/http';
import { LifecycleError } from '../../../src/contracts/lifecycle';

type Result = { statusCode: number; headers?: Record<string, string>; body?: string };

const throwing = (err: unknown, errorHeaders?: Record<string, string>) =>
  routeTable(
    {
      'GET /things/{id}': async () => {
        throw err;
      },
    },
    { errorHeaders },
  );

const answer = async (err: unknown, errorHeaders?: Record<string, string>) => {
  const res = (await throwing(err, errorHeaders)(httpEvent({ path: '/things/1', route: '/things/{id}' }))) as Result;
  return {
    status: res.statusCode,
    body: res.body === undefined ? undefined : JSON.parse(res.body),
    headers: res.headers,
  };
};

const LIFECYCLE_MESSAGE =
  'Cannot deactivate a tenant in state DEACTIVATED (allowed from DEACTIVATED: activate, offboard)';
const FIELD_MESSAGE = "Invalid request body: field 'email': not an email address";
test.each<[string, unknown, number, Record<string, unknown>]>([
  [
    'ValidationError naming the field',
    new errors.ValidationError(FIELD_MESSAGE, { field: 'email' }),
    400,
    { message: FIELD_MESSAGE, field: 'email' },
  ],
  ['ValidationError without details', new errors.ValidationError('Invalid header'), 400, { message: 'Invalid header' }],
  [
    'UnauthorizedError',
    new errors.UnauthorizedError('Invalid webhook signature'),
    401,
    { message: 'Invalid webhook signature' },
  ],
  ['ForbiddenError', new errors.ForbiddenError('Forbidden'), 403, { message: 'Forbidden' }],
  [
    'NotFoundError',
    new errors.NotFoundError('Tenant not found for id t-1'),
    404,
    { message: 'Tenant not found for id t-1' },
  ],
  [
    'ConflictError with details',
    new errors.ConflictError('Name taken', { field: 'tenantName' }),
    409,
    { message: 'Name taken', field: 'tenantName' },
  ],
  [
    'LifecycleError: the state and what it allows',
    new LifecycleError('DEACTIVATED', 'deactivate', ['activate', 'offboard']),
    409,
    { message: LIFECYCLE_MESSAGE, lifecycleState: 'DEACTIVATED', allowed: ['activate', 'offboard'] },
  ],
  [
    'TooLargeError with the limit',
    new errors.TooLargeError('Request body too large', { limit: 'maxBytes' }),
    413,
    { message: 'Request body too large', limit: 'maxBytes' },
  ],
  [
    'IdempotencyKeyReusedError',
    new errors.IdempotencyKeyReusedError('Key reused', { field: 'idempotency-key' }),
    422,
    { message: 'Key reused', field: 'idempotency-key' },
  ],
  ['DependencyError', new errors.DependencyError('Billing vendor error'), 502, { message: 'Billing vendor error' }],
  [
    'UnavailableError',
    new errors.UnavailableError('AWS Marketplace is busy'),
    503,
    { message: 'AWS Marketplace is busy' },
  ],
])('%s → %i', async (_name, err, status, body) => {
  expect(httpStatusOf(err)).toBe(status);
  expect(errorResponse(err)).toEqual({ statusCode: status, body, headers: undefined });
  const res = await answer(err);
  expect(res.status).toBe(status);
  expect(res.body).toEqual(body);
  expect(res.headers).toEqual({ 'content-type': 'application/json' });
});

test('subclasses map like their domain error (a store error that is a NotFoundError is a 404)', async () => {
  class UserGone extends errors.NotFoundError {}
  expect(await answer(new UserGone('User not found for id bob'))).toMatchObject({
    status: 404,
    body: { message: 'User not found for id bob' },
  });
  expect(new UserGone('x').name).toBe('UserGone');
});

test.each<[string, unknown]>([
  ['a plain Error', new Error('connect ECONNREFUSED 10.0.0.1:443 (secret table name inside)')],
  ['a DynamoDB error', Object.assign(new Error('Requested resource not found'), { name: 'ResourceNotFoundException' })],
  ['a thrown string', 'boom'],
  ['an error shaped like the old HttpError', Object.assign(new Error('x'), { statusCode: 400 })],
])('%s is our fault: 500 without internals', async (_name, err) => {
  expect(httpStatusOf(err)).toBeUndefined();
  expect(errorResponse(err)).toBeUndefined();
  expect(await answer(err)).toEqual({
    status: 500,
    body: { message: 'Internal Server Error' },
    headers: { 'content-type': 'application/json' },
  });
});

test('errorHeaders go on every error answer (a public route keeps its CORS header on a 404 and a 500)', async () => {
  const cors = { 'access-control-allow-origin': '*' };
  expect((await answer(new errors.NotFoundError('No tenant details found for x'), cors)).headers).toEqual({
    'content-type': 'application/json',
    ...cors,
  });
  expect((await answer(new Error('x'), cors)).headers).toEqual({ 'content-type': 'application/json', ...cors });
});

describe('routeTable dispatch', () => {
  const handler = routeTable({
    'GET /tenants': async () => ({ statusCode: 200, body: { route: 'list' } }),
    'GET /tenants/{tenantId}': async (e) => ({
      statusCode: 200,
      body: { route: 'get', id: e.pathParameters?.tenantId },
    }),
  });
  const call = async (event: HttpEvent) => {
    const res = (await handler(event)) as Result;
    return { status: res.statusCode, body: JSON.parse(res.body ?? 'null') };
  };

  test('HTTP API v2: the route key picks the function', async () => {
    expect(await call(httpEvent({ path: '/tenants' }))).toEqual({ status: 200, body: { route: 'list' } });
    expect(
      await call(httpEvent({ path: '/tenants/t1', route: '/tenants/{tenantId}', pathParameters: { tenantId: 't1' } })),
    ).toEqual({
      status: 200,
      body: { route: 'get', id: 't1' },
    });
  });

  test('REST API v1 (the private option): method + resource pick the function', async () => {
    const v1 = {
      httpMethod: 'GET',
      resource: '/tenants/{tenantId}',
      path: '/tenants/t2',
      pathParameters: { tenantId: 't2' },
      requestContext: {},
    };
    expect(await call(v1 as unknown as HttpEvent)).toEqual({ status: 200, body: { route: 'get', id: 't2' } });
  });

  test('a route the table does not serve is a 404 naming it', async () => {
    expect(await call(httpEvent({ method: 'DELETE', path: '/tenants' }))).toEqual({
      status: 404,
      body: { message: 'No route DELETE /tenants' },
    });
  });
});

describe('routeTable: greedy keys, mapError, list and data routes', () => {
  const call = async (handler: ReturnType<typeof routeTable>, event: HttpEvent) => {
    const res = (await handler(event)) as Result;
    return { status: res.statusCode, body: JSON.parse(res.body ?? 'null') };
  };

  test('a `{name+}` key serves every route below its prefix (the billing webhook at a chosen path), never the prefix itself', async () => {
    const handler = routeTable({
      'POST /billing/{path+}': async (e) => ({ statusCode: 200, body: { route: e.routeKey } }),
      'POST /billing/exact': async () => ({ statusCode: 200, body: { route: 'exact' } }),
    });
    for (const path of ['/billing/webhook', '/billing/moesif', '/billing/a/b'])
      expect(await call(handler, httpEvent({ method: 'POST', path }))).toEqual({
        status: 200,
        body: { route: `POST ${path}` },
      });
    // An exact key wins over the greedy one.
    expect(await call(handler, httpEvent({ method: 'POST', path: '/billing/exact' }))).toEqual({
      status: 200,
      body: { route: 'exact' },
    });
    expect(await call(handler, httpEvent({ method: 'POST', path: '/billing/' }))).toEqual({
      status: 404,
      body: { message: 'No route POST /billing/' },
    });
    expect(await call(handler, httpEvent({ method: 'GET', path: '/billing/webhook' }))).toEqual({
      status: 404,
      body: { message: 'No route GET /billing/webhook' },
    });
  });

  test('mapError turns what a route threw into a domain error before the one mapping', async () => {
    class VendorSaidNo extends Error {}
    const handler = routeTable(
      {
        'GET /a': async () => {
          throw new VendorSaidNo('no');
        },
        'GET /b': async () => {
          throw new Error('ours');
        },
      },
      { mapError: (e) => (e instanceof VendorSaidNo ? new errors.DependencyError('the vendor failed') : e) },
    );
    expect(await call(handler, httpEvent({ path: '/a' }))).toEqual({
      status: 502,
      body: { message: 'the vendor failed' },
    });
    expect(await call(handler, httpEvent({ path: '/b' }))).toEqual({
      status: 500,
      body: { message: 'Internal Server Error' },
    });
  });

  test('listRoute answers the page as the service returns it; its query is validated; dataRoute wraps in data', async () => {
    const seen: unknown[] = [];
    const handler = routeTable({
      'GET /things': listRoute(async (limit, next) => {
        seen.push([limit, next]);
        return { data: [1, 2], next_token: 'n' };
      }),
      'GET /things/{id}': dataRoute(async (e) => ({ id: e.pathParameters?.id })),
    });
    expect(await call(handler, httpEvent({ path: '/things', query: { limit: '2', next_token: '' } }))).toEqual({
      status: 200,
      body: { data: [1, 2], next_token: 'n' },
    });
    expect(seen).toEqual([[2, undefined]]);
    expect((await call(handler, httpEvent({ path: '/things', query: { limit: '0' } }))).status).toBe(400);
    expect(
      await call(handler, httpEvent({ path: '/things/7', route: '/things/{id}', pathParameters: { id: '7' } })),
    ).toEqual({ status: 200, body: { data: { id: '7' } } });
  });
});
