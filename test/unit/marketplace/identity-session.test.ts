// One licence-id normalisation (every spelling in AWS's documents), result matching on what was sent, the signed
// registration session, and the tier a plan maps to.
import {
  licenseArnForms,
  licenseIdOf,
  licenseKey,
  normalizeLicenseId,
  sameLicense,
} from '../../../lambda/marketplace/domain/identity';
import { identityKey, matchResults, usageRecordOf } from '../../../lambda/marketplace/domain/metering';
import {
  readSessionCookie,
  SessionError,
  signSession,
  verifySession,
  type RegistrationSession,
} from '../../../lambda/marketplace/domain/session';
import { planOf } from '../../../lambda/marketplace/domain/tenant-gateway';

const ID = 'e52ca6f38bf84d0fafb8802ca15ac11x';

test("every spelling of a licence in AWS's documents normalises to one id (and one subscriber key, one ledger identity)", () => {
  const spellings = [
    `aws:license-manager:us-east-1:123456789012:l-${ID}`, // EventBridge "License Updated - Manufacturer" example
    `arn:aws:license-manager::123456789012:license:l-${ID}`, // ResolveCustomer, as integrators report it
    `arn:aws:license-manager::123456789012:license/l-${ID}`, // License Manager ARN format
    `arn:aws-us-gov:license-manager::123456789012:license/l-${ID}`,
    `l-${ID}`,
    `lic-${ID}`, // Agreement API examples
    ` arn:aws:license-manager::123456789012:license:l-${ID} `,
  ];
  for (const s of spellings) {
    expect(normalizeLicenseId(s)).toBe(`l-${ID}`);
    expect(licenseKey(s)).toBe(`license:l-${ID}`);
    expect(identityKey({ licenseArn: s, customerAWSAccountId: '123456789012' })).toBe(`L:l-${ID}:123456789012`);
  }
  expect(sameLicense(spellings[0], spellings[5])).toBe(true);
  expect(normalizeLicenseId('arn:aws:license-manager::1:license-configuration:lc-1')).toBeUndefined();
  expect(normalizeLicenseId('')).toBeUndefined();
  expect(licenseIdOf('something-else')).toBe('something-else'); // unknown forms are never merged with a licence
  // GetEntitlements' filter unions values: ask with the stored spelling first, then the other documented forms.
  expect(
    licenseArnForms([`arn:aws:license-manager::123456789012:license:l-${ID}`, `lic-${ID}`], '123456789012'),
  ).toEqual([
    `arn:aws:license-manager::123456789012:license:l-${ID}`,
    `lic-${ID}`,
    `arn:aws:license-manager::123456789012:license/l-${ID}`,
  ]);
});

test('results are matched on what the request sent (dimension, hour, licence or customer), never on echoed spellings', () => {
  const t = Date.UTC(2026, 10, 27, 10);
  const sent = [
    {
      key: 'a',
      record: usageRecordOf({
        licenseArn: `arn:aws:license-manager::1:license:l-a`,
        customerAWSAccountId: '1',
        dimension: 'users',
        hourMs: t,
        quantity: 1,
      }),
    },
    {
      key: 'b',
      record: usageRecordOf({
        licenseArn: `arn:aws:license-manager::2:license:l-b`,
        customerAWSAccountId: '2',
        dimension: 'users',
        hourMs: t,
        quantity: 2,
      }),
    },
    { key: 'c', record: usageRecordOf({ customerIdentifier: 'CI1', dimension: 'users', hourMs: t, quantity: 3 }) },
  ];
  // AWS's documented LicenseArn response: another ARN form, no CustomerAWSAccountId; results in another order.
  const { matched, unmatched } = matchResults(sent, [
    {
      UsageRecord: {
        Dimension: 'users',
        Timestamp: new Date(t),
        LicenseArn: 'aws:license-manager:us-east-1:2:l-b',
        Quantity: 2,
      },
    },
    { UsageRecord: { Dimension: 'users', Timestamp: new Date(t), CustomerIdentifier: ' CI1', Quantity: 3 } },
    { UsageRecord: { Dimension: 'users', Timestamp: new Date(t + 60_000), LicenseArn: 'lic-a' } },
  ]);
  expect(matched.map(([s, i]) => [s.key, i])).toEqual([
    ['b', 0],
    ['c', 1],
    ['a', 2],
  ]);
  expect(unmatched).toEqual([]);
  // Ambiguous or foreign echoes are never credited to a record (they stay unmatched → identical re-send).
  const amb = matchResults(sent, [
    { UsageRecord: { Dimension: 'users', Timestamp: new Date(t) } },
    { UsageRecord: { Dimension: 'users', Timestamp: new Date(t), LicenseArn: 'l-zzz' } },
  ]);
  expect(amb.matched).toEqual([]);
  expect(amb.unmatched).toHaveLength(3);
});

test('the registration session: signed, expiring, tamper-evident; read from HTTP API cookies or a Cookie header', () => {
  const key = Buffer.alloc(32, 7);
  const s: RegistrationSession = {
    sid: 's1',
    productCode: 'p',
    licenseArn: 'arn:aws:license-manager::1:license:l-a',
    customerAWSAccountId: '1',
    exp: 2_000_000_000,
  };
  const v = signSession(s, key);
  expect(verifySession(v, key, 1_000_000_000_000)).toEqual(s);
  expect(() => verifySession(v, key, 2_000_000_000_000)).toThrow(/expired/);
  expect(() => verifySession(v, Buffer.alloc(32, 8), 0)).toThrow(SessionError);
  const [body, sig] = v.split('.');
  const tampered = Buffer.from(JSON.stringify({ ...s, licenseArn: 'l-victim' })).toString('base64url');
  expect(() => verifySession(`${tampered}.${sig}`, key, 0)).toThrow(/signature/);
  expect(() => verifySession(undefined, key, 0)).toThrow(/no registration session/);
  expect(readSessionCookie(['a=1', `__Host-sbt-mp-registration=${body}.${sig}`], undefined)).toBe(v);
  expect(readSessionCookie(undefined, `x=1; __Host-sbt-mp-registration=${v}`)).toBe(v);
});

test('plan → tier: highest configured tier, else the entitled dimensions; "-trial" during a free trial', () => {
  const ents = [
    { dimension: 'basic', value: true },
    { dimension: 'premium', value: true },
    { dimension: 'old', value: true, expirationDate: '2000-01-01T00:00:00Z' },
    { dimension: 'off', value: false },
  ];
  expect(planOf({ subscriberId: 'x', entitlements: ents }).tier).toBe('basic+premium');
  expect(planOf({ subscriberId: 'x', entitlements: ents }, ['basic', 'premium', 'enterprise']).tier).toBe('premium');
  expect(planOf({ subscriberId: 'x', entitlements: ents, freeTrial: true }, ['basic', 'premium']).tier).toBe(
    'premium-trial',
  );
  expect(planOf({ subscriberId: 'x' }).tier).toBe('marketplace');
});
