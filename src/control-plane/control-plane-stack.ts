import { Construct } from '../core/cdktf';
import { EventManager } from '../core/event-manager';
import { inputValidation, SbtStack, type SbtStackProps } from '../core/sbt-stack';
import type { IControlPlaneApi } from './api/control-plane-api';
import { HttpControlPlaneApi } from './api/http-control-plane-api';
import type { IAuth } from './auth/auth-interface';
import { CognitoAuth } from './auth/cognito-auth';
import type { IBilling } from './billing/billing-interface';
import { DynamoDBBilling } from './billing/dynamodb-billing';
import { ControlPlane, type ControlPlaneProps } from './control-plane';
import { DynamoDBMetering } from './metering/dynamodb-metering';
import type { IMetering } from './metering/metering-interface';
import type { TenantTable } from './tenant-management/tenant-table';
import { propsErrors } from '../core/props-validation';

export interface ControlPlaneStackProps extends SbtStackProps {
  /** Keep tables and the user pool from being destroyed (variable `deletion_protection`). @default true */
  readonly deletionProtection?: boolean;
  /** System admin email (variable `system_admin_email`). @default none: required at plan time */
  readonly systemAdminEmail?: string;
  /** System admin user name (variable `system_admin_name`). @default 'admin' */
  readonly systemAdminName?: string;
  /** Admin UI callback URLs (variable `callback_urls`). @default ['http://localhost'] */
  readonly callbackUrls?: string[];
  /** Browser origins allowed by CORS (variable `cors_allow_origins`; empty turns CORS off). @default ['*'] (SBT's handlers answer `*`) */
  readonly corsAllowOrigins?: string[];
  /** Identity provider, or a factory creating it in the stack (e.g. `(s) => new OidcAuth(s, 'auth', {...})`). @default CognitoAuth */
  readonly auth?: IAuth | ((scope: Construct) => IAuth);
  /** Public GET /tenant-config (synth-time: it changes the route security table). @default true */
  readonly tenantConfigPublic?: boolean;
  /** Private REST API behind these VPC endpoints (synth-time). @default public HTTP API */
  readonly private?: { vpcEndpointIds: string[] };
  /**
   * Billing provider, or a factory creating it in the stack; `false` for none.
   * @default the reference DynamoDBBilling (fed by the reference metering), so the stack works end to end
   */
  readonly billing?: IBilling | ((scope: Construct, metering?: IMetering) => IBilling) | false;
  /** Metering provider, or a factory; `false` for none. @default the reference DynamoDBMetering */
  readonly metering?: IMetering | ((scope: Construct) => IMetering) | false;
  /**
   * Module mode: default of the input `enable_billing` — false leaves every billing resource out at plan time
   * (tables, functions, rules, routes; output `billing_*` null). Root mode: `billing: false` is the equivalent
   * (left out at synth). @default true (when there is a billing provider)
   */
  readonly enableBilling?: boolean;
  /** Module mode: default of the input `enable_metering` (as `enableBilling`, for metering). @default true */
  readonly enableMetering?: boolean;
  /**
   * Event buses of application planes in other AWS accounts (ApplicationPlaneStack `crossAccount`):
   * request events (onboarding, offboarding, activate, deactivate) are forwarded to each, and their
   * accounts may put events (the job results) on this plane's bus. Literal ARNs (synth-time).
   * @default none (application planes in this account listen on the bus directly)
   */
  readonly applicationPlaneEventBusArns?: string[];
  /**
   * Which SBT era's event names the control plane emits (variable `event_era`): 'sbt-0.9' or 'pre-0.9'.
   * Rules match both eras either way. @default 'sbt-0.9'
   */
  readonly eventEra?: 'sbt-0.9' | 'pre-0.9';
  /** Extra ControlPlane props. */
  readonly controlPlane?: Partial<ControlPlaneProps>;
}

/** The `control-plane` stack / module: a ControlPlane with its inputs and outputs. */
export class ControlPlaneStack extends SbtStack {
  readonly controlPlane: ControlPlane;
  readonly eventManager: EventManager;
  readonly api: IControlPlaneApi;
  readonly tenantTable: TenantTable;
  readonly auth: IAuth;

