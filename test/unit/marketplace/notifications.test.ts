// Parsing of the exact message formats of reference/marketplace.md §3.7 (SNS) and §3.8 (EventBridge).
import { orderKey, parseNotification } from '../../../lambda/marketplace/domain/notifications';

const envelope = (message: unknown, timestamp = '2026-11-24T10:00:00.000Z', id = 'm-1') =>
  JSON.stringify({
    Type: 'Notification',
    MessageId: id,
    TopicArn: 'arn:aws:sns:us-east-1:287250355862:aws-mp-subscription-notification-n0123EXAMPLEXXXXXXXXXXXX',
    Message: typeof message === 'string' ? message : JSON.stringify(message),
    Timestamp: timestamp,
    SignatureVersion: '1',
  });

test('subscription topic message (§3.7, verbatim shape incl. the leading space and string flag)', () => {
  const n = parseNotification(
    envelope({
      action: 'subscribe-success',
      'customer-identifier': ' X01EXAMPLEX',
      'product-code': 'n0123EXAMPLEXXXXXXXXXXXX',
      'offer-identifier': 'offer-abcexample123',
      isFreeTrialTermPresent: 'true',
    }),
  );
  expect(n).toEqual({
    kind: 'subscription',
    id: 'm-1',
    order: '2026-11-24T10:00:00.000Z#1',
    action: 'subscribe-success',
    customerIdentifier: 'X01EXAMPLEX',
    productCode: 'n0123EXAMPLEXXXXXXXXXXXX',
    offerId: 'offer-abcexample123',
    freeTrial: true,
  });
  const f = parseNotification(
    envelope({
      action: 'unsubscribe-success',
      'customer-identifier': 'X',
      'product-code': 'P',
      isFreeTrialTermPresent: 'false',
    }),
  );
  expect(f).toMatchObject({ action: 'unsubscribe-success', freeTrial: false, order: '2026-11-24T10:00:00.000Z#3' });
});

test('entitlement topic message, the sample synthetic object Message, and raw delivery', () => {
  const m = {
    action: 'entitlement-updated',
    'customer-identifier': ' X01EXAMPLEX',
    'product-code': 'n0123EXAMPLEXXXXXXXXXXXX',
  };
  expect(parseNotification(envelope(m))).toMatchObject({ kind: 'entitlement', customerIdentifier: 'X01EXAMPLEX' });
  expect(parseNotification(JSON.stringify({ Type: 'Notification', Message: m }))).toMatchObject({
    kind: 'entitlement',
  });
  expect(parseNotification(JSON.stringify(m), 'sqs-id')).toMatchObject({ kind: 'entitlement', id: 'sqs-id' });
});

test('EventBridge License Updated / Deprovisioned (§3.8 example)', () => {
  const ev = (dt: string, time = '2024-08-30T21:36:03Z') =>
    JSON.stringify({
      version: '0',
      id: 'ev-1',
      'detail-type': dt,
      source: 'aws.agreement-marketplace',
      account: '123456789012',
      time,
      region: 'us-east-1',
      resources: ['arn:aws:aws-marketplace::aws:agreement:agmt-4mwg1nevbokzw95eca5797ixs'],
      detail: {
        requestId: 'r',
        catalog: 'AWSMarketplace',
        agreement: { id: 'agmt-4mwg1nevbokzw95eca5797ixs' },
        product: { code: 'aw4fgf5tyo5w2ap6fEXAMPLE', id: 'prod-qtwveEXAMPLE' },
        license: { arn: 'aws:license-manager:us-east-1:123456789012:l-e52ca6f38bf84d0fafb8802ca15ac11x' },
        acceptor: { accountId: '845735284135' },
        proposer: { accountId: '123456512334' },
        offer: { id: '8kkr91jo647j3qxlcjhlqce7y' },
      },
    });
  expect(parseNotification(ev('License Updated - Manufacturer'))).toEqual({
    kind: 'license',
    id: 'ev-1',
    order: '2024-08-30T21:36:03.000Z#1',
    action: 'updated',
    licenseArn: 'aws:license-manager:us-east-1:123456789012:l-e52ca6f38bf84d0fafb8802ca15ac11x',
    accountId: '845735284135',
    productCode: 'aw4fgf5tyo5w2ap6fEXAMPLE',
    agreementId: 'agmt-4mwg1nevbokzw95eca5797ixs',
    offerId: '8kkr91jo647j3qxlcjhlqce7y',
  });
  expect(parseNotification(ev('License Deprovisioned - Manufacturer'))).toMatchObject({
    action: 'deprovisioned',
    order: '2024-08-30T21:36:03.000Z#2',
  });
});

test('Purchase Agreement Created / Amended / Ended (Manufacturer and Proposer); other detail-types are ignored', () => {
  const ev = (dt: string, agreement: Record<string, unknown>) =>
    JSON.stringify({
      id: 'e',
      'detail-type': dt,
      source: 'aws.agreement-marketplace',
      time: '2026-01-01T00:00:00Z',
      detail: {
        agreement,
        acceptor: { accountId: '845735284135' },
        proposer: { accountId: '1' },
        offer: { id: 'o' },
        resaleAuthorization: null,
      },
    });
  expect(
    parseNotification(
      ev('Purchase Agreement Created - Proposer', {
        id: 'agmt-1',
        intent: 'NEW',
        status: 'ACTIVE',
        startTime: '2026-01-01T00:00:00Z',
      }),
    ),
  ).toMatchObject({
    kind: 'agreement',
    action: 'created',
    role: 'Proposer',
    agreementId: 'agmt-1',
    accountId: '845735284135',
    intent: 'NEW',
  });
  expect(
    parseNotification(ev('Purchase Agreement Amended - Manufacturer', { id: 'agmt-1', intent: 'AMEND' })),
  ).toMatchObject({ action: 'amended', role: 'Manufacturer' });
  expect(
    parseNotification(ev('Purchase Agreement Ended - Manufacturer', { id: 'agmt-1', status: 'CANCELLED' })),
  ).toMatchObject({ action: 'ended', status: 'CANCELLED' });
  expect(parseNotification(ev('Purchase Agreement Ending - Proposer', { id: 'agmt-1' }))).toMatchObject({
    kind: 'ignored',
  });
});

test('garbage → an error naming the message (it goes to the DLQ, not into the table)', () => {
  expect(() => parseNotification('not json', 'x')).toThrow(/x is not JSON/);
  expect(() => parseNotification(JSON.stringify({ Type: 'Notification', Message: '{"foo":1}' }), 'x')).toThrow(
    /not a Marketplace SNS message/,
  );
  expect(() =>
    parseNotification(
      JSON.stringify({
        source: 'aws.agreement-marketplace',
        'detail-type': 'License Updated - Manufacturer',
        detail: {},
      }),
    ),
  ).toThrow(/license.arn/);
});

test('order keys sort by time, then by lifecycle rank', () => {
  expect(orderKey('2026-01-01T00:00:00Z', 1) < orderKey('2026-01-01T00:00:00.000Z', 3)).toBe(true);
  expect(orderKey('2026-01-01T00:00:01Z', 0) > orderKey('2026-01-01T00:00:00Z', 3)).toBe(true);
});
