/**
 * Registration endpoint (public: AWS Marketplace and the buyer's browser cannot present a token).
 *   POST /landing   — the product's fulfillment URL. Marketplace form-POSTs `x-amzn-marketplace-token`. With a
 *                     registration page configured → 302 to the page carrying the token; without one → direct:
 *                     the token is resolved here and now and an HTML confirmation is returned.
 *   POST /register  — the registration page's JSON (`regToken` + configured fields), or a form POST (direct).
 * Steps: validate required fields (400 naming the field) → ResolveCustomer (us-east-1) → check the product code →
 * conditional UpdateItem of the subscriber (409 if this licence is already registered with other data) → for
 * contracts, GetEntitlements → reconcile access (granted only if subscribe-success / License Updated arrived).
 * Env: PRODUCT_CODE, SUBSCRIBERS_TABLE_NAME, IDENTITY_MODE, PRICING_MODEL, REQUIRED_FIELDS, OPTIONAL_FIELDS,
 * REGISTRATION_PAGE_URL?, SELLER_EMAIL?, EVENT_BUS_NAME, CONTROL_PLANE_EVENT_SOURCE, MARKETPLACE_REGION.
 */
import { ResolveCustomerCommand } from '@aws-sdk/client-marketplace-metering';
import { header, httpHandler, HttpError, badRequest, conflict, rawBody, type HttpResponse } from '../shared/http';
import { logger } from '../shared/logger';
import { contractExpired, fetchEntitlements, meteringClient } from './domain/clients';
import { escapeHtml, fieldConfig, FieldError, redirectLocation, validateRegistration } from './domain/registration';
import { config, effects, hasContracts, store } from './domain/runtime';
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

const html = (status: number, title: string, message: string): HttpResponse => ({
  statusCode: status,
  headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
  body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p></body></html>`,
});

export const handler = httpHandler(async (event) => {
  const cfg = config();
  const contentType = (header(event, 'content-type') ?? '').toLowerCase();
  const isForm = contentType.includes('application/x-www-form-urlencoded');
  const body = parse(contentType, rawBody(event));
  const path = event.rawPath ?? '';
  const pageUrl = process.env.REGISTRATION_PAGE_URL;

  try {
    // 302-to-page variant: only the token travels on, URL-encoded (the sample echoed the raw body).
    if (isForm && path.endsWith('/landing') && pageUrl) {
      const input = validateRegistration(body, { required: [], optional: [] });
      return { statusCode: 302, headers: { location: redirectLocation(pageUrl, input.token, input.offerType), 'cache-control': 'no-store' } };
    }
    const input = validateRegistration(body, fieldConfig());

    let resolved;
    try {
      resolved = await meteringClient().send(new ResolveCustomerCommand({ RegistrationToken: input.token }));
    } catch (e) {
      const name = (e as Error).name;
      if (name === 'InvalidTokenException' || name === 'ExpiredTokenException') {
        throw new FieldError('x-amzn-marketplace-token', `${name === 'ExpiredTokenException' ? 'has expired' : 'is invalid'}: return to AWS Marketplace and choose "Set up your account" again`);
      }
      if (name === 'ThrottlingException') throw new HttpError(503, 'AWS Marketplace is busy; please submit again in a moment');
      throw e;
    }
    if (resolved.ProductCode !== cfg.productCode) {
      throw new FieldError('x-amzn-marketplace-token', `belongs to another product (${resolved.ProductCode ?? 'none'})`);
    }
    const s = store();
    const subscriberId = await s.register(
      {
        productCode: resolved.ProductCode,
        customerIdentifier: resolved.CustomerIdentifier,
        customerAWSAccountId: resolved.CustomerAWSAccountId,
        licenseArn: resolved.LicenseArn,
      },
      input.fields,
      input.offerType,
    );
    if (hasContracts(cfg.pricingModel)) {
      // The immediate entitlement check the sample did through a synthetic SQS message, done in-line.
      const filter: Record<string, string[]> = subscriberId.startsWith('license:')
        ? { LICENSE_ARN: [resolved.LicenseArn!] }
        : { CUSTOMER_IDENTIFIER: [resolved.CustomerIdentifier!] };
      const ents = await fetchEntitlements(cfg.productCode, filter);
      // An empty answer right after purchase may be propagation lag: only a found-and-expired contract blocks here.
      if (ents.length) await s.applyEntitlements(subscriberId, ents, subscriberId.startsWith('customer:') && contractExpired(ents));
    }
    const item = await s.reconcile(subscriberId, effects());
    const active = item?.access === 'GRANTED';
    logger.info('registered', { subscriberId, active });
    const message = active
      ? 'Registration complete: your subscription is active.'
      : 'Registration received: access starts as soon as AWS Marketplace confirms your subscription.';
    if (isForm) return html(200, 'Thank you', message);
    return { statusCode: 201, body: { subscriberId, status: active ? 'ACTIVE' : 'PENDING_SUBSCRIPTION', message } };
  } catch (e) {
    if (e instanceof FieldError) {
      if (isForm) return html(400, 'Registration failed', e.message);
      throw badRequest(`Invalid request body: ${e.message}`, { errors: [{ field: e.field, message: e.message }] });
    }
    if (e instanceof RegistrationConflict) {
      if (isForm) return html(409, 'Already registered', 'This subscription is already registered with different details; contact support.');
      throw conflict('This subscription is already registered with different details');
    }
    throw e;
  }
});
