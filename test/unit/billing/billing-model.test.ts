import * as z from 'zod/mini';
import {
  customerChanges,
  newCustomer,
  presentCustomer,
  tenantUpdatedDetail,
  webhookBody,
  webhookChanges,
} from '../../../lambda/billing/domain/billing-model';
import { tenantBillingUpdate, tenantUpdatedFromWebhook } from '../../../lambda/billing/domain/tenant-billing-sync';
import { lineIdOf, periodFrom, previousPeriod } from '../../../lambda/billing/domain/usage-lines';
import { tenantBillingFromVendor } from '../../../lambda/billing/domain/vendor-client';

test('an onboarding request becomes an active customer with the tier as plan', () => {
  const c = newCustomer({ tenantId: 't', tier: 'basic', email: 'a@b.c', tenantName: 'acme' }, 'cus_1', new Date(0));
  expect(c).toMatchObject({
    tenantId: 't',
    customerId: 'cus_1',
    plan: 'basic',
    billingStatus: 'active',
    paymentState: 'none',
    name: 'acme',
  });
  expect(presentCustomer(c, 'dynamodb')).toMatchObject({ plan: 'basic', provider: 'dynamodb' });
});

test('tenantUpdated changes: flat fields win over tenantData; nothing billing-relevant → empty', () => {
  const parse = (d: unknown) => z.parse(tenantUpdatedDetail, d);
  expect(customerChanges(parse({ tenantId: 't', tier: 'a', tenantData: { tier: 'b', email: 'x@y.z' } }))).toEqual({
    plan: 'a',
    email: 'x@y.z',
  });
  expect(customerChanges(parse({ tenantId: 't', tenantData: { plan: 'p' } }))).toEqual({ plan: 'p' });
  expect(customerChanges(parse({ tenantId: 't', tenantConfig: '{}' }))).toEqual({});
});

test("the control plane's tenantUpdated (whole state flat + changedFields): only changed billing fields count", () => {
  const parse = (d: unknown) => z.parse(tenantUpdatedDetail, d);
  const state = { tenantId: 't', tenantName: 'acme', email: 'a@b.c', tier: 'premium', lifecycleState: 'ACTIVE' };
  expect(customerChanges(parse({ ...state, changedFields: ['tier'], changes: { tier: 'premium' } }))).toEqual({
    plan: 'premium',
  });
  expect(
    customerChanges(parse({ ...state, changedFields: ['lifecycleState'], changes: { lifecycleState: 'ACTIVE' } })),
  ).toEqual({});
  // a non-text field under a billing name is not a billing change, not a reason to drop the event
  expect(customerChanges(parse({ tenantId: 't', plan: 5, tier: 'gold', changedFields: ['plan', 'tier'] }))).toEqual({
    plan: 'gold',
  });
});

test('webhook changes: explicit fields override what the type implies', () => {
  const parse = (d: unknown) => z.parse(webhookBody, d);
  expect(webhookChanges(parse({ type: 'payment.failed', data: { tenantId: 't' } }))).toEqual({
    paymentState: 'failed',
    billingStatus: 'past_due',
  });
  expect(webhookChanges(parse({ type: 'payment.failed', data: { tenantId: 't', billingStatus: 'active' } }))).toEqual({
    paymentState: 'failed',
    billingStatus: 'active',
  });
  expect(webhookChanges(parse({ type: 'custom', data: { tenantId: 't', plan: 'pro' } }))).toEqual({ plan: 'pro' });
  expect(z.safeParse(webhookBody, { type: 'x', data: { tenantId: 't', paymentState: 'maybe' } }).success).toBe(false);
});

test('tenant mirror and tenantUpdated detail of a webhook', () => {
  // What the update sets, attribute → value, read through its placeholders (the text is the helper's).
  const setsOf = (u: ReturnType<typeof tenantBillingUpdate>) =>
    Object.fromEntries(
      u.UpdateExpression.replace(/^SET /, '')
        .split(', ')
        .map((part) => part.split(' = '))
        .map(([n, v]) => [u.ExpressionAttributeNames[n], u.ExpressionAttributeValues[v]]),
    );
  const u = tenantBillingUpdate('t', { plan: 'pro', billingStatus: 'active' }, 'now');
  expect(setsOf(u)).toEqual({ tier: 'pro', billingStatus: 'active', billingUpdatedAt: 'now' });
  expect(u.ConditionExpression).toBe('attribute_exists(tenantId)');
  expect(setsOf(tenantBillingUpdate('t', { paymentState: 'ok' }, 'now'))).toEqual({
    paymentState: 'ok',
    billingUpdatedAt: 'now',
  });
  expect(tenantUpdatedFromWebhook('t', 'w', { plan: 'pro', paymentState: 'ok' })).toEqual({
    tenantId: 't',
    origin: 'billing',
    webhookId: 'w',
    tier: 'pro',
    paymentState: 'ok',
  });
});

test('usage-line periods (UTC days and months) and sortable line ids', () => {
  const t = Date.UTC(2026, 2, 15, 13, 0, 0) / 1000;
  expect(previousPeriod(t, 'day')).toEqual({ start: Date.UTC(2026, 2, 14) / 1000, end: Date.UTC(2026, 2, 15) / 1000 });
  expect(previousPeriod(t, 'month')).toEqual({ start: Date.UTC(2026, 1, 1) / 1000, end: Date.UTC(2026, 2, 1) / 1000 });
  expect(previousPeriod(Date.UTC(2026, 0, 3) / 1000, 'month')).toEqual({
    start: Date.UTC(2025, 11, 1) / 1000,
    end: Date.UTC(2026, 0, 1) / 1000,
  });
  expect(periodFrom(Date.UTC(2026, 1, 1) / 1000, 'month').end).toBe(Date.UTC(2026, 2, 1) / 1000);
  expect(lineIdOf(86400, 'm')).toBe('0000086400#m');
});

test('vendor customer mapping fails safe on unknown states', () => {
  expect(tenantBillingFromVendor('t', { id: 'c1', plan: 'pro', status: 'active', paymentStatus: 'ok' })).toMatchObject({
    customerId: 'c1',
    billingStatus: 'active',
    paymentState: 'ok',
    provider: 'http-vendor',
  });
  expect(tenantBillingFromVendor('t', { status: 'weird' })).toMatchObject({
    customerId: 't',
    billingStatus: 'past_due',
    paymentState: 'pending',
  });
});
