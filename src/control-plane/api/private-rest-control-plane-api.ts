import { ApiGatewayAuthorizer } from '@cdktf/provider-aws/lib/api-gateway-authorizer';
import { ApiGatewayDeployment } from '@cdktf/provider-aws/lib/api-gateway-deployment';
import { ApiGatewayIntegration } from '@cdktf/provider-aws/lib/api-gateway-integration';
import { ApiGatewayMethod } from '@cdktf/provider-aws/lib/api-gateway-method';
import { ApiGatewayMethodSettings } from '@cdktf/provider-aws/lib/api-gateway-method-settings';
import { ApiGatewayResource } from '@cdktf/provider-aws/lib/api-gateway-resource';
import { ApiGatewayRestApi } from '@cdktf/provider-aws/lib/api-gateway-rest-api';
import { ApiGatewayRestApiPolicy } from '@cdktf/provider-aws/lib/api-gateway-rest-api-policy';
import { ApiGatewayStage } from '@cdktf/provider-aws/lib/api-gateway-stage';
import { exactForEveryScopeSet, type RouteScopes } from '../../contracts/route-scope-policy';
import { type Construct, Fn, Lazy } from '../../core/cdktf';
import { digest } from '../../core/file-hashes';
import { LambdaFunction } from '../../core/lambda-function';
import {
  ControlPlaneApiBase,
  type ControlPlaneApiBaseProps,
  DEFAULT_THROTTLING,
  type RouteOptions,
  routeConstructId,
} from './control-plane-api';

export interface PrivateRestControlPlaneApiProps extends ControlPlaneApiBaseProps {
  /** The interface VPC endpoints (com.amazonaws.<region>.execute-api) the API is reachable through; at least one. */
  readonly vpcEndpointIds: string[];
  /**
   * Cognito user pool ARN: a Cognito user-pool authorizer checks tokens and per-route scopes.
   * @default a Lambda token authorizer over `jwt` (JWKS signature, issuer, audience, per-route scope)
   */
  readonly cognitoUserPoolArn?: string;
}

/**
 * The control plane's API reachable only through interface VPC endpoints — SBT #219. HTTP APIs (v2)
 * cannot be private, so this builds the same routes as a **REST API** with a PRIVATE endpoint and a
 * resource policy that denies every request not coming through those endpoints; authorization is a
 * Cognito user-pool authorizer with the same per-route scopes when `cognitoUserPoolArn` is given, else a
 * Lambda token authorizer (jose: JWKS signature, issuer, audience, per-route scope). Trade-offs: REST
 * APIs cost more per request (~3.5× HTTP APIs), add ~10–20 ms latency, and EventBridge API destinations
 * cannot reach them (our job results use rules → Lambda, so nothing here needs that).
 */
export class PrivateRestControlPlaneApi extends ControlPlaneApiBase {
  readonly isPrivate = true;
  readonly restApi: ApiGatewayRestApi;
  readonly restStage: ApiGatewayStage;
  readonly restAuthorizer?: ApiGatewayAuthorizer;
  /** Token authorizer function, when the issuer is not a Cognito user pool. */
  readonly authorizerFunction?: LambdaFunction;
  private readonly restResources = new Map<string, ApiGatewayResource>();
  private readonly restDeployment: ApiGatewayDeployment;
  private readonly permitted = new Set<LambdaFunction>();

