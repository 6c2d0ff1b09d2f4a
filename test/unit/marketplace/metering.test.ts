import {
  aggregate,
  bucketIdOf,
  chunk,
  cutoffOf,
  invalidReason,
  usageRecordOf,
  usageTimeMs,
} from '../../../lambda/marketplace/domain/metering';
import { accessTransition, desiredAccess } from '../../../lambda/marketplace/domain/access';
import { licenseIdOf, subscriberIdOf } from '../../../lambda/marketplace/domain/identity';
import { FieldError, redirectLocation, validateRegistration } from '../../../lambda/marketplace/domain/registration';

const H = 3600_000;

test('cutoff: 24 h after the usage hour, but never past 06:00 UTC on the 1st for the previous month', () => {
  const mid = Date.UTC(2026, 10, 10, 13);
  expect(cutoffOf(mid)).toBe(mid + 24 * H);
  const lastHour = Date.UTC(2026, 10, 30, 23);
  expect(new Date(cutoffOf(lastHour)).toISOString()).toBe('2026-12-01T06:00:00.000Z');
  expect(new Date(cutoffOf(Date.UTC(2026, 11, 31, 2))).toISOString()).toBe('2027-01-01T02:00:00.000Z');
});

test('usage time: epoch seconds, epoch ms and ISO all truncate to the USAGE hour (not send time)', () => {
  const t = Date.UTC(2026, 0, 1, 5, 59, 59);
  expect(usageTimeMs(t / 1000)).toBe(t);
  expect(usageTimeMs(t)).toBe(t);
  expect(usageTimeMs('2026-01-01T05:59:59Z')).toBe(t);
  const [b] = aggregate([
    { licenseArn: 'arn:l-1', customerAWSAccountId: '1', dimension: 'users', quantity: 2, timestamp: t / 1000 },
  ]);
  expect(new Date(b.hourMs).toISOString()).toBe('2026-01-01T05:00:00.000Z');
  expect(usageRecordOf(b)).toEqual({
    Timestamp: new Date('2026-01-01T05:00:00Z'),
    Dimension: 'users',
    Quantity: 2,
    LicenseArn: 'arn:l-1',
    CustomerAWSAccountId: '1',
  });
});

test('aggregation: one record per identity, dimension and hour', () => {
  const t0 = Date.UTC(2026, 0, 1, 5) / 1000;
  const out = aggregate([
    { customerIdentifier: 'c1', dimension: 'users', quantity: 1, timestamp: t0 },
    { customerIdentifier: 'c1', dimension: 'users', quantity: 2, timestamp: t0 + 3599 },
    { customerIdentifier: 'c1', dimension: 'users', quantity: 4, timestamp: t0 + 3600 },
    { customerIdentifier: 'c1', dimension: 'admins', quantity: 8, timestamp: t0 },
    { customerIdentifier: 'c2', dimension: 'users', quantity: 16, timestamp: t0 },
  ]);
  expect(out.map((b) => [b.bucketId, b.quantity]).sort()).toEqual(
    [
      [bucketIdOf({ customerIdentifier: 'c1' }, 'users', t0 * 1000), 3],
      [bucketIdOf({ customerIdentifier: 'c1' }, 'users', t0 * 1000 + H), 4],
      [bucketIdOf({ customerIdentifier: 'c1' }, 'admins', t0 * 1000), 8],
      [bucketIdOf({ customerIdentifier: 'c2' }, 'users', t0 * 1000), 16],
    ].sort(),
  );
});

test('chunking: ≤ 25 records and < 1 MB per request', () => {
  const items = Array.from({ length: 60 }, (_, i) => ({
    record: { Dimension: `d${i}`, Quantity: 1, Timestamp: new Date(0), CustomerIdentifier: 'c' },
  }));
  expect(chunk(items).map((c) => c.length)).toEqual([25, 25, 10]);
  const big = Array.from({ length: 10 }, () => ({
    record: { Dimension: 'x'.repeat(200), Quantity: 1, Timestamp: new Date(0), CustomerIdentifier: 'c' },
  }));
  const chunks = chunk(big, 25, 1000);
  expect(chunks.every((c) => JSON.stringify(c).length < 1000 * 2)).toBe(true);
  expect(chunks.length).toBeGreaterThan(1);
});

