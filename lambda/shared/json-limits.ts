/**
 * The one policy for every JSON body a client sends (all of them may end up stored in DynamoDB or in an
 * event): size, nesting, numbers DynamoDB can store exactly, attribute names, and no prototype keys. Each
 * breach is a ValidationError (TooLargeError for size) that names the field and the limit — never a 500
 * from the marshaller or the stack. Pure: the edge (./http.ts) applies it to request bodies, domain code
 * (tenant data) to nested values.
 */
import { TooLargeError, ValidationError } from './domain-errors';

export const BODY_LIMITS = {
  /** Bytes of a request body (EventBridge entries are 256 KB; items are 400 KB with their bookkeeping). */
  maxBytes: 256 * 1024,
  /** Nesting levels of objects and arrays (DynamoDB allows 32 for maps and lists). */
  maxDepth: 32,
  /** DynamoDB numbers: 0 or a magnitude in [1e-130, 1e126); JavaScript integers are exact up to 2^53 - 1. */
  minMagnitude: 1e-130,
  maxMagnitude: 1e126,
} as const;

/** Keys that would reach an object's prototype when copied by assignment (`o[k] = v`). */
const PROTOTYPE_KEYS = new Set(['__proto__']);

const fieldName = (path: string, where: string) => (path ? path : where);

/**
 * Scans the raw JSON text before parsing, in one linear pass: nesting depth (so 5,000-deep arrays never
 * reach a recursive walk) and number literals that JSON.parse would silently change (1e-400 → 0).
 */
function scanJsonText(text: string, where: string): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
      continue;
    }
    if (c === 34) inString = true;
    else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (++depth > BODY_LIMITS.maxDepth)
        throw new ValidationError(`Invalid ${where}: nested deeper than ${BODY_LIMITS.maxDepth} levels`, {
          limit: 'maxDepth',
        });
    } else if (c === 125 || c === 93) depth--;
    else if (c === 45 /* - */ || (c >= 48 && c <= 57)) {
      let j = i + 1;
      while (j < text.length && /[0-9eE.+-]/.test(text[j])) j++;
      const literal = text.slice(i, j);
      const value = Number(literal);
      if (value === 0 && /[1-9]/.test(literal.replace(/[eE].*$/, ''))) {
        throw new ValidationError(
          `Invalid ${where}: number ${literal.slice(0, 40)} is too small to store (magnitude below ${BODY_LIMITS.minMagnitude}); send it as a string`,
          {
            limit: 'numberRange',
          },
        );
      }
      i = j - 1;
    }
  }
}

/** Checks a parsed JSON value against BODY_LIMITS (depth is already bounded by the scan). */
export function checkJsonValue(v: unknown, path: string, where = 'request body'): void {
  const at = () => `Invalid ${where}: field '${fieldName(path, 'body')}'`;
  if (typeof v === 'number') {
    const mag = Math.abs(v);
    if (!Number.isFinite(v))
      throw new ValidationError(
        `${at()}: number is out of range (magnitude ≥ ${BODY_LIMITS.maxMagnitude}); send it as a string`,
        { field: path, limit: 'numberRange' },
      );
    if (Number.isInteger(v) && !Number.isSafeInteger(v)) {
      throw new ValidationError(`${at()}: integer beyond ±(2^53 - 1) cannot be kept exactly; send it as a string`, {
        field: path,
        limit: 'safeInteger',
      });
    }
    if (mag !== 0 && (mag < BODY_LIMITS.minMagnitude || mag >= BODY_LIMITS.maxMagnitude)) {
      throw new ValidationError(
        `${at()}: number magnitude must be 0 or within [${BODY_LIMITS.minMagnitude}, ${BODY_LIMITS.maxMagnitude}); send it as a string`,
        {
          field: path,
          limit: 'numberRange',
        },
      );
    }
  } else if (Array.isArray(v)) {
    for (const [i, x] of v.entries()) checkJsonValue(x, path ? `${path}.${i}` : String(i), where);
  } else if (v && typeof v === 'object') {
    for (const k of Object.keys(v)) {
      const sub = path ? `${path}.${k}` : k;
      if (k === '')
        throw new ValidationError(`${at()}: empty attribute names are not allowed`, { field: path, limit: 'emptyKey' });
      if (PROTOTYPE_KEYS.has(k))
        throw new ValidationError(`Invalid ${where}: field '${sub}': the key '__proto__' is not allowed`, {
          field: sub,
          limit: 'prototypeKey',
        });
      checkJsonValue((v as Record<string, unknown>)[k], sub, where);
    }
  }
}

/**
 * Parses JSON text under BODY_LIMITS: 413 over the size, 400 for bad JSON, depth, numbers, empty or
 * prototype keys. The result has only own, plain data properties.
 */
export function parseJsonText(text: string, where = 'request body'): unknown {
  const bytes = Buffer.byteLength(text);
  if (bytes > BODY_LIMITS.maxBytes) {
    throw new TooLargeError(`Request body too large: ${bytes} bytes, the limit is ${BODY_LIMITS.maxBytes} bytes`, {
      limit: 'maxBytes',
      maxBytes: BODY_LIMITS.maxBytes,
    });
  }
  scanJsonText(text, where);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new ValidationError(`Invalid ${where}: not valid JSON`);
  }
  checkJsonValue(raw, '', where);
  return raw;
}
