/**
 * Free-form tenant / registration data as SBT accepts it (any JSON object), checked so that nothing a
 * client sends can make DynamoDB or the marshaller fail with a 5xx: managed attributes are refused by
 * name, numbers must be representable, nesting and size are bounded.
 */
import { TooLargeError, ValidationError } from '../../shared/domain-errors';
import { checkJsonValue } from '../../shared/json-limits';

/** Attributes the control plane owns; clients never write them. */
export const MANAGED_FIELDS = [
  'tenantId',
  'tenantRegistrationId',
  'sbtaws_active',
  'lifecycleState',
  'lifecycleHistory',
  'lastError',
  'createdAt',
  'updatedAt',
  'listPartition',
  'version',
  'requestFingerprint',
] as const;
const MANAGED = new Set<string>(MANAGED_FIELDS);

/** Ids SBT clients send and SBT ignores (it assigns them); dropped silently for compatibility. */
const IGNORED_IDS = new Set(['tenantId', 'tenantRegistrationId']);

export const MAX_DATA_BYTES = 64 * 1024;
const MAX_FIELDS = 200;

export type Data = Record<string, unknown>;

/** Depth, numbers and keys: the one body policy of lambda/shared/json-limits.ts (parseBody applies it too). */
function checkValue(path: string, v: unknown): void {
  checkJsonValue(v, path);
}

/**
 * Validates an object of client data at `where` (e.g. 'tenantData'; '' for the body itself).
 * `dropIds`: silently drop tenantId / tenantRegistrationId as SBT does.
 */
export function clientData(raw: unknown, where: string, opts: { dropIds?: boolean } = {}): Data {
  const label = (k: string) => (where ? `${where}.${k}` : k);
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ValidationError(`Invalid request body: field '${where || 'body'}': expected an object`);
  }
  const out: Data = {};
  const entries = Object.entries(raw as Data);
  if (entries.length > MAX_FIELDS)
    throw new ValidationError(`Invalid request body: field '${where || 'body'}': more than ${MAX_FIELDS} fields`);
  for (const [k, v] of entries) {
    if (k === '')
      throw new ValidationError(
        `Invalid request body: field '${where || 'body'}': empty attribute names are not allowed`,
      );
    if (k === '__proto__')
      throw new ValidationError(`Invalid request body: field '${label(k)}': the key '__proto__' is not allowed`);
    if (opts.dropIds && IGNORED_IDS.has(k)) continue;
    if (MANAGED.has(k)) {
      throw new ValidationError(
        `Invalid request body: field '${label(k)}': is managed by the control plane and cannot be set`,
      );
    }
    if (v === undefined) continue;
    checkValue(label(k), v);
    // defineProperty, not `out[k] = v`: no key can ever reach the prototype
    Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  }
  if (Buffer.byteLength(JSON.stringify(out)) > MAX_DATA_BYTES) {
    throw new TooLargeError(`Request body too large: field '${where || 'body'}' exceeds ${MAX_DATA_BYTES} bytes`);
  }
  return out;
}

/**
 * Characters a name must not contain: C0/C1 controls (NUL, newline, escape…), Unicode bidi controls
 * (which make a name read differently than it compares), and `/ \ < >` (names appear in URL paths
 * such as /tenant-config/{tenantName} and in HTML pages). Letters of any script, digits, spaces and
 * the punctuation SBT clients use today (`- _ . @ & ' ( ) ,` …) stay allowed.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point (they are rejected).
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const PATH_OR_MARKUP = /[/\\<>]/;

/** Why `name` is not an acceptable tenant name, or undefined when it is. */
export function nameProblem(name: string): string | undefined {
  if (CONTROL.test(name)) return 'control characters are not allowed';
  if (BIDI.test(name)) return 'bidirectional control characters are not allowed';
  if (PATH_OR_MARKUP.test(name)) return 'the characters / \\ < > are not allowed';
  if (name.trim() !== name) return 'leading or trailing whitespace is not allowed';
  if (name === '.' || name === '..') return "'.' and '..' are not names";
  return undefined;
}

/** Optional string fields SBT clients conventionally send; typed when present so bad types are a 400. */
export function checkConventionalFields(data: Data, where: string, opts: { requireTier?: boolean } = {}): void {
  const field = (k: string) => `${where ? `${where}.` : ''}${k}`;
  for (const k of ['tenantName', 'email', 'tier']) {
    const v = data[k];
    if (v === undefined) continue;
    if (typeof v !== 'string' || v.length === 0 || v.length > 256) {
      throw new ValidationError(`Invalid request body: field '${field(k)}': expected a string of 1-256 characters`, {
        field: field(k),
      });
    }
    const problem =
      k === 'email'
        ? CONTROL.test(v) || BIDI.test(v)
          ? 'control characters are not allowed'
          : undefined
        : nameProblem(v);
    if (problem)
      throw new ValidationError(`Invalid request body: field '${field(k)}': ${problem}`, { field: field(k) });
  }
  if (typeof data.email === 'string' && !/^[^\s@]+@[^\s@]+$/.test(data.email)) {
    throw new ValidationError(`Invalid request body: field '${field('email')}': not an email address`, {
      field: field('email'),
    });
  }
  if (opts.requireTier && data.tier === undefined) {
    throw new ValidationError(
      `Invalid request body: field '${field('tier')}': is required (the tier selects what the application plane provisions)`,
      { field: field('tier') },
    );
  }
}

/** Keeps only non-managed keys of data coming from the application plane (never fails: it is not a client). */
export function jobData(raw: unknown): Data {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return {};
  const out: Data = {};
  for (const [k, v] of Object.entries(raw as Data))
    if (k && k !== '__proto__' && !MANAGED.has(k) && v !== undefined) out[k] = v;
  return out;
}

/** Bytes of the client data an item carries (everything but the managed attributes), as JSON. */
export function clientBytes(item: Data): number {
  let n = 2;
  for (const [k, v] of Object.entries(item))
    if (!MANAGED.has(k) && v !== undefined) n += Buffer.byteLength(JSON.stringify({ [k]: v })) - 1;
  return n;
}

/**
 * EventBridge entries are limited to 256 KB. An event detail over `budget` bytes keeps the fields
 * named in `keep` (ids, state, the conventional name/tier/email) and drops the largest others, naming
 * them in `omittedFields` — the event then is a reference: GET /tenants/{tenantId} has the whole tenant.
 */
export const EVENT_DETAIL_BUDGET = 192 * 1024;
export function fitDetail(detail: Data, keep: readonly string[], budget = EVENT_DETAIL_BUDGET): Data {
  if (Buffer.byteLength(JSON.stringify(detail)) <= budget) return detail;
  const sizes = Object.entries(detail)
    .filter(([k]) => !keep.includes(k))
    .map(([k, v]) => [k, Buffer.byteLength(JSON.stringify(v ?? null))] as const)
    .sort((a, b) => b[1] - a[1]);
  const out: Data = { ...detail };
  const omitted: string[] = [];
  for (const [k] of sizes) {
    delete out[k];
    omitted.push(k);
    if (Buffer.byteLength(JSON.stringify({ ...out, omittedFields: omitted })) <= budget) break;
  }
  return { ...out, omittedFields: omitted.sort() };
}

export function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** JSON with object keys sorted: the same data always gives the same text (for request fingerprints). */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Data)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}
