// Property: nothing a client sends — any JSON body, query or path value — gets a 5xx. Runs the real
// handlers against DynamoDB Local with fast-check-generated input.
import fc from 'fast-check';
import { handler as registrations } from '../../../lambda/tenant-registration/api';
import { handler as tenants } from '../../../lambda/tenant-management/api';
import { caller, setUp, type Harness } from './harness';

let h: Harness;
let tenantId: string;
let registrationId: string;
const tenantsApi = caller(tenants);
const registrationsApi = caller(registrations);

beforeAll(async () => {
  h = await setUp('cp-never-5xx');
  const res = await tenantsApi({ method: 'POST', path: '/tenants', body: { tier: 'basic' } });
  tenantId = res.body.data.tenantId;
  registrationId = res.body.data.tenantRegistrationId;
});
afterAll(() => h.bus.stop());

const body = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 3 })),
  fc.string(),
);
const RUNS = { numRuns: Number(process.env.FC_RUNS ?? 40) };
/** PUT /tenants/{tenantId} as API Gateway routes it, `id` as the path parameter. */
const putTenant = (id: string, b: unknown) =>
  tenantsApi({ method: 'PUT', path: '/x', route: '/tenants/{tenantId}', pathParameters: { tenantId: id }, body: b });

test('POST /tenants and POST /tenant-registrations with arbitrary bodies', async () => {
  await fc.assert(
    fc.asyncProperty(body, async (b) => {
      expect(
        (await tenantsApi({ method: 'POST', path: '/tenants', body: typeof b === 'string' ? b : JSON.stringify(b) }))
          .status,
      ).toBeLessThan(500);
      expect(
        (
          await registrationsApi({
            method: 'POST',
            path: '/tenant-registrations',
            body: { tenantData: b, tenantRegistrationData: b },
          })
        ).status,
      ).toBeLessThan(500);
    }),
    RUNS,
  );
});

test('PUT /tenants/{id} and PATCH registrations with arbitrary bodies and ids', async () => {
  await fc.assert(
    fc.asyncProperty(body, fc.oneof(fc.constant(''), fc.string({ maxLength: 200 })), async (b, id) => {
      const known = await putTenant(tenantId, b);
      expect(known.status).toBeLessThan(500);
      const any = await putTenant(id, b);
      expect(any.status).toBeLessThan(500);
      const reg = await registrationsApi({
        method: 'PATCH',
        path: '/x',
        route: '/tenant-registrations/{tenantRegistrationId}',
        pathParameters: { tenantRegistrationId: registrationId },
        body: { tenantData: b, tenantRegistrationData: b },
      });
      expect(reg.status).toBeLessThan(500);
    }),
    RUNS,
  );
});

test('GET lists with arbitrary query strings', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.dictionary(fc.constantFrom('limit', 'next_token', 'x'), fc.string({ maxLength: 60 })),
      async (q) => {
        expect((await tenantsApi({ method: 'GET', path: '/tenants', query: q })).status).toBeLessThan(500);
        expect(
          (await registrationsApi({ method: 'GET', path: '/tenant-registrations', query: q })).status,
        ).toBeLessThan(500);
      },
    ),
    RUNS,
  );
});

test('lifecycle routes with arbitrary ids', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.string({ maxLength: 200 }),
      fc.constantFrom('/activate', '/deactivate', '/retry', ''),
      async (id, suffix) => {
        const method = suffix === '/retry' ? 'POST' : suffix ? 'PUT' : 'DELETE';
        expect(
          (
            await tenantsApi({
              method,
              path: '/x',
              route: `/tenants/{tenantId}${suffix}`,
              pathParameters: { tenantId: id },
            })
          ).status,
        ).toBeLessThan(500);
      },
    ),
    RUNS,
  );
});

test('a tenant that would outgrow the 400 KB item limit is a 413, not a 500', async () => {
  let last = 200;
  for (let i = 0; i < 8 && last === 200; i++) {
    last = (await putTenant(tenantId, { [`blob${i}`]: 'z'.repeat(60000) })).status;
  }
  expect(last).toBe(413);
});