  constructor(scope: Construct, id: string, props: ControlPlaneStackProps = {}) {
    super(scope, id, props);
    this.useStableAddresses('control-plane', ['control-plane']);
    const deletionProtection = this.boolInput('deletion_protection', {
      description:
        'Protect the tenant, registration and user tables and the Cognito user pool from deletion. Turn off only for throwaway installs.',
      default: props.deletionProtection ?? true,
    });
    const systemAdminEmail = this.stringInput('system_admin_email', {
      description: 'Email of the control-plane system admin; Cognito sends the temporary password there.',
      default: props.systemAdminEmail,
      validation: inputValidation.email('system_admin_email'),
    });
    const systemAdminName = this.stringInput('system_admin_name', {
      description: "User name of the system admin (the SBT tutorial signs in as 'admin').",
      default: props.systemAdminName ?? 'admin',
    });
    const callbackUrls = this.listInput('callback_urls', {
      description: 'Admin UI OAuth callback and logout URLs of the Cognito user client.',
      default: props.callbackUrls ?? ['http://localhost'],
      validation: inputValidation.urls('callback_urls'),
    });
    const corsAllowOrigins = this.listInput('cors_allow_origins', {
      description:
        "Browser origins allowed to call the API (e.g. the admin console). ['*'] (default) is what SBT answers; empty turns CORS off.",
      default: props.corsAllowOrigins ?? ['*'],
      validation: inputValidation.urls('cors_allow_origins', true),
    });
    const remotePlanes = props.applicationPlaneEventBusArns ?? [];
    const errors = propsErrors(this);
    const remoteAccounts = [
      ...new Set(
        remotePlanes.flatMap((arn) => {
          const account = accountOfBusArn(arn);
          if (!account)
            errors.push(
              `applicationPlaneEventBusArns: '${arn}' is not an event-bus ARN (arn:<partition>:events:<region>:<account>:event-bus/<name>)`,
            );
          return account ? [account] : [];
        }),
      ),
    ];
    this.eventManager = new EventManager(this, 'events', {
      busName: this.name('sbt-events'),
      eventEra: this.eventEraInput(props.eventEra),
      allowPutEventsFromAccounts: remoteAccounts.length ? remoteAccounts : undefined,
    });
    remotePlanes.forEach((targetBusArn, i) => {
      const e = this.eventManager.events;
      this.eventManager.forwardEvents(this, {
        id: `forward-to-application-plane-${i}`,
        targetBusArn,
        events: [e.onboardingRequest, e.offboardingRequest, e.activateRequest, e.deactivateRequest],
        roleName: this.name(`forward-app-plane-${i}`),
      });
    });
    const metering =
      props.metering === false
        ? undefined
        : typeof props.metering === 'function'
          ? props.metering(this)
          : (props.metering ??
            new DynamoDBMetering(this, 'metering', { namePrefix: this.namePrefix, deletionProtection }));
    const billing =
      props.billing === false
        ? undefined
        : typeof props.billing === 'function'
          ? props.billing(this, metering)
          : (props.billing ??
            new DynamoDBBilling(this, 'billing', {
              namePrefix: this.namePrefix,
              deletionProtection,
              metering: metering instanceof DynamoDBMetering ? metering : undefined,
            }));
    const switches = this.billingSwitches(props, billing, metering);
    this.controlPlane = new ControlPlane(this, 'control-plane', {
      ...(props.controlPlane ?? {}),
      namePrefix: this.namePrefix,
      systemAdminEmail,
      systemAdminName,
      callbackUrls,
      eventManager: this.eventManager,
      deletionProtection,
      billing,
      metering,
      auth: typeof props.auth === 'function' ? props.auth(this) : props.auth,
      tenantConfigPublic: props.tenantConfigPublic,
      api: {
        ...(props.controlPlane?.api ?? {}),
        corsAllowOrigins: props.private ? undefined : corsAllowOrigins,
        private: props.private,
      },
    });
    switches.billing?.include(this.controlPlane.billing);
    switches.metering?.include(this.controlPlane.metering);
    // The put-usage job rolls metering's usage up: without metering it has nothing to read.
    if (billing instanceof DynamoDBBilling && billing.putUsageFunction && metering)
      switches.metering?.include(this.controlPlane.billing?.putUsageRule);
    this.api = this.controlPlane.api;
    this.tenantTable = this.controlPlane.tenantTable;
    this.auth = this.controlPlane.auth;
    const cp = this.controlPlane;

    this.output('api_url', this.api.url, 'Base URL of the control-plane HTTP API (no trailing slash).');
    this.output(
      'control_plane_api_endpoint',
      `${this.api.url}/`,
      "Base URL with a trailing slash, as SBT's controlPlaneAPIEndpoint (the tutorial appends 'tenants').",
    );
    this.output('event_bus_arn', this.eventManager.busArn, 'ARN of the SBT event bus (give it to application planes).');
    this.output('event_bus_name', this.eventManager.busName, 'Name of the SBT event bus.');
    this.output('tenant_table_name', this.tenantTable.tableName, 'DynamoDB table of tenants.');
    this.output(
      'tenant_registration_table_name',
      cp.registrationTable.tableName,
      'DynamoDB table of tenant registrations.',
    );
    this.output('jwt_issuer', this.auth.jwtIssuer, 'Issuer the API accepts tokens from.');
    this.output('well_known_endpoint_url', this.auth.wellKnownEndpointUrl, 'OpenID discovery document of the issuer.');
    if (this.auth.tokenEndpoint)
      this.output(
        'token_endpoint',
        this.auth.tokenEndpoint,
        'OAuth token endpoint (client credentials for machine clients).',
      );
    if (this.auth.userClientId) {
      this.output('user_client_id', this.auth.userClientId, "Admin UI client id (SBT's ControlPlaneIdpClientId).");
    }
    if (this.auth.machineClientId)
      this.output('machine_client_id', this.auth.machineClientId, 'Machine (client-credentials) client id.');
    if (this.auth.machineClientSecret) {
      this.output('machine_client_secret', this.auth.machineClientSecret, 'Machine client secret.', true);
    }
    if (this.auth instanceof CognitoAuth) {
      this.output('user_pool_id', this.auth.userPool.id, "Cognito user pool id (SBT's ControlPlaneIdpUserPoolId).");
    }
    if (cp.userManagement.userTable) {
      this.output('user_table_name', cp.userManagement.userTable.table.name, 'DynamoDB user table (external IdPs).');
    }
    if (cp.billing?.webhookUrl) {
      const url = switches.billing ? switches.billing.when(cp.billing.webhookUrl) : cp.billing.webhookUrl;
      this.output(
        'billing_webhook_url',
        url,
        `Give this URL to the billing vendor (signed webhooks)${switches.billing ? '; null when enable_billing is false' : ''}.`,
      );
    }
    if (billing instanceof DynamoDBBilling) {
      this.output(
        'billing_webhook_secret_arn',
        billing.webhookVerification.secretArn,
        `Secrets Manager secret holding the webhook signing secret (set its value once)${switches.billing ? '; null when enable_billing is false' : ''}.`,
      );
    }
    if (this.api.domainTarget)
      this.output('api_domain_target', this.api.domainTarget, 'DNS target of the custom domain.');
    // ARNs a caller wires into its own IAM policies, alarms and event rules.
    this.output('tenant_table_arn', this.tenantTable.tableArn, 'ARN of the tenant table (grant readers on it).');
    this.output(
      'tenant_registration_table_arn',
      cp.registrationTable.tableArn,
      'ARN of the tenant registration table.',
    );
    if (this.api instanceof HttpControlPlaneApi) {
      this.output('api_id', this.api.api.id, 'Id of the control-plane HTTP API (custom domains, stages, WAF).');
      this.output(
        'api_execution_arn',
        this.api.api.executionArn,
        'Execution ARN of the HTTP API (Lambda permissions, IAM conditions).',
      );
    }
    if (this.auth instanceof CognitoAuth) {
      this.output('user_pool_arn', this.auth.userPool.arn, 'ARN of the Cognito user pool.');
      this.output(
        'user_pool_endpoint',
        this.auth.userPool.endpoint,
        'Endpoint of the Cognito user pool (issuer host and path).',
      );
    }
  }

