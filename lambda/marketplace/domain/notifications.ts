/**
 * Parses what arrives on the notification queue into one normalised shape. Three body formats reach it:
 *  1. an SNS envelope (`{"Type":"Notification","Message":"<json string>","Timestamp":…}`) from the legacy
 *     `aws-mp-subscription-notification-*` / `aws-mp-entitlement-notification-*` topics (reference §3.7);
 *     `Message` may also be an object (the AWS sample's synthetic message does that);
 *  2. a raw SNS message (raw message delivery on): the same message without the envelope;
 *  3. an EventBridge event from `aws.agreement-marketplace` (reference §3.8).
 * Every notification gets an `order` key (`<ISO time>#<rank>`): handlers apply a state change only when its
 * order is newer than the stored one, so duplicates are no-ops and reordering cannot resurrect old state.
 */
import * as z from 'zod/mini';

export type SubscriptionAction = 'subscribe-success' | 'subscribe-fail' | 'unsubscribe-pending' | 'unsubscribe-success';

export type Notification =
  | {
      kind: 'subscription';
      id: string;
      order: string;
      action: SubscriptionAction;
      customerIdentifier: string;
      productCode: string;
      offerId?: string;
      freeTrial?: boolean;
    }
  | { kind: 'entitlement'; id: string; order: string; customerIdentifier: string; productCode: string }
  | {
      kind: 'license';
      id: string;
      order: string;
      action: 'updated' | 'deprovisioned';
      licenseArn: string;
      accountId?: string;
      productCode?: string;
      agreementId?: string;
      offerId?: string;
    }
  | {
      kind: 'agreement';
      id: string;
      order: string;
      action: 'created' | 'amended' | 'ended';
      role: string;
      agreementId: string;
      accountId?: string;
      intent?: string;
      status?: string;
      offerId?: string;
      startTime?: string;
      endTime?: string;
    }
  | { kind: 'ignored'; id: string; reason: string };

/** Ties at the same second resolve towards the later lifecycle step (a cancellation never loses to a subscribe). */
const SUBSCRIPTION_RANK: Record<SubscriptionAction, number> = {
  'subscribe-fail': 0,
  'subscribe-success': 1,
  'unsubscribe-pending': 2,
  'unsubscribe-success': 3,
};

export function orderKey(time: string | undefined, rank: number): string {
  const t = time && !Number.isNaN(Date.parse(time)) ? new Date(time).toISOString() : new Date(0).toISOString();
  return `${t}#${rank}`;
}

const snsMessage = z.object({
  action: z.string(),
  'customer-identifier': z.string().check(z.minLength(1)),
  'product-code': z.string().check(z.minLength(1)),
  'offer-identifier': z.optional(z.string()),
  isFreeTrialTermPresent: z.optional(z.union([z.string(), z.boolean()])),
});

const ebEvent = z.object({
  id: z.optional(z.string()),
  'detail-type': z.string(),
  source: z.string(),
  time: z.optional(z.string()),
  detail: z.record(z.string(), z.unknown()),
});

const idOf = (o: unknown) =>
  o && typeof o === 'object' && typeof (o as { id?: unknown }).id === 'string' ? (o as { id: string }).id : undefined;