  constructor(scope: Construct, id: string, props: PrivateRestControlPlaneApiProps) {
    super(scope, id);
    const vpce = props.vpcEndpointIds;
    if (!vpce.length) this.errors.push('private needs at least one VPC endpoint id');
    const rest = new ApiGatewayRestApi(this, 'rest-api', {
      name: props.name,
      description: props.description ?? 'SaaS control plane API (private)',
      endpointConfiguration: { types: ['PRIVATE'], vpcEndpointIds: vpce },
    });
    this.restApi = rest;
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
      this.restAuthorizer = new ApiGatewayAuthorizer(this, 'rest-authorizer', {
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
      this.authorizerFunction = fn;
      // The route → scope table is only complete at synth time. A route with several scopes accepts any
      // one of them (as the HTTP API's JWT authorizer does).
      const routeScopes = (): RouteScopes =>
        Object.fromEntries(
          this.routes
            .filter((r) => r.authorization === 'jwt')
            .map((r) => [`${r.method} ${r.path}`, r.scopes.length === 1 ? r.scopes[0] : r.scopes]),
        );
      fn.addEnvironment('ROUTE_SCOPES', Lazy.stringValue({ produce: () => JSON.stringify(routeScopes()) }));
      // Cached policies must be exact for every scope set (execute-api's `*` spans `/`); a route table where
      // that is impossible gets per-request answers, and then the cache must be off.
      const exact = (): boolean => exactForEveryScopeSet(routeScopes());
      fn.addEnvironment('POLICY_MODE', Lazy.stringValue({ produce: () => (exact() ? 'cached' : 'per-request') }));
      fn.allowInvokeFrom('allow-api-authorizer', 'apigateway.amazonaws.com', `${rest.executionArn}/authorizers/*`);
      this.restAuthorizer = new ApiGatewayAuthorizer(this, 'rest-authorizer', {
        name: 'jwt',
        restApiId: rest.id,
        type: 'TOKEN',
        authorizerUri: fn.invokeArn,
        identitySource: 'method.request.header.Authorization',
        authorizerResultTtlInSeconds: Lazy.numberValue({ produce: () => (exact() ? 300 : 0) }),
      });
    }
    // Redeploy whenever the route table changes (a REST API serves a snapshot, unlike HTTP API auto-deploy).
    this.restDeployment = new ApiGatewayDeployment(this, 'rest-deployment', {
      restApiId: rest.id,
      triggers: {
        redeployment: Lazy.stringValue({
          produce: () => digest('sha1', JSON.stringify(this.routes), 'hex'),
        }),
      },
      lifecycle: { createBeforeDestroy: true },
    });
    const accessLogs = this.accessLogGroup(props);
    this.restStage = new ApiGatewayStage(this, 'rest-stage', {
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
    new ApiGatewayMethodSettings(this, 'rest-throttling', {
      restApiId: rest.id,
      stageName: this.restStage.stageName,
      methodPath: '*/*',
      settings: {
        throttlingRateLimit: props.throttlingRateLimit ?? DEFAULT_THROTTLING.rate,
        throttlingBurstLimit: props.throttlingBurstLimit ?? DEFAULT_THROTTLING.burst,
      },
    });
  }

  get url(): string {
    return this.restStage.invokeUrl;
  }
  protected get apiResource(): ApiGatewayRestApi {
    return this.restApi;
  }
  get authorizerId(): string | undefined {
    return this.restAuthorizer?.id;
  }

  protected createRoute(o: RouteOptions, authorization: 'jwt' | 'none'): ApiGatewayMethod {
    const rest = this.restApi;
    const id = routeConstructId('method', o);
    const jwt = authorization === 'jwt';
    const method = new ApiGatewayMethod(this, id, {
      restApiId: rest.id,
      resourceId: this.resourceFor(o.path),
      httpMethod: o.method,
      authorization: jwt ? (this.authorizerFunction ? 'CUSTOM' : 'COGNITO_USER_POOLS') : 'NONE',
      authorizerId: jwt ? this.authorizerId : undefined,
      // Cognito checks scopes itself; the token authorizer checks them from ROUTE_SCOPES.
      authorizationScopes: jwt && !this.authorizerFunction ? o.scopes : undefined,
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
    this.restDeployment.dependsOn = [...(this.restDeployment.dependsOn ?? []), method.fqn, integration.fqn];
    if (!this.permitted.has(o.handler)) {
      o.handler.allowInvokeFrom(`allow-${this.node.id}`, 'apigateway.amazonaws.com', `${rest.executionArn}/*/*`);
      this.permitted.add(o.handler);
    }
    return method;
  }

  /** The REST resource of `path`, creating its missing ancestors (REST APIs are a tree of path parts). */
  private resourceFor(path: string): string {
    if (path === '/') return this.restApi.rootResourceId;
    const existing = this.restResources.get(path);
    if (existing) return existing.id;
    const parent = path.slice(0, path.lastIndexOf('/')) || '/';
    const res = new ApiGatewayResource(this, `resource-${path}`.replace(/[^a-zA-Z0-9-]/g, '_'), {
      restApiId: this.restApi.id,
      parentId: this.resourceFor(parent),
      pathPart: path.slice(path.lastIndexOf('/') + 1),
    });
    this.restResources.set(path, res);
    return res.id;
  }
}
