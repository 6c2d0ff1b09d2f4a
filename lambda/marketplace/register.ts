/**
 * Registration endpoint (public: AWS Marketplace and the buyer's browser cannot present a token).
 *   POST /landing   — the product's fulfillment URL. Marketplace form-POSTs `x-amzn-marketplace-token`. The token is
 *                     resolved HERE AND NOW (ResolveCustomer, product code checked), bound to this browser, and the
 *                     buyer's identity kept in a signed, expiring session cookie (domain/session.ts). With a
 *                     registration page → 302 to the page (no token in the URL); without one → registered directly
 *                     and an HTML confirmation is returned (the construct refuses required fields without a page).
 *   POST /register  — the registration page's JSON (configured fields) or a form POST, acting only on the session:
 *                     a token in the body without the session is refused, so a replayed token cannot register.
 * Then: conditional UpdateItem of the subscriber (idempotent for the same buyer and data, 409 for other data) → for
 * contracts, GetEntitlements → reconcile access (granted only once subscribe-success / License Updated arrived).
 * Env: PRODUCT_CODE, SUBSCRIBERS_TABLE_NAME, IDENTITY_MODE, PRICING_MODEL, REQUIRED_FIELDS, OPTIONAL_FIELDS,
 * REGISTRATION_PAGE_URL?, REGISTRATION_SESSION_SECONDS?, SELLER_EMAIL?, EVENT_BUS_NAME, CONTROL_PLANE_EVENT_SOURCE,
 * TENANT_TABLE_NAME, REGISTRATION_TABLE_NAME, MARKETPLACE_REGION.
 */
import { ResolveCustomerCommand, type ResolveCustomerCommandOutput } from '@aws-sdk/client-marketplace-metering';
import { dynamo } from '../shared/aws-clients';
import { UnauthorizedError, UnavailableError } from '../shared/domain-errors';
import {
  badRequest,
  conflict,
  header,
  type HttpEvent,
  type HttpResponse,
  type RouteFunction,
  rawBody,
  routeTable,
} from '../shared/http';
import { logger } from '../shared/logger';
import { contractExpired, fetchEntitlements, meteringClient } from './domain/clients';
import { licenseArnForms } from './domain/identity';
import { escapeHtml, fieldConfig, FieldError, redirectLocation, validateRegistration } from './domain/registration';
import { clock, config, effects, hasContracts, store } from './domain/runtime';
import {
  bindToken,
  DEFAULT_SESSION_SECONDS,
  newSessionId,
  readSessionCookie,
  sessionCookie,
  sessionKey,
  SessionError,
  signSession,
  TokenReplayed,
  verifySession,
  type RegistrationSession,
} from './domain/session';
import { RegistrationConflict } from './domain/subscriber-store';

function parse(contentType: string, body: string): Record<string, unknown> {
  if (contentType.includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(body));
  if (body.trim() === '') return {};
  try {
    const v = JSON.parse(body);
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    /* fall through */
  }
  throw badRequest('Invalid request body: send JSON or an HTML form (application/x-www-form-urlencoded)');
}

