/**
 * Exact decimal arithmetic for usage values. Usage is money-adjacent: 0.1 + 0.2 must be 0.3, and a
 * billion small events must not drift. Values are fixed-point BigInts with 12 fraction digits (enough for
 * token counts, GB-seconds and micro-dollars); DynamoDB stores them as canonical decimal strings.
 */
export const SCALE = 12;
const FACTOR = 10n ** BigInt(SCALE);
const MAX_INT_DIGITS = 15;
const DECIMAL = new RegExp(`^(-?)(\\d{1,${MAX_INT_DIGITS}})(?:\\.(\\d{1,${SCALE}}))?$`);

/** Parses a JSON number or numeric string into scaled units; undefined when out of range or not numeric. */
export function toUnits(value: unknown): bigint | undefined {
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || Math.abs(value) >= 10 ** MAX_INT_DIGITS) return undefined;
    // The shortest round-trip form is what the sender wrote in JSON (0.1 → "0.1"); exponent forms are
    // expanded through toFixed, which is exact at 12 digits for the magnitudes allowed here.
    text = /e/i.test(String(value)) ? value.toFixed(SCALE) : String(value);
    if (text.includes('.') && text.split('.')[1]!.length > SCALE) text = value.toFixed(SCALE);
  } else if (typeof value === 'string') {
    text = value.trim();
  } else {
    return undefined;
  }
  const m = DECIMAL.exec(text);
  if (!m) return undefined;
  const [, sign, int, frac = ''] = m;
  const units = BigInt(int!) * FACTOR + BigInt(frac.padEnd(SCALE, '0'));
  return sign === '-' ? -units : units;
}

/** Scaled units → canonical decimal string ("12", "0.5", "-3.000001"). */
export function fromUnits(units: bigint): string {
  const neg = units < 0n;
  const abs = neg ? -units : units;
  const int = abs / FACTOR;
  const frac = (abs % FACTOR).toString().padStart(SCALE, '0').replace(/0+$/, '');
  return `${neg ? '-' : ''}${int}${frac ? `.${frac}` : ''}`;
}

/** Canonical decimal string of a value, or undefined when it is not a usable usage value. */
export function canonicalDecimal(value: unknown): string | undefined {
  const u = toUnits(value);
  return u === undefined ? undefined : fromUnits(u);
}
