/**
 * Notification queue consumer (SQS, partial batch responses through Powertools batch): legacy SNS
 * (subscribe-success / subscribe-fail / unsubscribe-pending / unsubscribe-success / entitlement-updated) and
 * EventBridge Concurrent-Agreement events (License Updated / License Deprovisioned, Purchase Agreement
 * Created / Amended / Ended). Each message is applied with order-guarded conditional writes and then access is
 * reconciled, so duplicates and reordering converge on the same end state. A message that keeps failing goes to
 * the queue's DLQ after maxReceiveCount (the sample had no DLQ and looped forever, its issue #52).
 * Also: the final-usage flush at cancellation (Purchase Agreement Ended / unsubscribe-pending / License
 * Deprovisioned), plan changes → tenantUpdated through the control plane, and the scheduled sweep
 * (`{"sweep":"pending-emissions"}`) of access changes the control plane could not take yet.
 * Env: PRODUCT_CODE, SUBSCRIBERS_TABLE_NAME, IDENTITY_MODE, PRICING_MODEL, SELLER_EMAIL?, EVENT_BUS_NAME,
 * TENANT_TABLE_NAME, REGISTRATION_TABLE_NAME, TIER_DIMENSIONS, and with metering the metering job's variables.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { logger } from '../shared/logger';
import type { SubscriberItem } from './domain/access';
import { contractExpired, fetchEntitlements } from './domain/clients';
import { licenseArnForms, licenseKey } from './domain/identity';
import { runMeteringJob, type FinalUsageTarget } from './domain/metering-job';
import { meteringConfigured, meteringDepsFromEnv, publishMeteringMetrics } from './domain/metering-runtime';
import { publishMarketplaceMetrics } from './domain/metrics';
import { parseNotification } from './domain/notifications';
import { clock, config, effects, hasContracts, store } from './domain/runtime';
import type { SubscriberStore } from './domain/subscriber-store';
import { TenantBusy } from './domain/tenant-gateway';

const processor = new BatchProcessor(EventType.SQS);

/** GetEntitlements for a licence, asked with every spelling of it (the filter unions values, reference §3.2). */
async function licenseEntitlements(productCode: string, item: SubscriberItem | undefined, eventArn?: string) {
  const forms = licenseArnForms(
    [item?.licenseArn as string | undefined, eventArn],
    item?.customerAWSAccountId as string | undefined,
  );
  return forms.length ? fetchEntitlements(productCode, { LICENSE_ARN: forms }) : [];
}

/**
 * Final usage at cancellation. AWS accepts usage for about an hour after the agreement ends (unsubscribe-pending:
 * "about one hour to get final metering records sent"), and the hourly job would send hour H only at H+1:15 — too
 * late for an agreement ending at H:00–H:15. So the buyer's usage, the running hour included, is sent now. A run
 * that could not send everything (throttling) fails the message, which SQS redelivers within the window; what
 * AWS refuses is recorded, put on the metering DLQ and counted in a metric with an alarm.
 */
async function flushFinalUsage(targets: FinalUsageTarget[], why: string): Promise<void> {
  if (!meteringConfigured() || !targets.length) return;
  const report = await runMeteringJob(meteringDepsFromEnv({ now: clock.now }), { finalFor: targets });
  publishMeteringMetrics(report, { final: true });
  logger.info('final usage flush', { why, targets: targets.length, ...report });
  if (report.retryLater > 0)
    throw new Error(`final usage flush (${why}): ${report.retryLater} record(s) not yet accepted; retrying`);
}

const targetOf = (item: SubscriberItem | undefined): FinalUsageTarget | undefined =>
  item && (item.licenseArn || item.customerIdentifier)
    ? {
        licenseArn: item.licenseArn as string | undefined,
        customerAWSAccountId: item.customerAWSAccountId as string | undefined,
        customerIdentifier: item.customerIdentifier as string | undefined,
      }
    : undefined;

async function afterChange(s: SubscriberStore, ids: string[], reason: string): Promise<void> {
  const fx = effects();
  for (const id of ids) {
    try {
      await s.reconcile(id, fx);
    } catch (e) {
      // Recorded as pending (emissionPendingIndex): the scheduled sweep completes it; no need to fail the message.
      if (e instanceof TenantBusy) {
        logger.info('access change deferred to the sweep', { subscriberId: id, reason: e.message });
        continue;
      }
      throw e;
    }
    await s.syncPlan(id, fx, reason);
  }
}

/** Scheduled sweep (EventBridge schedule → `{ "sweep": "pending-emissions" }`): retries deferred access changes. */
async function sweep(): Promise<{ retried: number; stillPending: number }> {
  const res = await store().sweepPendingEmissions(effects(), (id, e) =>
    logger.warn('pending access change still failing', { subscriberId: id, error: String(e) }),
  );
  publishMarketplaceMetrics(config().productCode, { PendingAccessChanges: res.stillPending });
  logger.info('pending access changes swept', res);
  return res;
}

