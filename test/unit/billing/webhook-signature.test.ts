import * as fc from 'fast-check';
import {
  secretsOf,
  signWebhook,
  verifyWebhook,
  webhookHeaders,
} from '../../../lambda/billing/domain/webhook-signature';
import { createHmac } from 'node:crypto';

const NOW = 1_750_000_000;
const verify = (secretValue: string, h: Record<string, string>, rawBody: string, nowSeconds = NOW) =>
  verifyWebhook({
    secretValue,
    headers: { id: h['webhook-id'], timestamp: h['webhook-timestamp'], signature: h['webhook-signature'] },
    rawBody,
    nowSeconds,
  });

test('the signature is base64 HMAC-SHA256 of "<id>.<timestamp>.<body>" (what a vendor computes)', () => {
  const expected = createHmac('sha256', 'plain-secret').update(`msg_1.${NOW}.{"a":1}`).digest('base64');
  expect(signWebhook('plain-secret', 'msg_1', NOW, '{"a":1}')).toBe(`v1,${expected}`);
  const key = Buffer.from('0123456789abcdef');
  const whsec = `whsec_${key.toString('base64')}`;
  expect(signWebhook(whsec, 'm', NOW, 'b')).toBe(
    `v1,${createHmac('sha256', key).update(`m.${NOW}.b`).digest('base64')}`,
  );
});

test('valid, tampered, stale, missing and rotated cases', () => {
  const h = webhookHeaders('s1', 'msg_1', NOW, 'body');
  expect(verify('s1', h, 'body')).toEqual({ ok: true, id: 'msg_1', timestamp: NOW });
  expect(verify('s1', h, 'body ')).toEqual({ ok: false, reason: 'bad-signature' });
  expect(verify('s1', { ...h, 'webhook-id': 'msg_2' }, 'body')).toEqual({ ok: false, reason: 'bad-signature' });
  expect(verify('s1', { ...h, 'webhook-timestamp': String(NOW - 1) }, 'body')).toEqual({
    ok: false,
    reason: 'bad-signature',
  });
  expect(verify('s1', h, 'body', NOW + 301)).toEqual({ ok: false, reason: 'stale-timestamp' });
  expect(verify('s1', h, 'body', NOW - 301)).toEqual({ ok: false, reason: 'stale-timestamp' });
  expect(verify('s1', h, 'body', NOW + 300).ok).toBe(true);
  expect(verify('s1', { ...h, 'webhook-timestamp': '12abc' }, 'body')).toEqual({ ok: false, reason: 'bad-timestamp' });
  expect(verify('s1', webhookHeaders('s1', 'x'.repeat(257), NOW, 'body'), 'body')).toEqual({
    ok: false,
    reason: 'bad-id',
  });
  expect(verify('s1', { 'webhook-id': 'x' }, 'body')).toEqual({ ok: false, reason: 'missing-headers' });
  expect(verify('   ', h, 'body')).toEqual({ ok: false, reason: 'no-secret' });
  // Rotation: the stored value lists old and new secrets; a sender may list several signatures.
  expect(verify('s0 s1', h, 'body').ok).toBe(true);
  const both = { ...h, 'webhook-signature': `v1,bogus ${h['webhook-signature']}` };
  expect(verify('s1', both, 'body').ok).toBe(true);
  expect(secretsOf(' a \n b ')).toEqual(['a', 'b']);
});

test('property: any body verifies with its own signature and fails after any change', () => {
  fc.assert(
    fc.property(fc.string({ minLength: 1 }), fc.string(), fc.nat({ max: 100 }), (secret, body, k) => {
      fc.pre(secret.trim().length > 0 && !/\s/.test(secret));
      const h = webhookHeaders(secret, 'id', NOW, body);
      expect(verify(secret, h, body).ok).toBe(true);
      const tampered = body.length
        ? body.slice(0, k % body.length) +
          String.fromCharCode(body.charCodeAt(k % body.length) ^ 1) +
          body.slice((k % body.length) + 1)
        : 'x';
      expect(verify(secret, h, tampered).ok).toBe(false);
    }),
  );
});
