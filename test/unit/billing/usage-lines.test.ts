// Usage-line periods and keys (lambda/billing/domain/usage-lines.ts): UTC day and month boundaries,
// including year ends and leap years, and sortable line ids. The DynamoDB half runs in test/integration/billing.
import { lineIdOf, periodFrom, previousPeriod } from '../../../lambda/billing/domain/usage-lines';

const t = (iso: string) => Date.parse(iso) / 1000;

test.each<[string, string, 'day' | 'month', string, string]>([
  ['mid-day', '2026-03-15T13:45:00Z', 'day', '2026-03-14T00:00:00Z', '2026-03-15T00:00:00Z'],
  ['exactly midnight', '2026-03-15T00:00:00Z', 'day', '2026-03-14T00:00:00Z', '2026-03-15T00:00:00Z'],
  ['one second before midnight', '2026-03-15T23:59:59Z', 'day', '2026-03-14T00:00:00Z', '2026-03-15T00:00:00Z'],
  ['mid-month', '2026-03-15T13:45:00Z', 'month', '2026-02-01T00:00:00Z', '2026-03-01T00:00:00Z'],
  ['first instant of a month', '2026-03-01T00:00:00Z', 'month', '2026-02-01T00:00:00Z', '2026-03-01T00:00:00Z'],
  ['January → previous December', '2027-01-10T00:00:00Z', 'month', '2026-12-01T00:00:00Z', '2027-01-01T00:00:00Z'],
  ['March of a leap year', '2028-03-02T00:00:00Z', 'month', '2028-02-01T00:00:00Z', '2028-03-01T00:00:00Z'],
])('previousPeriod: %s', (_label, now, period, start, end) => {
  expect(previousPeriod(t(now), period)).toEqual({ start: t(start), end: t(end) });
});

test.each<[string, 'day' | 'month', string]>([
  ['2026-03-14T00:00:00Z', 'day', '2026-03-15T00:00:00Z'],
  ['2026-02-01T00:00:00Z', 'month', '2026-03-01T00:00:00Z'],
  ['2028-02-01T00:00:00Z', 'month', '2028-03-01T00:00:00Z'],
  ['2026-12-01T00:00:00Z', 'month', '2027-01-01T00:00:00Z'],
  ['2026-01-01T00:00:00Z', 'month', '2026-02-01T00:00:00Z'],
])('periodFrom(%s, %s) ends at %s', (start, period, end) => {
  expect(periodFrom(t(start), period)).toEqual({ start: t(start), end: t(end) });
});

test('line ids: 10-digit zero-padded period start, then the meter — they sort by period', () => {
  expect(lineIdOf(86400, 'api_calls')).toBe('0000086400#api_calls');
  expect(lineIdOf(t('2026-03-14T00:00:00Z'), 'gb')).toBe('1773446400#gb');
  const ids = [lineIdOf(999999999, 'a'), lineIdOf(86400, 'b'), lineIdOf(1000000000, 'a')].sort();
  expect(ids).toEqual(['0000086400#b', '0999999999#a', '1000000000#a']);
});