export async function handleRecord(record: SQSRecord): Promise<void> {
  const cfg = config();
  const n = parseNotification(record.body, record.messageId);
  const s = store();
  switch (n.kind) {
    case 'ignored':
      logger.info('notification ignored', { id: n.id, reason: n.reason });
      return;
    case 'subscription': {
      if (n.productCode !== cfg.productCode)
        return logger.warn('notification for another product', { id: n.id, productCode: n.productCode });
      const id = await s.keyForCustomerIdentifier(n.customerIdentifier);
      const applied = await s.applySubscription(id, n);
      if (n.action === 'subscribe-fail')
        logger.warn('subscribe-fail: payment failed; access stays closed', { subscriberId: id });
      if (n.action === 'unsubscribe-pending') {
        logger.info('unsubscribe-pending: about one hour left to send final metering records', { subscriberId: id });
        const item = await s.get(id);
        await flushFinalUsage([targetOf(item) ?? { customerIdentifier: n.customerIdentifier }], 'unsubscribe-pending');
      }
      await afterChange(s, [id], `AWS Marketplace ${n.action}`);
      logger.info('subscription notification', { id: n.id, action: n.action, subscriberId: id, applied });
      return;
    }
    case 'entitlement': {
      if (n.productCode !== cfg.productCode)
        return logger.warn('notification for another product', { id: n.id, productCode: n.productCode });
      const id = await s.keyForCustomerIdentifier(n.customerIdentifier);
      // The message never says what changed: GetEntitlements tells (reference §3.2).
      const ents = await fetchEntitlements(cfg.productCode, { CUSTOMER_IDENTIFIER: [n.customerIdentifier] });
      await s.applyEntitlements(id, ents, contractExpired(ents));
      await afterChange(s, [id], 'AWS Marketplace entitlement-updated');
      return;
    }
    case 'license': {
      if (n.productCode && n.productCode !== cfg.productCode)
        return logger.warn('notification for another product', { id: n.id, productCode: n.productCode });
      const before = await s.get(licenseKey(n.licenseArn));
      const { subscriberId, applied } = await s.applyLicense(n);
      if (
        applied &&
        n.action === 'updated' &&
        before?.freeTrial === true &&
        n.offerId &&
        before.offerId &&
        n.offerId !== before.offerId
      ) {
        await s.endFreeTrial(subscriberId, n.order); // trial → paid: the licence now belongs to another offer
      }
      if (applied && n.action === 'updated' && hasContracts(cfg.pricingModel)) {
        // Asked with the stored ResolveCustomer spelling AND the event's: the event's raw ARN alone can miss.
        const ents = await licenseEntitlements(cfg.productCode, await s.get(subscriberId), n.licenseArn);
        // Concurrent Agreements: the licence events decide access; entitlements are recorded for the application.
        await s.applyEntitlements(subscriberId, ents, false);
      }
      if (n.action === 'deprovisioned') {
        // One doc revision starts the final hour here rather than at Purchase Agreement Ended: flush again.
        await flushFinalUsage(
          [targetOf(await s.get(subscriberId)) ?? { licenseArn: n.licenseArn, customerAWSAccountId: n.accountId }],
          'License Deprovisioned',
        );
      }
      await afterChange(s, [subscriberId], `AWS Marketplace License ${n.action}`);
      logger.info('licence notification', { id: n.id, action: n.action, subscriberId, applied });
      return;
    }
    case 'agreement': {
      const touched = await s.applyAgreement(n);
      if (n.action === 'ended') {
        const items = await Promise.all(touched.map((id) => s.get(id)));
        const targets = items.map(targetOf).filter((t): t is FinalUsageTarget => t !== undefined);
        // No licence of that agreement known yet: flush the account's open usage rather than let it miss the window.
        if (!targets.length && n.accountId) targets.push({ customerAWSAccountId: n.accountId });
        await flushFinalUsage(targets, `Purchase Agreement Ended (${n.agreementId})`);
      }
      if (n.action === 'amended' || n.action === 'created') {
        // Upgrades, downgrades and trial → paid arrive as amended (or replacing) agreements: re-read what the
        // licence entitles now, so the plan change reaches the tenant as tenantUpdated.
        for (const id of touched) {
          const item = await s.get(id);
          if (hasContracts(cfg.pricingModel) && item?.licenseArn)
            await s.applyEntitlements(id, await licenseEntitlements(cfg.productCode, item), false);
          if (item?.freeTrial === true && n.offerId && item.offerId !== undefined && n.offerId !== item.offerId)
            await s.endFreeTrial(id, n.order);
        }
      }
      await afterChange(s, touched, `AWS Marketplace Purchase Agreement ${n.action}`);
      logger.info('agreement notification', {
        id: n.id,
        action: n.action,
        role: n.role,
        agreementId: n.agreementId,
        touched,
      });
      return;
    }
  }
}

export interface SweepEvent {
  sweep: 'pending-emissions';
}
export function handler(event: SQSEvent, context: Context): Promise<SQSBatchResponse>;
export function handler(event: SweepEvent, context?: Context): Promise<{ retried: number; stillPending: number }>;
export async function handler(
  event: SQSEvent | SweepEvent,
  context?: Context,
): Promise<SQSBatchResponse | { retried: number; stillPending: number }> {
  if ('sweep' in event) return sweep();
  return processPartialResponse(event, handleRecord, processor, { context: context!, throwOnFullBatchFailure: false });
}
