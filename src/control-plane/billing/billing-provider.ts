import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { Construct, TerraformOutput } from '../../core/cdktf';
import type { IEventManager } from '../../core/event-manager';
import { LambdaTarget } from '../../core/event-targets';
import { SCOPES } from '../../contracts/scopes';
import type { IControlPlaneApi } from '../api/control-plane-api';
import { routeSyncMembers, subscribeAsyncMembers } from '../provider-wiring';
import type { TenantTable } from '../tenant-management/tenant-table';
import type { IBilling } from './billing-interface';
import { propsErrors } from '../../core/props-validation';

export interface BillingProviderProps {
  /** The billing implementation to wire (DynamoDBBilling, HttpBillingVendorAdapter, a vendor package…). */
  readonly billing: IBilling;
  /** The control plane's HTTP API; sync members and the webhook become routes on it. */
  readonly api: IControlPlaneApi;
  /** The SBT event bus; async members become rule targets on it. */
  readonly eventManager: IEventManager;
  /** Prefix of resource names (the put-usage schedule rule). */
  readonly namePrefix: string;
  /** The tenant table, handed to `billing.bind` (providers mirror billing state onto tenants). @default none */
  readonly tenantTable?: TenantTable;
}

/** Path below /billing/: segments of letters, digits, `-` and `_` (no `{param}`, no `..`). */
const WEBHOOK_PATH = /^[A-Za-z0-9][A-Za-z0-9_-]*(\/[A-Za-z0-9][A-Za-z0-9_-]*)*$/;

/**
 * Wires an IBilling into the control plane (SBT's BillingProvider, extended):
 *  - async members → rules on the SBT bus (`trigger` or the member's default event) → Lambda;
 *  - sync members → JWT routes with the member's scope (`billing/billing_read|write` by default);
 *  - `putUsageFunction` → a schedule rule on the default bus;
 *  - `webhookFunction` → public `POST /billing/{path}` (publicReason documents why; the handler verifies).
 */
export class BillingProvider extends Construct {
  /** `/billing/<path>` when the provider has a webhook (SBT's controlPlaneAPIBillingWebhookResourcePath). */
  readonly webhookResourcePath?: string;
  /** Full webhook URL to give the vendor. */
  readonly webhookUrl?: string;
  /** The put-usage schedule rule, when there is one. */
  readonly putUsageRule?: CloudwatchEventRule;

  constructor(scope: Construct, id: string, props: BillingProviderProps) {
    super(scope, id);
    const { billing, api, eventManager } = props;
    billing.bind?.(this, { api, eventManager, namePrefix: props.namePrefix, tenantTable: props.tenantTable });

    subscribeAsyncMembers(this, eventManager, [
      [billing.createCustomerFunction, 'onboardingRequest'],
      [billing.deleteCustomerFunction, 'offboardingRequest'],
      [billing.updateCustomerFunction, 'tenantUpdated'],
      [billing.createUserFunction, 'tenantUserCreated'],
      [billing.deleteUserFunction, 'tenantUserDeleted'],
    ]);
    routeSyncMembers(api, [
      [billing.fetchTenantBillingFunction, 'GET', '/tenants/{tenantId}/billing', SCOPES.billingRead],
      [billing.readUserFunction, 'GET', '/tenants/{tenantId}/billing/users/{userId}', SCOPES.billingRead],
      [billing.updateUserFunction, 'PUT', '/tenants/{tenantId}/billing/users/{userId}', SCOPES.billingWrite],
    ]);

    if (billing.ingestor) {
      // SBT's output name, so scripts that read `dataIngestorName` keep working.
      new TerraformOutput(this, 'dataIngestorName', {
        value: billing.ingestor.dataIngestorName,
        description: "The billing provider's raw-data ingestor (SBT's dataIngestorName).",
      });
    }
    if (billing.putUsageFunction) {
      this.putUsageRule = new CloudwatchEventRule(this, 'put-usage-schedule', {
        name: `${props.namePrefix}-billing-put-usage`,
        description: 'Runs the billing provider putUsage function',
        scheduleExpression: billing.putUsageFunction.schedule ?? 'rate(24 hours)',
      });
      new LambdaTarget(billing.putUsageFunction.handler).bind(this, 'put-usage-target', this.putUsageRule);
    }

    if (billing.webhookFunction) {
      const path = billing.webhookFunction.path.replace(/^\/+/, '');
      if (!WEBHOOK_PATH.test(path)) {
        propsErrors(this).push(
          `billing webhook path '${billing.webhookFunction.path}' must be letters, digits, '-', '_' and '/' segments`,
        );
      }
      this.webhookResourcePath = `/billing/${path}`;
      api.addRoute({
        method: 'POST',
        path: this.webhookResourcePath,
        handler: billing.webhookFunction.handler,
        authorization: 'none',
        publicReason:
          'billing vendor callbacks cannot present a JWT; the handler verifies an HMAC-SHA256 signature, timestamp and replay',
      });
      this.webhookUrl = `${api.url}${this.webhookResourcePath}`;
    }
  }
}
