/**
 * Registration input: the fulfillment form POST (`x-amzn-marketplace-token`, optional
 * `x-amzn-marketplace-offer-type=free-trial`, application/x-www-form-urlencoded) or the registration page's JSON
 * (`regToken` + the configured fields). Pure: validation errors name the field.
 */
import * as z from 'zod/mini';

export interface RegistrationInput {
  token: string;
  offerType?: string;
  fields: Record<string, string>;
}

export interface FieldConfig {
  required: string[];
  optional: string[];
}

export function fieldConfig(env: NodeJS.ProcessEnv = process.env): FieldConfig {
  const list = (v?: string) =>
    (v ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  return { required: list(env.REQUIRED_FIELDS), optional: list(env.OPTIONAL_FIELDS) };
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const text = z
  .string()
  .check(z.trim(), z.minLength(1, 'is required'), z.maxLength(256, 'must be at most 256 characters'));

export class FieldError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`field '${field}': ${message}`);
  }
}

/** Reads the token, offer type and configured fields from a parsed body (form or JSON); unknown fields are dropped. */
export function validateRegistration(
  body: Record<string, unknown>,
  cfg: FieldConfig,
  o: { token?: boolean } = {},
): RegistrationInput {
  const tokenRaw = body['x-amzn-marketplace-token'] ?? body.regToken;
  const needToken = o.token ?? true;
  if (needToken && (typeof tokenRaw !== 'string' || tokenRaw.trim() === '')) {
    throw new FieldError(
      'x-amzn-marketplace-token',
      'is required: open this page from AWS Marketplace ("Set up your account")',
    );
  }
  if (typeof tokenRaw === 'string' && tokenRaw.length > 4096)
    throw new FieldError('x-amzn-marketplace-token', 'is too long');
  const offer = body['x-amzn-marketplace-offer-type'] ?? body.offerType;
  if (offer !== undefined && offer !== '' && (typeof offer !== 'string' || !/^[a-z-]{1,32}$/.test(offer))) {
    throw new FieldError('x-amzn-marketplace-offer-type', 'is not a Marketplace offer type');
  }
  const fields: Record<string, string> = {};
  for (const name of [...cfg.required, ...cfg.optional]) {
    const v = body[name];
    const required = cfg.required.includes(name);
    if (v === undefined || v === null || (typeof v === 'string' && v.trim() === '')) {
      if (required) throw new FieldError(name, 'is required');
      continue;
    }
    const parsed = z.safeParse(text, v);
    if (!parsed.success)
      throw new FieldError(
        name,
        typeof v === 'string' ? (parsed.error.issues[0]?.message ?? 'is invalid') : 'must be a string',
      );
    if (/email/i.test(name) && !EMAIL.test(parsed.data)) throw new FieldError(name, 'must be an e-mail address');
    fields[name] = parsed.data;
  }
  return {
    token: typeof tokenRaw === 'string' ? tokenRaw.trim() : '',
    offerType: typeof offer === 'string' && offer ? offer : undefined,
    fields,
  };
}

/**
 * Where the 302 variant sends the browser: the page, WITHOUT the token (it was resolved at landing and lives in
 * the signed session cookie; a token in a URL leaks through history, logs and Referer). `session=1` only tells the
 * page to show the form; the offer type is not a secret.
 */
export function redirectLocation(pageUrl: string, offerType?: string): string {
  const u = new URL(pageUrl);
  u.searchParams.set('session', '1');
  if (offerType) u.searchParams.set('x-amzn-marketplace-offer-type', offerType);
  return u.toString();
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
