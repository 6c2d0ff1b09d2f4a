/**
 * The licence-event rules filter on the product (issue 16, survivor (e)): the seller's us-east-1 default
 * bus carries the events of every listing the seller owns; only our product's `License Updated` /
 * `License Deprovisioned` may reach the notification queue. Agreement events carry no product code
 * (reference §3.8) and all pass. Each synthesized rule's pattern is parsed from the Terraform JSON (the
 * product code input substituted as Terraform would) and run against AWS's documented sample events by
 * our EventBridge pattern matcher (local/event-pattern.ts).
 */
import { matchesPattern, validatePattern } from '../../../local/event-pattern';
import { MarketplaceStack } from '../../../src/marketplace/marketplace-stack';
import { resourcesOf, synthStack, testApp } from '../../support/synth';

const OURS = 'aw4fgf5tyo5w2ap6fEXAMPLE';
const OTHER = 'zz9otherproductEXAMPLE01';

const json = synthStack(
  new MarketplaceStack(testApp(), 'marketplace', {
    eventBusArn: 'arn:aws:events:eu-west-1:111111111111:event-bus/sbt',
    adminJwt: { issuer: 'https://issuer', audience: ['admin'] },
    region: 'eu-west-1',
    notifications: { eventBridge: true, legacySns: true },
  }),
);
const rules = Object.values(resourcesOf(json, 'aws_cloudwatch_event_rule')).filter((r) =>
  String(r.event_pattern ?? '').includes('aws.agreement-marketplace'),
);
/** The pattern as deployed for product OURS (var.product_code interpolated into the JSON string). */
const patternOf = (r: Record<string, unknown>) =>
  JSON.parse(String(r.event_pattern).split('${var.product_code}').join(OURS)) as Record<string, unknown>;

/** §3.8 sample event shapes. */
function event(detailType: string, detail: Record<string, unknown>, source = 'aws.agreement-marketplace') {
  return {
    version: '0',
    id: 'e',
    'detail-type': detailType,
    source,
    account: '123456789012',
    time: '2024-08-30T21:36:03Z',
    region: 'us-east-1',
    resources: [],
    detail: { requestId: 'r', catalog: 'AWSMarketplace', ...detail },
  };
}
const licence = (kind: 'Updated' | 'Deprovisioned', code?: string) =>
  event(`License ${kind} - Manufacturer`, {
    agreement: { id: 'agmt-1' },
    ...(code ? { product: { code, id: 'prod-x' } } : {}),
    license: { arn: 'aws:license-manager:us-east-1:123456789012:l-1' },
    acceptor: { accountId: '845735284135' },
  });
const agreement = (dt: string) =>
  event(dt, {
    agreement: { id: 'agmt-1', intent: 'NEW', status: 'ACTIVE' },
    acceptor: { accountId: '845735284135' },
    offer: { id: 'o' },
  });

test('both agreement rules (us-east-1 forward + our bus) exist and name the product input', () => {
  const buses = rules.map((r) => String(r.event_bus_name)).sort();
  expect(buses).toHaveLength(2);
  expect(buses[0]).toMatch(/^\$\{aws_cloudwatch_event_bus\..+\.name\}$/);
  expect(buses[1]).toBe('default');
  for (const r of rules) {
    expect(String(r.event_pattern)).toContain('${var.product_code}');
    expect(() => validatePattern(patternOf(r))).not.toThrow();
  }
});

describe.each(rules.map((r) => [String(r.name), r] as const))('rule %s', (_name, rule) => {
  const p = patternOf(rule);
  test.each([
    ['License Updated, our product', licence('Updated', OURS), true],
    ['License Deprovisioned, our product', licence('Deprovisioned', OURS), true],
    ['License Updated, ANOTHER product (survivor (e))', licence('Updated', OTHER), false],
    ['License Deprovisioned, ANOTHER product (survivor (e))', licence('Deprovisioned', OTHER), false],
    ['License Updated without a product code', licence('Updated'), false],
    [
      'Purchase Agreement Created - Manufacturer (no product code in agreement events)',
      agreement('Purchase Agreement Created - Manufacturer'),
      true,
    ],
    ['Purchase Agreement Amended - Proposer', agreement('Purchase Agreement Amended - Proposer'), true],
    ['Purchase Agreement Ended - Manufacturer', agreement('Purchase Agreement Ended - Manufacturer'), true],
    ['another source', event('License Updated - Manufacturer', { product: { code: OURS } }, 'aws.marketplace'), false],
    ['an unrelated detail-type', agreement('Agreement Cancellation Request Created - Proposer'), false],
  ])('%s → %s', (_label, e, expected) => {
    expect(matchesPattern(p, e)).toBe(expected);
  });
});