const str = (o: unknown, ...path: string[]): string | undefined => {
  let cur: unknown = o;
  for (const p of path) {
    if (!cur || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return typeof cur === 'string' && cur !== '' ? cur : undefined;
};

/** Parses one queue message body. Throws on a body that is not JSON or not a known shape (→ DLQ). */
export function parseNotification(body: string, messageId = 'unknown'): Notification {
  let outer: unknown;
  try {
    outer = JSON.parse(body);
  } catch {
    throw new Error(`notification ${messageId} is not JSON`);
  }
  if (!outer || typeof outer !== 'object') throw new Error(`notification ${messageId} is not an object`);
  const o = outer as Record<string, unknown>;

  // EventBridge event
  if (typeof o.source === 'string' && typeof o['detail-type'] === 'string') return fromEventBridge(o, messageId);

  // SNS envelope or raw SNS message
  let message: unknown = o;
  let time: string | undefined;
  let id = messageId;
  if (o.Type === 'Notification' && 'Message' in o) {
    time = typeof o.Timestamp === 'string' ? o.Timestamp : undefined;
    id = typeof o.MessageId === 'string' ? o.MessageId : messageId;
    message = o.Message;
    if (typeof message === 'string') {
      try {
        message = JSON.parse(message);
      } catch {
        throw new Error(`notification ${id}: SNS Message is not JSON`);
      }
    }
  }
  const parsed = z.safeParse(snsMessage, message);
  if (!parsed.success)
    throw new Error(
      `notification ${id}: not a Marketplace SNS message (${parsed.error.issues.map((i) => i.path.join('.') + ' ' + i.message).join('; ')})`,
    );
  const m = parsed.data;
  const customerIdentifier = m['customer-identifier'].trim();
  const productCode = m['product-code'].trim();
  if (m.action === 'entitlement-updated') {
    return { kind: 'entitlement', id, order: orderKey(time, 0), customerIdentifier, productCode };
  }
  if (m.action in SUBSCRIPTION_RANK) {
    const action = m.action as SubscriptionAction;
    const ft = m.isFreeTrialTermPresent;
    return {
      kind: 'subscription',
      id,
      order: orderKey(time, SUBSCRIPTION_RANK[action]),
      action,
      customerIdentifier,
      productCode,
      offerId: m['offer-identifier'],
      // The SNS field is the *string* "true"/"false" (reference §3.7); accept a boolean too.
      freeTrial: ft === undefined ? undefined : String(ft).toLowerCase() === 'true',
    };
  }
  return { kind: 'ignored', id, reason: `unknown SNS action '${m.action}'` };
}

function fromEventBridge(o: Record<string, unknown>, messageId: string): Notification {
  const parsed = z.safeParse(ebEvent, o);
  if (!parsed.success) throw new Error(`notification ${messageId}: malformed EventBridge event`);
  const e = parsed.data;
  const id = e.id ?? messageId;
  if (e.source !== 'aws.agreement-marketplace') return { kind: 'ignored', id, reason: `source ${e.source}` };
  const d = e.detail;
  const dt = e['detail-type'];
  const role = dt.endsWith('- Proposer') ? 'Proposer' : 'Manufacturer';
  if (dt.startsWith('License Updated') || dt.startsWith('License Deprovisioned')) {
    const licenseArn = str(d, 'license', 'arn');
    if (!licenseArn) throw new Error(`notification ${id}: ${dt} without detail.license.arn`);
    const deprovisioned = dt.startsWith('License Deprovisioned');
    return {
      kind: 'license',
      id,
      order: orderKey(e.time, deprovisioned ? 2 : 1),
      action: deprovisioned ? 'deprovisioned' : 'updated',
      licenseArn,
      accountId: str(d, 'acceptor', 'accountId'),
      productCode: str(d, 'product', 'code'),
      agreementId: idOf(d.agreement),
      offerId: idOf(d.offer),
    };
  }
  const m = /^Purchase Agreement (Created|Amended|Ended) - /.exec(dt);
  if (m) {
    const agreementId = idOf(d.agreement);
    if (!agreementId) throw new Error(`notification ${id}: ${dt} without detail.agreement.id`);
    const action = m[1].toLowerCase() as 'created' | 'amended' | 'ended';
    return {
      kind: 'agreement',
      id,
      order: orderKey(e.time, { created: 0, amended: 1, ended: 2 }[action]),
      action,
      role,
      agreementId,
      accountId: str(d, 'acceptor', 'accountId'),
      intent: str(d, 'agreement', 'intent'),
      status: str(d, 'agreement', 'status'),
      offerId: idOf(d.offer),
      startTime: str(d, 'agreement', 'startTime'),
      endTime: str(d, 'agreement', 'endTime'),
    };
  }
  return { kind: 'ignored', id, reason: `detail-type '${dt}' needs no action` };
}
