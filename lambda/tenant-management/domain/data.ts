/**
 * Free-form tenant / registration data as SBT accepts it (any JSON object), checked so that nothing a
 * client sends can make DynamoDB or the marshaller fail with a 5xx: managed attributes are refused by
 * name, numbers must be representable, nesting and size are bounded.
 */
import { badRequest, HttpError } from '../../shared/http';

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
] as const;
const MANAGED = new Set<string>(MANAGED_FIELDS);

/** Ids SBT clients send and SBT ignores (it assigns them); dropped silently for compatibility. */
const IGNORED_IDS = new Set(['tenantId', 'tenantRegistrationId']);

export const MAX_DATA_BYTES = 64 * 1024;
const MAX_DEPTH = 16;
const MAX_FIELDS = 200;

export type Data = Record<string, unknown>;

function checkValue(path: string, v: unknown, depth: number): void {
  if (depth > MAX_DEPTH) throw badRequest(`Invalid request body: field '${path}': nested deeper than ${MAX_DEPTH} levels`);
  if (typeof v === 'number') {
    // DynamoDB numbers: 0 or magnitude in [1e-130, 1e126); the marshaller refuses unsafe integers.
    const mag = Math.abs(v);
    if (!Number.isFinite(v) || (Number.isInteger(v) && !Number.isSafeInteger(v)) || (mag !== 0 && (mag < 1e-130 || mag >= 1e126))) {
      throw badRequest(`Invalid request body: field '${path}': number cannot be stored exactly; send it as a string`);
    }
  } else if (Array.isArray(v)) {
    v.forEach((x, i) => checkValue(`${path}.${i}`, x, depth + 1));
  } else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      if (k === '') throw badRequest(`Invalid request body: field '${path}': empty attribute name`);
      checkValue(`${path}.${k}`, x, depth + 1);
    }
  }
}

/**
 * Validates an object of client data at `where` (e.g. 'tenantData'; '' for the body itself).
 * `dropIds`: silently drop tenantId / tenantRegistrationId as SBT does.
 */
export function clientData(raw: unknown, where: string, opts: { dropIds?: boolean } = {}): Data {
  const label = (k: string) => (where ? `${where}.${k}` : k);
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw badRequest(`Invalid request body: field '${where || 'body'}': expected an object`);
  }
  const out: Data = {};
  const entries = Object.entries(raw as Data);
  if (entries.length > MAX_FIELDS) throw badRequest(`Invalid request body: field '${where || 'body'}': more than ${MAX_FIELDS} fields`);
  for (const [k, v] of entries) {
    if (k === '') throw badRequest(`Invalid request body: field '${where || 'body'}': empty attribute name`);
    if (opts.dropIds && IGNORED_IDS.has(k)) continue;
    if (MANAGED.has(k)) {
      throw badRequest(`Invalid request body: field '${label(k)}': is managed by the control plane and cannot be set`);
    }
    if (v === undefined) continue;
    checkValue(label(k), v, 1);
    out[k] = v;
  }
  if (Buffer.byteLength(JSON.stringify(out)) > MAX_DATA_BYTES) {
    throw new HttpError(413, `Request body too large: field '${where || 'body'}' exceeds ${MAX_DATA_BYTES} bytes`);
  }
  return out;
}

/** Optional string fields SBT clients conventionally send; typed when present so bad types are a 400. */
export function checkConventionalFields(data: Data, where: string): void {
  for (const k of ['tenantName', 'email', 'tier']) {
    const v = data[k];
    if (v === undefined) continue;
    if (typeof v !== 'string' || v.length === 0 || v.length > 256) {
      throw badRequest(`Invalid request body: field '${where ? `${where}.` : ''}${k}': expected a string of 1-256 characters`);
    }
  }
  if (typeof data.email === 'string' && !/^[^\s@]+@[^\s@]+$/.test(data.email)) {
    throw badRequest(`Invalid request body: field '${where ? `${where}.` : ''}email': not an email address`);
  }
}

/** Keeps only non-managed keys of data coming from the application plane (never fails: it is not a client). */
export function jobData(raw: unknown): Data {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return {};
  const out: Data = {};
  for (const [k, v] of Object.entries(raw as Data)) if (k && !MANAGED.has(k) && v !== undefined) out[k] = v;
  return out;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
