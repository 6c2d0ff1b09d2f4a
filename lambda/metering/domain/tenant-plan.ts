/**
 * Which tier a control-plane event sets (pure). `onboardingRequest` carries `tier` (SBT's name) or
 * `plan`; our `tenantUpdated` carries the whole new state flat plus `changedFields`, so its tier counts
 * only when it changed (a lifecycle transition must not rewrite anything); details without
 * `changedFields` (SBT-style senders) list only what changed. `tenantData.tier` (PUT /tenants bodies as
 * SBT shapes them) is read too.
 */
const text = (v: unknown): string | undefined =>
  typeof v === 'string' && v.length > 0 && v.length <= 256 ? v : undefined;

export function tierChangeOf(detail: Record<string, unknown>): { tier: string } | undefined {
  const changed = Array.isArray(detail.changedFields) ? new Set(detail.changedFields as unknown[]) : undefined;
  const nested =
    detail.tenantData && typeof detail.tenantData === 'object' ? (detail.tenantData as Record<string, unknown>) : {};
  for (const field of ['tier', 'plan'] as const) {
    if (changed && !changed.has(field)) continue;
    const tier = text(detail[field]) ?? text(nested[field]);
    if (tier) return { tier };
  }
  return undefined;
}
