import { Construct } from '../core/cdktf';
import { namePrefixOf } from '../core/sbt-stack';
import { EventManager, type IEventManager } from '../core/event-manager';
import type { IControlPlaneApi } from './api/control-plane-api';
import { type ControlPlaneApiProps, createControlPlaneApi } from './api/create-control-plane-api';
import { jwksUriOf, scopesOf, type IAuth } from './auth/auth-interface';
import { CognitoAuth } from './auth/cognito-auth';
import type { IBilling } from './billing/billing-interface';
import { BillingProvider } from './billing/billing-provider';
import type { IMetering } from './metering/metering-interface';
import { MeteringProvider } from './metering/metering-provider';
import { TenantConfigService } from './tenant-config/tenant-config-service';
import { TenantManagementService } from './tenant-management/tenant-management-service';
import { TenantTable } from './tenant-management/tenant-table';
import { RegistrationTable } from './tenant-registration/registration-table';
import { TenantRegistrationService } from './tenant-registration/tenant-registration-service';
import { UserManagementService } from './user-management/user-management-service';

/** SBT's `apiCorsConfig` (CDK CorsPreflightOptions) as far as an HTTP API has it. */
export interface SbtCorsPreflightOptions {
  readonly allowOrigins?: string[];
  readonly allowHeaders?: string[];
  /** CDK's CorsHttpMethod values are these strings (`'GET'`, …, `'*'`). */
  readonly allowMethods?: string[];
  readonly allowCredentials?: boolean;
  readonly exposeHeaders?: string[];
  /** Seconds, or a CDK-style Duration (`{ toSeconds() }`). */
  readonly maxAge?: number | { toSeconds(): number };
}

export interface ControlPlaneProps {
  /**
   * Prefix of every resource name (`<prefix>-tenants`, `<prefix>-control-plane`, …).
   * @default the stack's `name_prefix` in an SbtStack, else one made from the stack's name (SBT needed none)
   */
  readonly namePrefix?: string;
  /** Email of the system admin; Cognito sends the temporary password there. */
  readonly systemAdminEmail: string;
  /** User name of the system admin. @default 'admin' (the SBT tutorial signs in as admin) */
  readonly systemAdminName?: string;
  /** Role of the system admin (`custom:userRole`; CognitoAuth maps it to every scope). @default 'SystemAdmin' */
  readonly systemAdminRoleName?: string;
  /** Identity provider. @default a CognitoAuth (user pool, admin UI + machine clients, scopes) */
  readonly auth?: IAuth;
  /** Admin UI callback URLs for the default CognitoAuth. @default ['http://localhost'] */
  readonly callbackUrls?: string[];
  /** Event manager (bus + catalogue). @default a new EventManager with bus `<prefix>-sbt-events` */
  readonly eventManager?: IEventManager;
  /**
   * Deletion protection of tables and the user pool (bool or Terraform bool expression, e.g. a variable).
   * @default true — SBT forces DESTROY on everything; turning protection off is an explicit opt-out
   */
  readonly deletionProtection?: boolean | string;
  /** KMS key for the tables. @default AWS owned key (always encrypted) */
  readonly kmsKeyArn?: string;
  /**
   * `GET /tenant-config` without a token (as SBT): a tenant's front end reads its config before anyone
   * signs in. false ⇒ it requires the tenant-read scope. @default true
   */
  readonly tenantConfigPublic?: boolean;
  /** Where users live (see UserManagementService). @default the IdP's directory when it has one */
  readonly userStore?: 'auth' | 'table';
  /** API options: CORS, throttling, access logs, custom domain, private endpoint. */
  readonly api?: Omit<ControlPlaneApiProps, 'name' | 'jwt' | 'cognitoUserPoolArn'>;
  /** SQS DLQ ARN for application-plane results EventBridge could not deliver. @default none */
  readonly resultsDeadLetterQueueArn?: string;
  /**
   * Billing provider (DynamoDBBilling, HttpBillingVendorAdapter, a vendor package), wired by a
   * BillingProvider: its async members to events, its sync members and webhook to routes. @default none
   */
  readonly billing?: IBilling;
  /** Metering provider (DynamoDBMetering, a vendor package), wired by a MeteringProvider. @default none */
  readonly metering?: IMetering;
  /** SBT's name for `api.accessLogRetentionInDays: 0`: no API access logs. @default false */
  readonly disableAPILogging?: boolean;
  /** SBT's CORS options (CDK CorsPreflightOptions), applied to the HTTP API; `api.cors*` win when both are set. @default `*` (SBT's handlers' answer) */
  readonly apiCorsConfig?: SbtCorsPreflightOptions;
}

/**
 * The SBT control plane: identity (IAuth, CognitoAuth by default) + one HTTP API with a JWT authorizer
 * and a scope on every route + tenants, registrations (one onboarding path, an explicit lifecycle state
 * machine, results consumed from the bus), users (enable/disable routed), tenant config, and the event
 * bus. Billing and metering attach to `api`, `eventManager` and `auth` from outside.
 */
