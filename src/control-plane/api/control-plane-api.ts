import { createHash } from 'crypto';
import { ApiGatewayAuthorizer } from '@cdktf/provider-aws/lib/api-gateway-authorizer';
import { ApiGatewayDeployment } from '@cdktf/provider-aws/lib/api-gateway-deployment';
import { ApiGatewayIntegration } from '@cdktf/provider-aws/lib/api-gateway-integration';
import { ApiGatewayMethod } from '@cdktf/provider-aws/lib/api-gateway-method';
import { ApiGatewayMethodSettings } from '@cdktf/provider-aws/lib/api-gateway-method-settings';
import { ApiGatewayResource } from '@cdktf/provider-aws/lib/api-gateway-resource';
import { ApiGatewayRestApi } from '@cdktf/provider-aws/lib/api-gateway-rest-api';
import { ApiGatewayRestApiPolicy } from '@cdktf/provider-aws/lib/api-gateway-rest-api-policy';
import { ApiGatewayStage } from '@cdktf/provider-aws/lib/api-gateway-stage';
import { Apigatewayv2Api } from '@cdktf/provider-aws/lib/apigatewayv2-api';
import { Apigatewayv2ApiMapping } from '@cdktf/provider-aws/lib/apigatewayv2-api-mapping';
import { Apigatewayv2Authorizer } from '@cdktf/provider-aws/lib/apigatewayv2-authorizer';
import { Apigatewayv2DomainName } from '@cdktf/provider-aws/lib/apigatewayv2-domain-name';
import { Apigatewayv2Integration } from '@cdktf/provider-aws/lib/apigatewayv2-integration';
import { Apigatewayv2Route } from '@cdktf/provider-aws/lib/apigatewayv2-route';
import { Apigatewayv2Stage } from '@cdktf/provider-aws/lib/apigatewayv2-stage';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { Construct, Fn, Lazy } from '../../core/cdktf';
import { LambdaFunction } from '../../core/lambda-function';
import { roleNameOf } from '../../core/sbt-stack';
import { exactForEveryScopeSet, type RouteScopes } from '../../contracts/route-scope-policy';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface ControlPlaneApiProps {
  /** API name (include the name prefix). */
  readonly name: string;
  /** Description of the API. @default 'SaaS control plane API' */
  readonly description?: string;
  /**
   * JWT issuer and audiences for the authorizer (from IAuth); `jwksUri` is used by the private REST API's
   * token authorizer for non-Cognito issuers. @default no authorizer: only public routes allowed
   */
  readonly jwt?: { readonly issuer: string; readonly audience: string[]; readonly jwksUri?: string };
  /**
   * Browser origins allowed by CORS (e.g. the admin console); empty turns CORS off.
   * @default ['*'] — what SBT's handlers answer (`Access-Control-Allow-Origin: *`); tokens travel in the
   * Authorization header, never in cookies, so `*` exposes nothing a token does not already grant
   */
  readonly corsAllowOrigins?: string[];
  /** Request headers browsers may send. @default authorization, content-type, idempotency-key (our retry-safe POSTs) */
  readonly corsAllowHeaders?: string[];
  /** Methods browsers may use. @default GET, POST, PUT, PATCH, DELETE, OPTIONS */
  readonly corsAllowMethods?: string[];
  /** Seconds browsers may cache a preflight answer. @default 300 */
  readonly corsMaxAge?: number;
  /** Allow credentials (cookies) cross-origin; not with origin `*`. @default false */
  readonly corsAllowCredentials?: boolean;
  /** Response headers scripts may read. @default none */
  readonly corsExposeHeaders?: string[];
  /** Steady-state requests/s for the whole stage. @default 100 */
  readonly throttlingRateLimit?: number;
  /** Burst for the whole stage. @default 200 */
  readonly throttlingBurstLimit?: number;
  /** Access-log retention in days; 0 turns access logging off. @default 30 */
  readonly accessLogRetentionInDays?: number;
  /**
   * Custom domain (public HTTP API only): an ACM certificate in the API's region covering `domainName`.
   * Point a CNAME/alias at output `targetDomainName`. @default the execute-api URL only
   */
  readonly domain?: { readonly domainName: string; readonly certificateArn: string; readonly disableExecuteApiEndpoint?: boolean };
  /**
   * Make the API reachable only through the given interface VPC endpoints (com.amazonaws.<region>.execute-api)
   * — SBT #219. HTTP APIs (v2) cannot be private, so this builds the same routes as a **REST API** with a
   * PRIVATE endpoint and a resource policy that denies every request not coming through those endpoints;
   * authorization is a Cognito user-pool authorizer with the same per-route scopes when the IAuth has a
   * `userPoolArn`, else a Lambda token authorizer (jose: JWKS signature, issuer, audience, per-route scope). Trade-offs: REST APIs cost more per request (~3.5× HTTP APIs), add ~10–20 ms latency,
   * and EventBridge API destinations cannot reach them (our job results use rules → Lambda, so nothing
   * here needs that). @default public HTTP API
   */
  readonly private?: { readonly vpcEndpointIds: string[] };
  /** Cognito user pool ARN, used as authorizer when `private` is set. @default none */
  readonly cognitoUserPoolArn?: string;
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

/** SBT's handlers answer every origin (`Access-Control-Allow-Origin: *`). */
export const DEFAULT_CORS_ORIGINS = ['*'];
/** Headers our clients send: the bearer token, JSON bodies and Idempotency-Key (retry-safe POSTs). */
export const DEFAULT_CORS_HEADERS = ['authorization', 'content-type', 'idempotency-key'];

/**
 * The control plane's HTTP API (API Gateway v2): `$default` stage with auto-deploy, JSON access logs,
 * stage throttling, optional CORS, one JWT authorizer. Every route is authorized and scoped unless it is
 * explicitly public with a reason — the route table in `routes` is what synth tests and docs read.
 */
export class ControlPlaneApi extends Construct {
  /** The HTTP API (absent when `private`: see `restApi`). */
  readonly api?: Apigatewayv2Api;
  readonly stage?: Apigatewayv2Stage;
  readonly authorizer?: Apigatewayv2Authorizer;
  /** Custom domain, when `domain` is given. */
  readonly domainName?: Apigatewayv2DomainName;
  /** The private REST API, when `private` is given. */
  readonly restApi?: ApiGatewayRestApi;
  readonly restStage?: ApiGatewayStage;
  readonly restAuthorizer?: ApiGatewayAuthorizer;
  /** Token authorizer function of the private REST API with a non-Cognito issuer. */
  readonly authorizerFunction?: LambdaFunction;
  readonly isPrivate: boolean;
  readonly routes: RouteRecord[] = [];
  private readonly integrations = new Map<LambdaFunction, Apigatewayv2Integration>();
  private readonly permitted = new Set<LambdaFunction>();
  private readonly restResources = new Map<string, ApiGatewayResource>();
  private restDeployment?: ApiGatewayDeployment;

  constructor(scope: Construct, id: string, props: ControlPlaneApiProps) {
    super(scope, id);
    this.isPrivate = !!props.private;
    if (props.private) {
      if (props.domain) throw new Error(`${this.node.path}: 'domain' is for the public HTTP API; a private API is reached through its VPC endpoint`);
      this.buildRestApi(props);
      return;
    }
    this.api = new Apigatewayv2Api(this, 'api', {
      name: props.name,
      protocolType: 'HTTP',
      description: props.description ?? 'SaaS control plane API',
      disableExecuteApiEndpoint: props.domain?.disableExecuteApiEndpoint,
      corsConfiguration: (props.corsAllowOrigins ?? DEFAULT_CORS_ORIGINS).length
        ? {
            allowOrigins: props.corsAllowOrigins ?? DEFAULT_CORS_ORIGINS,
            allowMethods: props.corsAllowMethods ?? ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
            allowHeaders: props.corsAllowHeaders ?? DEFAULT_CORS_HEADERS,
            maxAge: props.corsMaxAge ?? 300,
            allowCredentials: props.corsAllowCredentials,
            exposeHeaders: props.corsExposeHeaders,
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
    if (props.domain) {
      this.domainName = new Apigatewayv2DomainName(this, 'domain', {
        domainName: props.domain.domainName,
        domainNameConfiguration: { certificateArn: props.domain.certificateArn, endpointType: 'REGIONAL', securityPolicy: 'TLS_1_2' },
      });
      new Apigatewayv2ApiMapping(this, 'domain-mapping', { apiId: this.api.id, domainName: this.domainName.id, stage: this.stage.id });
    }
  }

  /** The private variant: REST API, PRIVATE endpoint, VPC-endpoint-only resource policy, Cognito authorizer. */
  private buildRestApi(props: ControlPlaneApiProps): void {
    const vpce = props.private!.vpcEndpointIds;
    if (!vpce.length) throw new Error(`${this.node.path}: private needs at least one VPC endpoint id`);
    const rest = new ApiGatewayRestApi(this, 'rest-api', {
      name: props.name,
      description: 'SaaS control plane API (private)',
      endpointConfiguration: { types: ['PRIVATE'], vpcEndpointIds: vpce },
    });
    (this as { restApi?: ApiGatewayRestApi }).restApi = rest;
    new ApiGatewayRestApiPolicy(this, 'rest-api-policy', {
      restApiId: rest.id,
      policy: Fn.jsonencode({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: '*', Action: 'execute-api:Invoke', Resource: `${rest.executionArn}/*` },
          {
            Effect: 'Deny',
            Principal: '*',
            Action: 'execute-api:Invoke',
            Resource: `${rest.executionArn}/*`,
            Condition: { StringNotEquals: { 'aws:SourceVpce': vpce } },
          },
        ],
      }),
    });
    if (props.cognitoUserPoolArn) {
      (this as { restAuthorizer?: ApiGatewayAuthorizer }).restAuthorizer = new ApiGatewayAuthorizer(this, 'rest-authorizer', {
        name: 'cognito',
        restApiId: rest.id,
        type: 'COGNITO_USER_POOLS',
        providerArns: [props.cognitoUserPoolArn],
        identitySource: 'method.request.header.Authorization',
      });
    } else if (props.jwt) {
      // REST APIs validate only Cognito JWTs natively; any other issuer goes through our token authorizer.
      const fn = new LambdaFunction(this, 'authorizer', {
        archive: 'control-plane-authorizer-authorize',
        functionName: `${props.name}-authorizer`,
        description: 'JWT (JWKS) + per-route scope authorizer of the private control-plane API',
        timeout: 10,
        environment: {
          JWT_ISSUER: props.jwt.issuer,
          JWT_AUDIENCE: JSON.stringify(props.jwt.audience),
          JWKS_URI: props.jwt.jwksUri ?? `${props.jwt.issuer.replace(/\/$/, '')}/.well-known/jwks.json`,
        },
      });
      (this as { authorizerFunction?: LambdaFunction }).authorizerFunction = fn;
      // The route → scope table is only complete at synth time. A route with several scopes accepts any
      // one of them (as the HTTP API's JWT authorizer does).
      const routeScopes = (): RouteScopes =>
        Object.fromEntries(
          this.routes.filter((r) => r.authorization === 'jwt').map((r) => [`${r.method} ${r.path}`, r.scopes.length === 1 ? r.scopes[0] : r.scopes]),
        );
      fn.addEnvironment('ROUTE_SCOPES', Lazy.stringValue({ produce: () => JSON.stringify(routeScopes()) }));
      // Cached policies must be exact for every scope set (execute-api's `*` spans `/`); a route table where
      // that is impossible gets per-request answers, and then the cache must be off.
      const exact = (): boolean => exactForEveryScopeSet(routeScopes());
      fn.addEnvironment('POLICY_MODE', Lazy.stringValue({ produce: () => (exact() ? 'cached' : 'per-request') }));
      fn.allowInvokeFrom('allow-api-authorizer', 'apigateway.amazonaws.com', `${rest.executionArn}/authorizers/*`);
      (this as { restAuthorizer?: ApiGatewayAuthorizer }).restAuthorizer = new ApiGatewayAuthorizer(this, 'rest-authorizer', {
        name: 'jwt',
        restApiId: rest.id,
        type: 'TOKEN',
        authorizerUri: fn.invokeArn,
        identitySource: 'method.request.header.Authorization',
        authorizerResultTtlInSeconds: Lazy.numberValue({ produce: () => (exactForEveryScopeSet(routeScopes()) ? 300 : 0) }),
      });
    }
    // Redeploy whenever the route table changes (a REST API serves a snapshot, unlike HTTP API auto-deploy).
    this.restDeployment = new ApiGatewayDeployment(this, 'rest-deployment', {
      restApiId: rest.id,
      triggers: { redeployment: Lazy.stringValue({ produce: () => createHash('sha1').update(JSON.stringify(this.routes)).digest('hex') }) },
      lifecycle: { createBeforeDestroy: true },
    });
    const retention = props.accessLogRetentionInDays ?? 30;
    const accessLogs =
      retention > 0
        ? new CloudwatchLogGroup(this, 'access-logs', { name: `/aws/vendedlogs/apigateway/${props.name}`, retentionInDays: retention })
        : undefined;
    const stage = new ApiGatewayStage(this, 'rest-stage', {
      restApiId: rest.id,
      deploymentId: this.restDeployment.id,
      stageName: 'v1',
      accessLogSettings: accessLogs
        ? {
            destinationArn: accessLogs.arn,
            format: JSON.stringify({
              requestId: '$context.requestId',
              ip: '$context.identity.sourceIp',
              vpce: '$context.identity.vpceId',
              requestTime: '$context.requestTime',
              httpMethod: '$context.httpMethod',
              resourcePath: '$context.resourcePath',
              status: '$context.status',
              principal: '$context.authorizer.claims.sub',
            }),
          }
        : undefined,
    });
    (this as { restStage?: ApiGatewayStage }).restStage = stage;
    new ApiGatewayMethodSettings(this, 'rest-throttling', {
      restApiId: rest.id,
      stageName: stage.stageName,
      methodPath: '*/*',
      settings: { throttlingRateLimit: props.throttlingRateLimit ?? 100, throttlingBurstLimit: props.throttlingBurstLimit ?? 200 },
    });
  }

  /**
   * Base URL of the API (no trailing slash). Private: the private-DNS URL
   * `https://<id>.execute-api.<region>.amazonaws.com/v1`, resolvable inside the VPC.
   */
  get url(): string {
    if (this.restStage) return this.restStage.invokeUrl;
    if (this.domainName) return `https://${this.domainName.domainName}`;
    return this.api!.apiEndpoint;
  }
  get apiId(): string {
    return this.restApi ? this.restApi.id : this.api!.id;
  }
  get executionArn(): string {
    return this.restApi ? this.restApi.executionArn : this.api!.executionArn;
  }
  /** DNS target for the custom domain (CNAME / alias), when `domain` is given. */
  get domainTarget(): string | undefined {
    return this.domainName?.domainNameConfiguration.targetDomainName;
  }

  addRoute(o: RouteOptions): Apigatewayv2Route | ApiGatewayMethod {
    const authorization = o.authorization ?? 'jwt';
    if (!o.path.startsWith('/')) throw new Error(`route path '${o.path}' must start with '/'`);
    if (authorization === 'none' && !o.publicReason) {
      throw new Error(`route ${o.method} ${o.path} is public: give publicReason (it is documented in the route table)`);
    }
    if (authorization === 'jwt' && !this.authorizer && !this.restAuthorizer) {
      throw new Error(
        this.isPrivate
          ? `route ${o.method} ${o.path}: the private API needs the jwt prop (issuer/audience) or cognitoUserPoolArn`
          : `route ${o.method} ${o.path} needs the JWT authorizer: give ControlPlaneApi the jwt prop`,
      );
    }
    if (authorization === 'jwt' && !o.scopes?.length) {
      throw new Error(`route ${o.method} ${o.path} has no scope: every authorized route names the scope it needs`);
    }
    if (this.routes.some((r) => r.method === o.method && r.path === o.path)) {
      throw new Error(`route ${o.method} ${o.path} is defined twice`);
    }
    if (this.restApi) return this.addRestRoute(o, authorization);
    const integration = this.integrationFor(o.handler);
    const id = `route-${o.method}-${o.path}`.replace(/[^a-zA-Z0-9-]/g, '_');
    const route = new Apigatewayv2Route(this, id, {
      apiId: this.api!.id,
      routeKey: `${o.method} ${o.path}`,
      target: `integrations/${integration.id}`,
      authorizationType: authorization === 'jwt' ? 'JWT' : 'NONE',
      authorizerId: authorization === 'jwt' ? this.authorizer!.id : undefined,
      authorizationScopes: authorization === 'jwt' ? o.scopes : undefined,
    });
    this.record(o, authorization);
    return route;
  }

  private record(o: RouteOptions, authorization: 'jwt' | 'none'): void {
    this.routes.push({
      method: o.method,
      path: o.path,
      authorization,
      scopes: o.scopes ?? [],
      publicReason: o.publicReason,
      functionName: o.handler.node.path,
    });
  }

  private restResourceFor(path: string): string {
    const rest = this.restApi!;
    if (path === '/') return rest.rootResourceId;
    const existing = this.restResources.get(path);
    if (existing) return existing.id;
    const parent = path.slice(0, path.lastIndexOf('/')) || '/';
    const res = new ApiGatewayResource(this, `resource-${path}`.replace(/[^a-zA-Z0-9-]/g, '_'), {
      restApiId: rest.id,
      parentId: this.restResourceFor(parent),
      pathPart: path.slice(path.lastIndexOf('/') + 1),
    });
    this.restResources.set(path, res);
    return res.id;
  }

  private addRestRoute(o: RouteOptions, authorization: 'jwt' | 'none'): ApiGatewayMethod {
    const rest = this.restApi!;
    const id = `method-${o.method}-${o.path}`.replace(/[^a-zA-Z0-9-]/g, '_');
    const method = new ApiGatewayMethod(this, id, {
      restApiId: rest.id,
      resourceId: this.restResourceFor(o.path),
      httpMethod: o.method,
      authorization: authorization === 'jwt' ? (this.authorizerFunction ? 'CUSTOM' : 'COGNITO_USER_POOLS') : 'NONE',
      authorizerId: authorization === 'jwt' ? this.restAuthorizer!.id : undefined,
      // Cognito checks scopes itself; the token authorizer checks them from ROUTE_SCOPES.
      authorizationScopes: authorization === 'jwt' && !this.authorizerFunction ? o.scopes : undefined,
    });
    const integration = new ApiGatewayIntegration(this, `${id}-integration`, {
      restApiId: rest.id,
      resourceId: method.resourceId,
      httpMethod: method.httpMethod,
      type: 'AWS_PROXY',
      integrationHttpMethod: 'POST',
      uri: o.handler.invokeArn,
      timeoutMilliseconds: 29000,
    });
    this.restDeployment!.dependsOn = [...(this.restDeployment!.dependsOn ?? []), method.fqn, integration.fqn];
    if (!this.permitted.has(o.handler)) {
      o.handler.allowInvokeFrom(`allow-${this.node.id}`, 'apigateway.amazonaws.com', `${rest.executionArn}/*/*`);
      this.permitted.add(o.handler);
    }
    this.record(o, authorization);
    return method;
  }

  private integrationFor(fn: LambdaFunction): Apigatewayv2Integration {
    let integ = this.integrations.get(fn);
    if (!integ) {
      // Named after the function (its path below the stack), not a counter: the address stays put when routes move.
      integ = new Apigatewayv2Integration(this, `integration-${roleNameOf(fn)}`, {
        apiId: this.api!.id,
        integrationType: 'AWS_PROXY',
        integrationUri: fn.invokeArn,
        payloadFormatVersion: '2.0',
        timeoutMilliseconds: 29000,
      });
      fn.allowInvokeFrom(`allow-${this.node.id}`, 'apigateway.amazonaws.com', `${this.api!.executionArn}/*/*`);
      this.integrations.set(fn, integ);
    }
    return integ;
  }
}