  /**
   * Module mode: inputs `enable_billing` / `enable_metering` (for the providers that exist). Everything the
   * provider creates — in its own construct, and what the control plane wires to it (rules, routes,
   * permissions) — is behind the switch. Root mode: none (`billing: false` / `metering: false` decide at synth).
   */
  private billingSwitches(
    props: ControlPlaneStackProps,
    billing: IBilling | undefined,
    metering: IMetering | undefined,
  ) {
    if (this.mode !== 'module') return {};
    const make = (what: 'billing' | 'metering', provider: unknown, enabled: boolean | undefined) => {
      if (!provider) return undefined;
      const sw = this.featureSwitch(`enable_${what}`, {
        description:
          what === 'billing'
            ? 'Create the billing provider (tables, functions, event rules, /billing routes and webhook). false removes all of it; billing_* outputs are then null.'
            : 'Create the metering provider (meter and usage tables, functions, /meters and /usage routes). false removes all of it.',
        default: enabled ?? true,
      });
      // A provider that is a construct of its own (the reference ones) goes entirely.
      if (Construct.isConstruct(provider)) sw.include(provider);
      return sw;
    };
    return {
      billing: make('billing', billing, props.enableBilling),
      metering: make('metering', metering, props.enableMetering),
    };
  }
}

/** Account id of an event-bus ARN (`arn:<partition>:events:<region>:<account>:event-bus/<name>`); undefined for anything else. */
function accountOfBusArn(arn: string): string | undefined {
  const parts = arn.split(':');
  if (
    parts.length < 6 ||
    parts[2] !== 'events' ||
    !/^\d{12}$/.test(parts[4] ?? '') ||
    !parts[5]?.startsWith('event-bus/')
  )
    return undefined;
  return parts[4]!;
}