test('invalid records are named', () => {
  expect(invalidReason({ dimension: '', quantity: 1, timestamp: 1, customerIdentifier: 'c' })).toMatch(/dimension/);
  expect(invalidReason({ dimension: 'd', quantity: -1, timestamp: 1, customerIdentifier: 'c' })).toMatch(/quantity/);
  expect(invalidReason({ dimension: 'd', quantity: 1.5, timestamp: 1, customerIdentifier: 'c' })).toMatch(/quantity/);
  expect(invalidReason({ dimension: 'd', quantity: 1, timestamp: 'soon', customerIdentifier: 'c' })).toMatch(
    /timestamp/,
  );
  expect(invalidReason({ dimension: 'd', quantity: 1, timestamp: 1, licenseArn: 'l-1' })).toMatch(
    /customerAWSAccountId/,
  );
  expect(
    invalidReason({
      dimension: 'd',
      quantity: 1,
      timestamp: 1,
      licenseArn: 'not-a-licence',
      customerAWSAccountId: '1',
    }),
  ).toMatch(/licenseArn/);
  expect(invalidReason({ dimension: 'd', quantity: 1, timestamp: 1, customerIdentifier: 'c', tags: {} })).toMatch(
    /tags/,
  );
  expect(
    invalidReason({
      dimension: 'd',
      quantity: 1,
      timestamp: 1,
      customerIdentifier: 'c',
      tags: { a: '1', b: '2', c: '3', d: '4', e: '5', f: '6' },
    }),
  ).toMatch(/tags/);
  expect(
    invalidReason({ dimension: 'd', quantity: 1, timestamp: 1, customerIdentifier: 'c', tags: { team: 'a<b' } }),
  ).toMatch(/tag 'team'/);
  expect(invalidReason({ dimension: 'd', quantity: 1, timestamp: 1 })).toMatch(/customerIdentifier/);
  expect(invalidReason({ dimension: 'd', quantity: 0, timestamp: 1, customerIdentifier: 'c' })).toBeUndefined();
});

test('identity: licence id compares across the two ARN spellings; legacy key trims', () => {
  expect(licenseIdOf('aws:license-manager:us-east-1:123456789012:l-e52ca6f38bf84d0fafb8802ca15ac11x')).toBe(
    'l-e52ca6f38bf84d0fafb8802ca15ac11x',
  );
  expect(licenseIdOf('arn:aws:license-manager::123456789012:license/l-e52ca6f38bf84d0fafb8802ca15ac11x')).toBe(
    'l-e52ca6f38bf84d0fafb8802ca15ac11x',
  );
  expect(
    subscriberIdOf({ productCode: 'p', licenseArn: 'arn:x:license/l-1', customerIdentifier: 'c' }, 'license'),
  ).toBe('license:l-1');
  expect(
    subscriberIdOf({ productCode: 'p', licenseArn: 'arn:x:license/l-1', customerIdentifier: ' c ' }, 'customer'),
  ).toBe('customer:c');
});

test('access: registration alone never grants; subscribe-success / License Updated does; revoke only what was granted', () => {
  const base = { subscriberId: 's' };
  expect(desiredAccess({ ...base, registeredAt: 't' })).toBe(false);
  expect(desiredAccess({ ...base, subscriptionStatus: 'subscribe-success' })).toBe(false);
  expect(accessTransition({ ...base, registeredAt: 't', subscriptionStatus: 'subscribe-success' })).toBe('GRANTED');
  expect(accessTransition({ ...base, registeredAt: 't', licenseStatus: 'ACTIVE' })).toBe('GRANTED');
  expect(accessTransition({ ...base, registeredAt: 't', subscriptionStatus: 'subscribe-fail' })).toBeUndefined();
  expect(
    accessTransition({ ...base, registeredAt: 't', subscriptionStatus: 'unsubscribe-pending', access: 'GRANTED' }),
  ).toBeUndefined();
  expect(
    accessTransition({ ...base, registeredAt: 't', subscriptionStatus: 'unsubscribe-success', access: 'GRANTED' }),
  ).toBe('REVOKED');
  expect(
    accessTransition({ ...base, registeredAt: 't', licenseStatus: 'ACTIVE', contractExpired: true, access: 'GRANTED' }),
  ).toBe('REVOKED');
  expect(
    accessTransition({ ...base, registeredAt: 't', licenseStatus: 'DEPROVISIONED', access: 'REVOKED' }),
  ).toBeUndefined();
});

test('registration input: token from form or JSON, required fields named, e-mail checked, unknown fields dropped', () => {
  const cfg = { required: ['companyName', 'contactEmail'], optional: ['contactPhone'] };
  expect(
    validateRegistration(
      {
        'x-amzn-marketplace-token': 't',
        'x-amzn-marketplace-offer-type': 'free-trial',
        companyName: ' Acme ',
        contactEmail: 'a@b.co',
        evil: 'x',
      },
      cfg,
    ),
  ).toEqual({
    token: 't',
    offerType: 'free-trial',
    fields: { companyName: 'Acme', contactEmail: 'a@b.co' },
  });
  expect(() => validateRegistration({ companyName: 'A', contactEmail: 'a@b.co' }, cfg)).toThrow(
    /x-amzn-marketplace-token/,
  );
  expect(() => validateRegistration({ regToken: 't', contactEmail: 'a@b.co' }, cfg)).toThrow(FieldError);
  expect(() => validateRegistration({ regToken: 't', companyName: 'A', contactEmail: 'nope' }, cfg)).toThrow(
    /contactEmail.*e-mail/,
  );
  expect(() =>
    validateRegistration({ regToken: 't', companyName: 'A'.repeat(300), contactEmail: 'a@b.co' }, cfg),
  ).toThrow(/companyName/);
  // The token never travels on in a URL: it was resolved at landing and lives in the signed session cookie.
  expect(redirectLocation('https://d.example/index.html', 'free-trial')).toBe(
    'https://d.example/index.html?session=1&x-amzn-marketplace-offer-type=free-trial',
  );
  expect(redirectLocation('https://d.example/index.html')).not.toMatch(/token/);
});