const html = (status: number, title: string, message: string, headers: Record<string, string> = {}): HttpResponse => ({
  statusCode: status,
  headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...headers },
  body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p></body></html>`,
});

const sessionSeconds = () => {
  const v = Number(process.env.REGISTRATION_SESSION_SECONDS ?? DEFAULT_SESSION_SECONDS);
  return Number.isInteger(v) && v >= 60 && v <= 4 * 3600 ? v : DEFAULT_SESSION_SECONDS;
};

async function resolveToken(token: string) {
  let resolved: ResolveCustomerCommandOutput;
  try {
    resolved = await meteringClient().send(new ResolveCustomerCommand({ RegistrationToken: token }));
  } catch (e) {
    const name = (e as Error).name;
    if (name === 'InvalidTokenException' || name === 'ExpiredTokenException') {
      throw new FieldError(
        'x-amzn-marketplace-token',
        `${name === 'ExpiredTokenException' ? 'has expired' : 'is invalid'}: return to AWS Marketplace and choose "Set up your account" again`,
      );
    }
    if (name === 'ThrottlingException')
      throw new UnavailableError('AWS Marketplace is busy; please submit again in a moment');
    throw e;
  }
  if (resolved.ProductCode !== config().productCode) {
    throw new FieldError('x-amzn-marketplace-token', `belongs to another product (${resolved.ProductCode ?? 'none'})`);
  }
  return resolved;
}

function currentSession(event: HttpEvent, key: Buffer): RegistrationSession | undefined {
  const raw = readSessionCookie((event as { cookies?: string[] }).cookies, header(event, 'cookie'));
  if (!raw) return undefined;
  try {
    return verifySession(raw, key, clock.now());
  } catch {
    return undefined;
  }
}

/** Registration of the session's buyer with the submitted fields; returns the response message. */
async function registerBuyer(session: RegistrationSession, fields: Record<string, string>) {
  const cfg = config();
  const s = store();
  const subscriberId = await s.register(
    {
      productCode: session.productCode,
      customerIdentifier: session.customerIdentifier,
      customerAWSAccountId: session.customerAWSAccountId,
      licenseArn: session.licenseArn,
    },
    fields,
    session.offerType,
  );
  if (hasContracts(cfg.pricingModel)) {
    // The immediate entitlement check the sample did through a synthetic SQS message, done in-line.
    const filter: Record<string, string[]> = subscriberId.startsWith('license:')
      ? { LICENSE_ARN: licenseArnForms([session.licenseArn], session.customerAWSAccountId) }
      : { CUSTOMER_IDENTIFIER: [session.customerIdentifier!] };
    const ents = await fetchEntitlements(cfg.productCode, filter);
    // An empty answer right after purchase may be propagation lag: only a found-and-expired contract blocks here.
    if (ents.length)
      await s.applyEntitlements(subscriberId, ents, subscriberId.startsWith('customer:') && contractExpired(ents));
  }
  const fx = effects();
  const item = await s.reconcile(subscriberId, fx);
  await s.syncPlan(subscriberId, fx, 'AWS Marketplace registration');
  const active = item?.access === 'GRANTED';
  logger.info('registered', { subscriberId, active });
  const message = active
    ? 'Registration complete: your subscription is active.'
    : 'Registration received: access starts as soon as AWS Marketplace confirms your subscription.';
  return { subscriberId, active, message };
}

/** A registration request as both routes read it: the form or JSON fields, and the key that signs sessions. */
interface Submission {
  readonly event: HttpEvent;
  readonly body: Record<string, unknown>;
  readonly key: Buffer;
  /** An HTML form post (the buyer's browser without the page's script): answered with HTML, errors too. */
  readonly isForm: boolean;
}

/**
 * POST /landing: Marketplace's form post of the token. The token is resolved and bound to this browser, and
 * the buyer's identity goes into the session cookie; then the page (302), or, without one, registration now.
 */
async function landing({ event, body, key }: Submission): Promise<HttpResponse> {
  const cfg = config();
  const pageUrl = process.env.REGISTRATION_PAGE_URL;
  const input = validateRegistration(body, { required: [], optional: [] });
  const resolved = await resolveToken(input.token);
  // The same browser coming back keeps its binding; anyone else gets a new one, and the token's first binding wins.
  const sid = currentSession(event, key)?.sid ?? newSessionId();
  try {
    await bindToken(dynamo(), cfg.table, input.token, sid, clock.now());
  } catch (e) {
    if (e instanceof TokenReplayed) {
      logger.warn('registration token replayed from another browser', {
        customerAWSAccountId: resolved.CustomerAWSAccountId,
      });
      return html(
        409,
        'Link already used',
        'This registration link was already opened in another browser. Return to AWS Marketplace and choose "Set up your account" again.',
      );
    }
    throw e;
  }
  const ttl = sessionSeconds();
  const session: RegistrationSession = {
    sid,
    productCode: resolved.ProductCode!,
    customerIdentifier: resolved.CustomerIdentifier || undefined,
    customerAWSAccountId: resolved.CustomerAWSAccountId || undefined,
    licenseArn: resolved.LicenseArn || undefined,
    offerType: input.offerType,
    exp: Math.floor(clock.now() / 1000) + ttl,
  };
  const cookie = { 'set-cookie': sessionCookie(signSession(session, key), ttl) };
  if (pageUrl)
    return {
      statusCode: 302,
      headers: { location: redirectLocation(pageUrl, input.offerType), 'cache-control': 'no-store', ...cookie },
    };
  // Direct variant (no page): nothing to fill in, so the buyer is registered at once.
  const fields = validateRegistration(body, fieldConfig(), { token: false }).fields;
  const r = await registerBuyer(session, fields);
  return html(200, 'Thank you', r.message, cookie);
}

/** POST /register: the page's fields (or a form); only the session's buyer can register. */
async function register({ event, body, key, isForm }: Submission): Promise<HttpResponse> {
  let session: RegistrationSession;
  try {
    session = verifySession(
      readSessionCookie((event as { cookies?: string[] }).cookies, header(event, 'cookie')),
      key,
      clock.now(),
    );
  } catch (e) {
    if (!(e instanceof SessionError)) throw e;
    throw new FieldError(
      'session',
      `${e.message}: open this page from AWS Marketplace ("Set up your account") in this browser`,
    );
  }
  const input = validateRegistration(body, fieldConfig(), { token: false });
  const r = await registerBuyer(session, input.fields);
  if (isForm) return html(200, 'Thank you', r.message);
  return {
    statusCode: 201,
    body: { subscriberId: r.subscriberId, status: r.active ? 'ACTIVE' : 'PENDING_SUBSCRIPTION', message: r.message },
  };
}

/**
 * One of the two routes with what they share: the body read (JSON or form), the session key, and the answer
 * to a refused field or a conflicting registration — an HTML page for a form post (the buyer sees why), the
 * one error mapping for JSON.
 */
function submission(route: (s: Submission) => Promise<HttpResponse>): RouteFunction {
  return async (event) => {
    const contentType = (header(event, 'content-type') ?? '').toLowerCase();
    const isForm = contentType.includes('application/x-www-form-urlencoded');
    const body = parse(contentType, rawBody(event));
    const key = await sessionKey(dynamo(), config().table);
    try {
      return await route({ event, body, key, isForm });
    } catch (e) {
      if (e instanceof FieldError) {
        const status = e.field === 'session' ? 401 : 400;
        if (isForm) return html(status, 'Registration failed', e.message);
        if (status === 401)
          throw new UnauthorizedError(`Unauthorized: ${e.message}`, {
            errors: [{ field: e.field, message: e.message }],
          });
        throw badRequest(`Invalid request body: ${e.message}`, { errors: [{ field: e.field, message: e.message }] });
      }
      if (e instanceof RegistrationConflict) {
        if (isForm)
          return html(
            409,
            'Already registered',
            'This subscription is already registered with different details; contact support.',
          );
        throw conflict('This subscription is already registered with different details');
      }
      throw e;
    }
  };
}

export const handler = routeTable({
  'POST /landing': submission(landing),
  'POST /register': submission(register),
});
