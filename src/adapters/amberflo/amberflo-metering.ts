import type { Construct } from '../../core/cdktf';
import { functionFamily } from '../../core/function-family';
import type { LambdaFunction } from '../../core/lambda-function';
import { CompleteMetering } from '../../control-plane/metering/complete-metering';
import { VendorSecret } from '../vendor-secret';

export interface AmberfloMeteringProps {
  /** Prefix of every resource name (functions, the API key secret). */
  readonly namePrefix: string;
  /**
   * Amberflo's API base URL. @default 'https://app.amberflo.io' (Amberflo's public API; a proxy or a test
   * double elsewhere)
   */
  readonly baseUrl?: string;
  /**
   * Secret (ARN) holding the Amberflo API key as a plain string. @default a new secret
   * `<prefix>-amberflo-api-key`, whose value you set once (the key never enters Terraform state)
   */
  readonly apiKeySecretArn?: string;
  /** Customer-managed KMS key of the created secret. @default AWS managed key */
  readonly kmsKeyArn?: string;
  /**
   * Tenant tier → Amberflo product plan id. When a tenant is onboarded or its tier changes (`tenantUpdated`),
   * its Amberflo customer is assigned the plan of its tier. @default none: the tier is kept as the customer
   * trait `tier` only
   */
  readonly productPlanIdsByTier?: Record<string, string>;
  /** Timeout of the functions in seconds (each Amberflo call has an 8 s budget). @default 15 */
  readonly timeout?: number;
}

/**
 * IMetering on Amberflo (entry point `terraform-saas-builder-toolkit/amberflo`): the control plane's
 * metering routes and events, forwarded to Amberflo's REST API with the API key from Secrets Manager.
 *  - meters: POST/GET/PUT/DELETE /meters → Amberflo meter definitions (meterId = Amberflo's id);
 *  - usage: `ingestUsage` (both event eras) → Amberflo ingest, deduplicated on the event id;
 *    GET /usage/{meterId} → Amberflo's usage query grouped by customer; DELETE /usage → a filtering rule;
 *  - tenants: onboarding/offboarding/`tenantUpdated` → the Amberflo customer (customerId = tenantId,
 *    trait `tier`, optional product plan per tier).
 * Two functions: one for the routes, one per event member (same bundle, AMBERFLO_OPERATION). Nothing calls
 * Amberflo at synth or apply time. See docs/billing-metering.md, "Amberflo".
 */
export class AmberfloMetering extends CompleteMetering {
  readonly apiKey: VendorSecret;
  /** The function behind every route (dispatches on the route key). */
  readonly apiFunction: LambdaFunction;

  constructor(scope: Construct, id: string, props: AmberfloMeteringProps) {
    let apiKey!: VendorSecret;
    let apiFunction!: LambdaFunction;
    super(scope, id, (self) => {
      const p = props.namePrefix;
      const baseUrl = props.baseUrl ?? 'https://app.amberflo.io';
      if (!/^https?:\/\/[^\s]+$/.test(baseUrl))
        throw new Error(`${self.node.path}: baseUrl '${baseUrl}' is not an http(s) URL`);
      apiKey = new VendorSecret(self, 'api-key', {
        name: `${p}-amberflo-api-key`,
        description: 'Amberflo API key (plain string), read by the Amberflo metering functions.',
        existingArn: props.apiKeySecretArn,
        kmsKeyArn: props.kmsKeyArn,
      });
      const fn = functionFamily(self, {
        namePrefix: `${p}-amberflo`,
        timeout: props.timeout ?? 15,
        environment: {
          AMBERFLO_BASE_URL: baseUrl,
          AMBERFLO_API_KEY_SECRET_ARN: apiKey.arn,
          POWERTOOLS_SERVICE_NAME: 'amberflo-metering',
        },
        grant: (f) => apiKey.grantRead(f),
      });
      apiFunction = fn('api', 'Amberflo metering: meters and usage routes', { archive: 'amberflo-api' });
      const api = { handler: apiFunction };
      const plans: Record<string, string> =
        props.productPlanIdsByTier && Object.keys(props.productPlanIdsByTier).length
          ? { AMBERFLO_PLAN_IDS: JSON.stringify(props.productPlanIdsByTier) }
          : {};
      const op = (name: string, operation: string, description: string) => ({
        handler: fn(name, `Amberflo metering: ${description}`, {
          archive: 'amberflo-events',
          environment: { AMBERFLO_OPERATION: operation, ...plans },
        }),
      });
      return {
        createMeterFunction: api,
        fetchMeterFunction: api,
        fetchAllMetersFunction: api,
        updateMeterFunction: api,
        deleteMeterFunction: api,
        fetchUsageFunction: api,
        cancelUsageEventsFunction: api,
        ingestUsageEventFunction: op('ingest-usage', 'ingestUsage', 'ingest usage events (deduplicated by event id)'),
        createCustomerFunction: op(
          'create-customer',
          'createCustomer',
          'tenant onboarded → customer (+ plan of its tier)',
        ),
        updateCustomerFunction: op(
          'update-customer',
          'updateCustomer',
          'tenant changed → customer (+ plan of its new tier)',
        ),
        deleteCustomerFunction: op('delete-customer', 'deleteCustomer', 'tenant offboarded → customer deleted'),
      };
    });
    this.apiKey = apiKey;
    this.apiFunction = apiFunction;
  }
}
