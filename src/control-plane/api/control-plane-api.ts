import { Apigatewayv2Api } from '@cdktf/provider-aws/lib/apigatewayv2-api';
import { Apigatewayv2Authorizer } from '@cdktf/provider-aws/lib/apigatewayv2-authorizer';
import { Apigatewayv2Integration } from '@cdktf/provider-aws/lib/apigatewayv2-integration';
import { Apigatewayv2Route } from '@cdktf/provider-aws/lib/apigatewayv2-route';
import { Apigatewayv2Stage } from '@cdktf/provider-aws/lib/apigatewayv2-stage';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { Construct } from '../../core/cdktf';
import type { LambdaFunction } from '../../core/lambda-function';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface ControlPlaneApiProps {
  /** API name (include the name prefix). */
  readonly name: string;
  /** JWT issuer and audiences for the authorizer (from IAuth). @default no authorizer: only public routes allowed */
  readonly jwt?: { readonly issuer: string; readonly audience: string[] };
  /** Browser origins allowed by CORS (e.g. the admin console). @default CORS off */
  readonly corsAllowOrigins?: string[];
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
 * The control plane's HTTP API (API Gateway v2): `$default` stage with auto-deploy, JSON access logs,
 * stage throttling, optional CORS, one JWT authorizer. Every route is authorized and scoped unless it is
 * explicitly public with a reason — the route table in `routes` is what synth tests and docs read.
 */
export class ControlPlaneApi extends Construct {
  readonly api: Apigatewayv2Api;
  readonly stage: Apigatewayv2Stage;
  readonly authorizer?: Apigatewayv2Authorizer;
  readonly routes: RouteRecord[] = [];
  private readonly integrations = new Map<LambdaFunction, Apigatewayv2Integration>();

  constructor(scope: Construct, id: string, props: ControlPlaneApiProps) {
    super(scope, id);
    this.api = new Apigatewayv2Api(this, 'api', {
      name: props.name,
      protocolType: 'HTTP',
      description: 'SaaS control plane API',
      corsConfiguration: props.corsAllowOrigins?.length
        ? {
            allowOrigins: props.corsAllowOrigins,
            allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
            allowHeaders: ['authorization', 'content-type'],
            maxAge: 300,
          }
        : undefined,
    });
    const retention = props.accessLogRetentionInDays ?? 30;
    const accessLogs =
      retention > 0
        ? new CloudwatchLogGroup(this, 'access-logs', {
            name: `/aws/vendedlogs/apigateway/${props.name}`,
            retentionInDays: retention,
          })
        : undefined;
    this.stage = new Apigatewayv2Stage(this, 'stage', {
      apiId: this.api.id,
      name: '$default',
      autoDeploy: true,
      defaultRouteSettings: {
        throttlingRateLimit: props.throttlingRateLimit ?? 100,
        throttlingBurstLimit: props.throttlingBurstLimit ?? 200,
      },
      accessLogSettings: accessLogs
        ? {
            destinationArn: accessLogs.arn,
            format: JSON.stringify({
              requestId: '$context.requestId',
              ip: '$context.identity.sourceIp',
              requestTime: '$context.requestTime',
              httpMethod: '$context.httpMethod',
              routeKey: '$context.routeKey',
              status: '$context.status',
              protocol: '$context.protocol',
              responseLength: '$context.responseLength',
              principal: '$context.authorizer.claims.sub',
              integrationError: '$context.integrationErrorMessage',
            }),
          }
        : undefined,
    });
    if (props.jwt) {
      this.authorizer = new Apigatewayv2Authorizer(this, 'jwt-authorizer', {
        apiId: this.api.id,
        name: 'jwt',
        authorizerType: 'JWT',
        identitySources: ['$request.header.Authorization'],
        jwtConfiguration: { issuer: props.jwt.issuer, audience: props.jwt.audience },
      });
    }
  }

  /** Base URL of the API (no trailing slash). */
  get url(): string {
    return this.api.apiEndpoint;
  }
  get apiId(): string {
    return this.api.id;
  }
  get executionArn(): string {
    return this.api.executionArn;
  }

  addRoute(o: RouteOptions): Apigatewayv2Route {
    const authorization = o.authorization ?? 'jwt';
    if (!o.path.startsWith('/')) throw new Error(`route path '${o.path}' must start with '/'`);
    if (authorization === 'none' && !o.publicReason) {
      throw new Error(`route ${o.method} ${o.path} is public: give publicReason (it is documented in the route table)`);
    }
    if (authorization === 'jwt' && !this.authorizer) {
      throw new Error(`route ${o.method} ${o.path} needs the JWT authorizer: give ControlPlaneApi the jwt prop`);
    }
    if (authorization === 'jwt' && !o.scopes?.length) {
      throw new Error(`route ${o.method} ${o.path} has no scope: every authorized route names the scope it needs`);
    }
    if (this.routes.some((r) => r.method === o.method && r.path === o.path)) {
      throw new Error(`route ${o.method} ${o.path} is defined twice`);
    }
    const integration = this.integrationFor(o.handler);
    const id = `route-${o.method}-${o.path}`.replace(/[^a-zA-Z0-9-]/g, '_');
    const route = new Apigatewayv2Route(this, id, {
      apiId: this.api.id,
      routeKey: `${o.method} ${o.path}`,
      target: `integrations/${integration.id}`,
      authorizationType: authorization === 'jwt' ? 'JWT' : 'NONE',
      authorizerId: authorization === 'jwt' ? this.authorizer!.id : undefined,
      authorizationScopes: authorization === 'jwt' ? o.scopes : undefined,
    });
    this.routes.push({
      method: o.method,
      path: o.path,
      authorization,
      scopes: o.scopes ?? [],
      publicReason: o.publicReason,
      functionName: o.handler.node.path,
    });
    return route;
  }

  private integrationFor(fn: LambdaFunction): Apigatewayv2Integration {
    let integ = this.integrations.get(fn);
    if (!integ) {
      const n = this.integrations.size;
      integ = new Apigatewayv2Integration(this, `integration-${n}`, {
        apiId: this.api.id,
        integrationType: 'AWS_PROXY',
        integrationUri: fn.invokeArn,
        payloadFormatVersion: '2.0',
        timeoutMilliseconds: 29000,
      });
      fn.allowInvokeFrom(`allow-api-${this.node.addr.slice(0, 8)}`, 'apigateway.amazonaws.com', `${this.api.executionArn}/*/*`);
      this.integrations.set(fn, integ);
    }
    return integ;
  }
}
