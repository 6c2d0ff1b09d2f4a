/**
 * Notification queue consumer (SQS, partial batch responses through Powertools batch): legacy SNS
 * (subscribe-success / subscribe-fail / unsubscribe-pending / unsubscribe-success / entitlement-updated) and
 * EventBridge Concurrent-Agreement events (License Updated / License Deprovisioned, Purchase Agreement
 * Created / Amended / Ended). Each message is applied with order-guarded conditional writes and then access is
 * reconciled, so duplicates and reordering converge on the same end state. A message that keeps failing goes to
 * the queue's DLQ after maxReceiveCount (the sample had no DLQ and looped forever, its issue #52).
 * Env: PRODUCT_CODE, SUBSCRIBERS_TABLE_NAME, IDENTITY_MODE, PRICING_MODEL, SELLER_EMAIL?, EVENT_BUS_NAME, …
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { logger } from '../shared/logger';
import { contractExpired, fetchEntitlements } from './domain/clients';
import { parseNotification } from './domain/notifications';
import { config, effects, hasContracts, store } from './domain/runtime';

const processor = new BatchProcessor(EventType.SQS);

export async function handleRecord(record: SQSRecord): Promise<void> {
  const cfg = config();
  const n = parseNotification(record.body, record.messageId);
  const s = store();
  const fx = effects();
  switch (n.kind) {
    case 'ignored':
      logger.info('notification ignored', { id: n.id, reason: n.reason });
      return;
    case 'subscription': {
      if (n.productCode !== cfg.productCode) return logger.warn('notification for another product', { id: n.id, productCode: n.productCode });
      const id = await s.keyForCustomerIdentifier(n.customerIdentifier);
      const applied = await s.applySubscription(id, n);
      if (n.action === 'subscribe-fail') logger.warn('subscribe-fail: payment failed; access stays closed', { subscriberId: id });
      if (n.action === 'unsubscribe-pending') logger.info('unsubscribe-pending: about one hour left to send final metering records', { subscriberId: id });
      await s.reconcile(id, fx);
      logger.info('subscription notification', { id: n.id, action: n.action, subscriberId: id, applied });
      return;
    }
    case 'entitlement': {
      if (n.productCode !== cfg.productCode) return logger.warn('notification for another product', { id: n.id, productCode: n.productCode });
      const id = await s.keyForCustomerIdentifier(n.customerIdentifier);
      // The message never says what changed: GetEntitlements tells (reference §3.2).
      const ents = await fetchEntitlements(cfg.productCode, { CUSTOMER_IDENTIFIER: [n.customerIdentifier] });
      await s.applyEntitlements(id, ents, contractExpired(ents));
      await s.reconcile(id, fx);
      return;
    }
    case 'license': {
      if (n.productCode && n.productCode !== cfg.productCode) return logger.warn('notification for another product', { id: n.id, productCode: n.productCode });
      const { subscriberId, applied } = await s.applyLicense(n);
      if (applied && n.action === 'updated' && hasContracts(cfg.pricingModel)) {
        const ents = await fetchEntitlements(cfg.productCode, { LICENSE_ARN: [n.licenseArn] });
        // Concurrent Agreements: the licence events decide access; entitlements are recorded for the application.
        await s.applyEntitlements(subscriberId, ents, false);
      }
      await s.reconcile(subscriberId, fx);
      logger.info('licence notification', { id: n.id, action: n.action, subscriberId, applied });
      return;
    }
    case 'agreement': {
      const touched = await s.applyAgreement(n);
      for (const id of touched) await s.reconcile(id, fx);
      logger.info('agreement notification', { id: n.id, action: n.action, role: n.role, agreementId: n.agreementId, touched });
      return;
    }
  }
}

export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
  processPartialResponse(event, handleRecord, processor, { context, throwOnFullBatchFailure: false });