export class ControlPlane extends Construct {
  readonly auth: IAuth;
  readonly eventManager: IEventManager;
  readonly api: IControlPlaneApi;
  readonly tenantTable: TenantTable;
  readonly registrationTable: RegistrationTable;
  readonly tenantManagement: TenantManagementService;
  readonly tenantRegistration: TenantRegistrationService;
  readonly userManagement: UserManagementService;
  readonly tenantConfig: TenantConfigService;
  /** Present when `billing` was given. */
  readonly billing?: BillingProvider;
  /** Present when `metering` was given. */
  readonly metering?: MeteringProvider;
  /** SBT's `controlPlaneAPIGatewayUrl`: the API's base URL with a trailing slash (SBT clients append `tenants`). */
  readonly controlPlaneAPIGatewayUrl: string;
  /** The name prefix in use (given, or derived from the stack). */
  readonly namePrefix: string;

  constructor(scope: Construct, id: string, props: ControlPlaneProps) {
    super(scope, id);
    const prefix = props.namePrefix ?? namePrefixOf(this);
    this.namePrefix = prefix;
    const deletionProtection = props.deletionProtection ?? true;
    this.eventManager = props.eventManager ?? new EventManager(this, 'events', { busName: `${prefix}-sbt-events` });
    this.auth =
      props.auth ??
      new CognitoAuth(this, 'auth', { namePrefix: prefix, callbackUrls: props.callbackUrls, deletionProtection });
    this.auth.createAdminUser(this, 'system-admin', {
      name: props.systemAdminName ?? 'admin',
      email: props.systemAdminEmail,
      role: props.systemAdminRoleName ?? 'SystemAdmin',
    });
    const cors = props.apiCorsConfig;
    const maxAge =
      cors?.maxAge === undefined ? undefined : typeof cors.maxAge === 'number' ? cors.maxAge : cors.maxAge.toSeconds();
    this.api = createControlPlaneApi(this, 'api', {
      ...(props.disableAPILogging ? { accessLogRetentionInDays: 0 } : {}),
      ...(cors
        ? {
            corsAllowOrigins: cors.allowOrigins,
            corsAllowHeaders: cors.allowHeaders,
            corsAllowMethods: cors.allowMethods,
            corsAllowCredentials: cors.allowCredentials,
            corsExposeHeaders: cors.exposeHeaders,
            corsMaxAge: maxAge,
          }
        : {}),
      ...definedOnly(props.api ?? {}),
      name: `${prefix}-control-plane`,
      jwt: { issuer: this.auth.jwtIssuer, audience: this.auth.jwtAudience, jwksUri: jwksUriOf(this.auth) },
      cognitoUserPoolArn: this.auth.userPoolArn,
    });
    this.tenantTable = new TenantTable(this, 'tenants', {
      name: `${prefix}-tenants`,
      deletionProtection,
      kmsKeyArn: props.kmsKeyArn,
    });
    this.registrationTable = new RegistrationTable(this, 'registrations', {
      name: `${prefix}-tenant-registrations`,
      deletionProtection,
      kmsKeyArn: props.kmsKeyArn,
    });
    const common = {
      api: this.api,
      scopes: scopesOf(this.auth),
      tenantTable: this.tenantTable,
      registrationTable: this.registrationTable,
      eventManager: this.eventManager,
      namePrefix: prefix,
    };
    this.tenantManagement = new TenantManagementService(this, 'tenant-management', common);
    this.tenantRegistration = new TenantRegistrationService(this, 'tenant-registration', {
      ...common,
      resultsDeadLetterQueueArn: props.resultsDeadLetterQueueArn,
    });
    this.userManagement = new UserManagementService(this, 'user-management', {
      api: this.api,
      auth: this.auth,
      eventManager: this.eventManager,
      namePrefix: prefix,
      deletionProtection,
      userStore: props.userStore,
    });
    this.tenantConfig = new TenantConfigService(this, 'tenant-config', {
      api: this.api,
      tenantTable: this.tenantTable,
      namePrefix: prefix,
      public: props.tenantConfigPublic ?? true,
      readScope: scopesOf(this.auth).tenantRead,
    });
    this.controlPlaneAPIGatewayUrl = `${this.api.url}/`;
    const wiring = {
      api: this.api,
      eventManager: this.eventManager,
      namePrefix: prefix,
      tenantTable: this.tenantTable,
    };
    if (props.billing) this.billing = new BillingProvider(this, 'billing', { billing: props.billing, ...wiring });
    if (props.metering) this.metering = new MeteringProvider(this, 'metering', { metering: props.metering, ...wiring });
  }
}

/** `o` without its undefined members (so an unset `api.x` does not erase an SBT-named prop). */
function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
