import { Apigatewayv2Api } from '@cdktf/provider-aws/lib/apigatewayv2-api';
import { Apigatewayv2ApiMapping } from '@cdktf/provider-aws/lib/apigatewayv2-api-mapping';
import { Apigatewayv2Authorizer } from '@cdktf/provider-aws/lib/apigatewayv2-authorizer';
import { Apigatewayv2DomainName } from '@cdktf/provider-aws/lib/apigatewayv2-domain-name';
import { Apigatewayv2Integration } from '@cdktf/provider-aws/lib/apigatewayv2-integration';
import { Apigatewayv2Route } from '@cdktf/provider-aws/lib/apigatewayv2-route';
import { Apigatewayv2Stage } from '@cdktf/provider-aws/lib/apigatewayv2-stage';
import type { Construct } from '../../core/cdktf';
import type { LambdaFunction } from '../../core/lambda-function';
import { roleNameOf } from '../../core/sbt-stack';
import {
  ControlPlaneApiBase,
  type ControlPlaneApiBaseProps,
  DEFAULT_CORS_HEADERS,
  DEFAULT_CORS_ORIGINS,
  DEFAULT_THROTTLING,
  type RouteOptions,
  routeConstructId,
} from './control-plane-api';

export interface HttpControlPlaneApiProps extends ControlPlaneApiBaseProps {
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
  /**
   * Custom domain: an ACM certificate in the API's region covering `domainName`.
   * Point a CNAME/alias at output `targetDomainName`. @default the execute-api URL only
   */
  readonly domain?: {
    readonly domainName: string;
    readonly certificateArn: string;
    readonly disableExecuteApiEndpoint?: boolean;
  };
}

/**
 * The control plane's public HTTP API (API Gateway v2): `$default` stage with auto-deploy, JSON access logs,
 * stage throttling, optional CORS, one JWT authorizer, optional custom domain. Every route is authorized
 * and scoped unless it is explicitly public with a reason — the route table in `routes` is what synth
 * tests and docs read.
 */
export class HttpControlPlaneApi extends ControlPlaneApiBase {
  readonly isPrivate = false;
  readonly api: Apigatewayv2Api;
  readonly stage: Apigatewayv2Stage;
  readonly authorizer?: Apigatewayv2Authorizer;
  /** Custom domain, when `domain` is given. */
  readonly domainName?: Apigatewayv2DomainName;
  private readonly integrations = new Map<LambdaFunction, Apigatewayv2Integration>();

  constructor(scope: Construct, id: string, props: HttpControlPlaneApiProps) {
    super(scope, id);
    const origins = props.corsAllowOrigins ?? DEFAULT_CORS_ORIGINS;
    this.api = new Apigatewayv2Api(this, 'api', {
      name: props.name,
      protocolType: 'HTTP',
      description: props.description ?? 'SaaS control plane API',
      disableExecuteApiEndpoint: props.domain?.disableExecuteApiEndpoint,
      corsConfiguration: origins.length
        ? {
            allowOrigins: origins,
            allowMethods: props.corsAllowMethods ?? ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
            allowHeaders: props.corsAllowHeaders ?? DEFAULT_CORS_HEADERS,
            maxAge: props.corsMaxAge ?? 300,
            allowCredentials: props.corsAllowCredentials,
            exposeHeaders: props.corsExposeHeaders,
          }
        : undefined,
    });
    const accessLogs = this.accessLogGroup(props);
    this.stage = new Apigatewayv2Stage(this, 'stage', {
      apiId: this.api.id,
      name: '$default',
      autoDeploy: true,
      defaultRouteSettings: {
        throttlingRateLimit: props.throttlingRateLimit ?? DEFAULT_THROTTLING.rate,
        throttlingBurstLimit: props.throttlingBurstLimit ?? DEFAULT_THROTTLING.burst,
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
        domainNameConfiguration: {
          certificateArn: props.domain.certificateArn,
          endpointType: 'REGIONAL',
          securityPolicy: 'TLS_1_2',
        },
      });
      new Apigatewayv2ApiMapping(this, 'domain-mapping', {
        apiId: this.api.id,
        domainName: this.domainName.id,
        stage: this.stage.id,
      });
    }
  }

  get url(): string {
    return this.domainName ? `https://${this.domainName.domainName}` : this.api.apiEndpoint;
  }
  protected get apiResource(): Apigatewayv2Api {
    return this.api;
  }
  get authorizerId(): string | undefined {
    return this.authorizer?.id;
  }
  override get domainTarget(): string | undefined {
    return this.domainName?.domainNameConfiguration.targetDomainName;
  }

  protected createRoute(o: RouteOptions, authorization: 'jwt' | 'none'): Apigatewayv2Route {
    const integration = this.integrationFor(o.handler);
    const jwt = authorization === 'jwt';
    return new Apigatewayv2Route(this, routeConstructId('route', o), {
      apiId: this.api.id,
      routeKey: `${o.method} ${o.path}`,
      target: `integrations/${integration.id}`,
      authorizationType: jwt ? 'JWT' : 'NONE',
      authorizerId: jwt ? this.authorizerId : undefined,
      authorizationScopes: jwt ? o.scopes : undefined,
    });
  }

  private integrationFor(fn: LambdaFunction): Apigatewayv2Integration {
    let integ = this.integrations.get(fn);
    if (!integ) {
      // Named after the function (its path below the stack), not a counter: the address stays put when routes move.
      integ = new Apigatewayv2Integration(this, `integration-${roleNameOf(fn)}`, {
        apiId: this.api.id,
        integrationType: 'AWS_PROXY',
        integrationUri: fn.invokeArn,
        payloadFormatVersion: '2.0',
        timeoutMilliseconds: 29000,
      });
      fn.allowInvokeFrom(`allow-${this.node.id}`, 'apigateway.amazonaws.com', `${this.api.executionArn}/*/*`);
      this.integrations.set(fn, integ);
    }
    return integ;
  }
}
