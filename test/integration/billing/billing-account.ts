/**
 * The billing account `GET /tenants/{id}/billing` answers, as the vendor-backed billing suites check it:
 * the HTTP vendor adapter and Moesif answer the same shape.
 */
import type { HttpResult } from '../../../local/synth-harness';

/**
 * Expects a 200 whose account comes from `provider`, is active with nothing owed (a vendor-backed account
 * right after onboarding) and holds at least `fields`.
 */
export function expectActiveVendorAccount(res: HttpResult, provider: string, fields: Record<string, unknown>): void {
  expect(res).toEqual({
    status: 200,
    body: { data: expect.objectContaining({ ...fields, provider, billingStatus: 'active', paymentState: 'ok' }) },
  });
}
