// The tenant-config lookup's pure part as tables: which tenant a request means (SBT's precedence), how a
// stored tenantConfig is presented, and the 400/404 answers naming what is missing.
import {
  lookupTenantConfig,
  presentConfig,
  selectTenant,
  type TenantConfigReader,
} from '../../../lambda/tenant-config/domain/tenant-config';
import { httpStatusOf } from '../../../lambda/shared/http';

const refusal = async (fn: () => unknown): Promise<[number, string] | undefined> => {
  try {
    await fn();
    return undefined;
  } catch (e) {
    const status = httpStatusOf(e); // the status the HTTP edge answers this domain error with
    if (status === undefined) throw e;
    return [status, (e as Error).message];
  }
};
const MISSING =
  "Missing tenant: give query 'tenantId' or 'tenantName', path /tenant-config/{tenantName}, or an Origin header";

test.each<[string, Parameters<typeof selectTenant>[0], ReturnType<typeof selectTenant>]>([
  [
    'path name first',
    { pathTenantName: 'p', tenantId: 'i', tenantName: 'n', origin: 'https://o.app.example' },
    { by: 'tenantName', value: 'p' },
  ],
  [
    'then ?tenantId',
    { tenantId: 'i', tenantName: 'n', origin: 'https://o.app.example' },
    { by: 'tenantId', value: 'i' },
  ],
  ['then ?tenantName', { tenantName: 'n', origin: 'https://o.app.example' }, { by: 'tenantName', value: 'n' }],
  [
    'then the first DNS label of Origin',
    { origin: 'https://tenant1.app.example.com:8443' },
    { by: 'tenantName', value: 'tenant1' },
  ],
  [
    'empty strings do not count',
    { pathTenantName: '', tenantId: '', tenantName: 'n' },
    { by: 'tenantName', value: 'n' },
  ],
])('selectTenant: %s', (_label, input, expected) => {
  expect(selectTenant(input)).toEqual(expected);
});

test.each<[string, Parameters<typeof selectTenant>[0], string]>([
  ['nothing given', {}, MISSING],
  ['an Origin without a dot (no tenant label)', { origin: 'http://localhost:3000' }, MISSING],
  ['an Origin that is not a URL', { origin: 'not a url' }, "Invalid header 'origin': not a URL"],
  ['empty values only', { pathTenantName: '', tenantId: '', tenantName: '', origin: '' }, MISSING],
])('selectTenant refuses %s with a 400', async (_label, input, message) => {
  expect(await refusal(() => selectTenant(input))).toEqual([400, message]);
});

test.each<[unknown, unknown]>([
  ['{"userPoolId":"p","n":1}', { userPoolId: 'p', n: 1 }],
  ['  [1,2] ', [1, 2]],
  ['{not json', '{not json'],
  ['[broken', '[broken'],
  ['plain text', 'plain text'],
  ['"quoted"', '"quoted"'],
  [{ already: 'object' }, { already: 'object' }],
  [42, 42],
  [null, null],
])('presentConfig(%j) → %j', (stored, presented) => {
  expect(presentConfig(stored)).toEqual(presented);
});

describe('lookupTenantConfig', () => {
  const calls: string[] = [];
  const reader: TenantConfigReader = {
    byId: async (id) => (
      calls.push(`id:${id}`), id === 't1' ? { tenantConfig: '{"a":1}' } : id === 't2' ? { tier: 'basic' } : undefined
    ),
    byName: async (name) => (calls.push(`name:${name}`), name === 'acme' ? { tenantConfig: { b: 2 } } : undefined),
  };
  beforeEach(() => (calls.length = 0));

  test('reads by the selected key and presents the stored config', async () => {
    expect(await lookupTenantConfig({ by: 'tenantId', value: 't1' }, reader)).toEqual({ a: 1 });
    expect(await lookupTenantConfig({ by: 'tenantName', value: 'acme' }, reader)).toEqual({ b: 2 });
    expect(calls).toEqual(['id:t1', 'name:acme']);
  });

  test('404 naming the tenant when it is unknown or has no config', async () => {
    expect(await refusal(() => lookupTenantConfig({ by: 'tenantId', value: 'nope' }, reader))).toEqual([
      404,
      'No tenant details found for nope',
    ]);
    expect(await refusal(() => lookupTenantConfig({ by: 'tenantId', value: 't2' }, reader))).toEqual([
      404,
      'No tenant details found for t2',
    ]);
    expect(await refusal(() => lookupTenantConfig({ by: 'tenantName', value: 'ghost' }, reader))).toEqual([
      404,
      'No tenant details found for ghost',
    ]);
    expect(calls).toEqual(['id:nope', 'id:t2', 'name:ghost']);
  });
});
