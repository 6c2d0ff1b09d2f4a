import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import type { IConstruct, TerraformResource } from '../../core/cdktf';
import { Construct } from '../../core/cdktf';
import type { LambdaFunction } from '../../core/lambda-function';
import { propsErrors } from '../../core/props-validation';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** What both control-plane API variants (public HTTP API, private REST API) take. */
export interface ControlPlaneApiBaseProps {
  /** API name (include the name prefix). */
  readonly name: string;
  /** Description of the API. @default 'SaaS control plane API' (HTTP), 'SaaS control plane API (private)' (REST) */
  readonly description?: string;
  /**
   * JWT issuer and audiences for the authorizer (from IAuth); `jwksUri` is used by the private REST API's
   * token authorizer for non-Cognito issuers. @default no authorizer: only public routes allowed
   */
  readonly jwt?: { readonly issuer: string; readonly audience: string[]; readonly jwksUri?: string };
  /** Steady-state requests/s for the whole stage. @default 100 */
  readonly throttlingRateLimit?: number;
  /** Burst for the whole stage. @default 200 */
  readonly throttlingBurstLimit?: number;
  /** Access-log retention in days; 0 turns access logging off. @default 30 */
  readonly accessLogRetentionInDays?: number;
}

export interface RouteOptions {
  readonly method: HttpMethod;
  /** Path with `{param}` segments, e.g. `/tenants/{tenantId}`. */
  readonly path: string;
  readonly handler: LambdaFunction;
  /**
   * `jwt` (default): the JWT authorizer checks the token and every scope in `scopes`.
   * `none`: public — allowed only when `publicReason` says why (it is documented in the route table).
   */
  readonly authorization?: 'jwt' | 'none';
  /** OAuth scopes required (any one of them suffices at API Gateway, so give exactly one per route). */
  readonly scopes?: string[];
  /** Why a route is public (required with authorization 'none'). */
  readonly publicReason?: string;
}

export interface RouteRecord {
  readonly method: HttpMethod;
  readonly path: string;
  readonly authorization: 'jwt' | 'none';
  readonly scopes: string[];
  readonly publicReason?: string;
  readonly functionName: string;
}

/**
 * The control plane's API as services see it, whichever variant serves it: the public HTTP API
 * ({@link HttpControlPlaneApi}) or the private REST API ({@link PrivateRestControlPlaneApi}). Services add
 * their routes here; the stacks read its URL and route table.
 */
export interface IControlPlaneApi extends IConstruct {
  /** True for the private REST API (reachable only through VPC endpoints). */
  readonly isPrivate: boolean;
  /** The route table (what synth tests and docs read), in the order routes were added. */
  readonly routes: readonly RouteRecord[];
  /**
   * Base URL of the API (no trailing slash). Private: the private-DNS URL
   * `https://<id>.execute-api.<region>.amazonaws.com/v1`, resolvable inside the VPC.
   */
  readonly url: string;
  readonly apiId: string;
  /** Execution ARN (Lambda permissions, IAM conditions). */
  readonly executionArn: string;
  /** Id of the authorizer that guards `jwt` routes. @default none: only public routes allowed */
  readonly authorizerId?: string;
  /** DNS target for the custom domain (CNAME / alias), when the API has one. */
  readonly domainTarget?: string;
  /** Adds a route to `handler`; every `jwt` route names its scope, every public route why it is public. */
  addRoute(o: RouteOptions): TerraformResource;
}

/** SBT's handlers answer every origin (`Access-Control-Allow-Origin: *`). */
export const DEFAULT_CORS_ORIGINS = ['*'];
/** Headers our clients send: the bearer token, JSON bodies and Idempotency-Key (retry-safe POSTs). */
export const DEFAULT_CORS_HEADERS = ['authorization', 'content-type', 'idempotency-key'];
/** Access-log retention when none is given. */
export const DEFAULT_ACCESS_LOG_RETENTION_DAYS = 30;
/** Stage throttling when none is given. */
export const DEFAULT_THROTTLING = { rate: 100, burst: 200 } as const;

/**
 * What both variants share: the route table and its rules (every route authorized and scoped unless it
 * is explicitly public with a reason). Route problems are collected and reported together at synth.
 */
export abstract class ControlPlaneApiBase extends Construct implements IControlPlaneApi {
  abstract readonly isPrivate: boolean;
  abstract readonly url: string;
  abstract readonly authorizerId?: string;
  readonly routes: RouteRecord[] = [];
  /** Props and route problems, reported at synth. */
  protected readonly errors: string[];

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.errors = propsErrors(this);
  }

  /** The API resource (HTTP API or REST API): its id and execution ARN. */
  protected abstract get apiResource(): { readonly id: string; readonly executionArn: string };

  get apiId(): string {
    return this.apiResource.id;
  }
  get executionArn(): string {
    return this.apiResource.executionArn;
  }
  get domainTarget(): string | undefined {
    return undefined;
  }

  addRoute(o: RouteOptions): TerraformResource {
    const authorization = o.authorization ?? 'jwt';
    const route = `route ${o.method} ${o.path}`;
    if (!o.path.startsWith('/')) this.errors.push(`route path '${o.path}' must start with '/'`);
    if (authorization === 'none' && !o.publicReason) {
      this.errors.push(`${route} is public: give publicReason (it is documented in the route table)`);
    }
    if (authorization === 'jwt' && this.authorizerId === undefined) {
      this.errors.push(
        this.isPrivate
          ? `${route}: the private API needs the jwt prop (issuer/audience) or cognitoUserPoolArn`
          : `${route} needs the JWT authorizer: give the API the jwt prop`,
      );
    }
    if (authorization === 'jwt' && !o.scopes?.length) {
      this.errors.push(`${route} has no scope: every authorized route names the scope it needs`);
    }
    // Thrown, not collected: a second route with the same key would need a second resource of the same address.
    if (this.routes.some((r) => r.method === o.method && r.path === o.path))
      throw new Error(`${route} is defined twice`);
    const resource = this.createRoute(o, authorization);
    this.routes.push({
      method: o.method,
      path: o.path,
      authorization,
      scopes: o.scopes ?? [],
      publicReason: o.publicReason,
      functionName: o.handler.node.path,
    });
    return resource;
  }

  /** The access-log group (`/aws/vendedlogs/apigateway/<name>`), unless retention is 0 (logging off). */
  protected accessLogGroup(props: ControlPlaneApiBaseProps): CloudwatchLogGroup | undefined {
    const retention = props.accessLogRetentionInDays ?? DEFAULT_ACCESS_LOG_RETENTION_DAYS;
    if (retention <= 0) return undefined;
    return new CloudwatchLogGroup(this, 'access-logs', {
      name: `/aws/vendedlogs/apigateway/${props.name}`,
      retentionInDays: retention,
    });
  }

  /** The variant's resources for one checked route. */
  protected abstract createRoute(o: RouteOptions, authorization: 'jwt' | 'none'): TerraformResource;
}

/** A construct id from a route key: `method-POST-/tenants/{id}` → `method-POST-_tenants__id_`. */
export function routeConstructId(prefix: string, o: RouteOptions): string {
  return `${prefix}-${o.method}-${o.path}`.replace(/[^a-zA-Z0-9-]/g, '_');
}
