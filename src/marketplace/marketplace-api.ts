import { Apigatewayv2Api } from '@cdktf/provider-aws/lib/apigatewayv2-api';
import { Apigatewayv2Authorizer } from '@cdktf/provider-aws/lib/apigatewayv2-authorizer';
import { Apigatewayv2Integration } from '@cdktf/provider-aws/lib/apigatewayv2-integration';
import { Apigatewayv2Route } from '@cdktf/provider-aws/lib/apigatewayv2-route';
import { Apigatewayv2Stage } from '@cdktf/provider-aws/lib/apigatewayv2-stage';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { Construct } from '../core/cdktf';
import type { LambdaFunction } from '../core/lambda-function';

export interface MarketplaceApiProps {
  /** API name (include the name prefix). */
  readonly name: string;
  /** JWT authorizer for the admin routes. @default none (admin routes cannot be added) */
  readonly jwt?: { readonly issuer: string; readonly audience: string[] };
  /** Steady-state requests/s of the stage (the registration endpoint is public). @default 50 */
  readonly throttlingRateLimit?: number;
  /** @default 100 */
  readonly throttlingBurstLimit?: number;
  /**
   * Browser origins allowed to POST /register (only for a registration page on another origin — the built-in page
   * is served on the same CloudFront host, so it needs none). @default CORS off
   */
  readonly corsAllowOrigins?: string[];
  /** Access-log retention in days. @default 30 */
  readonly accessLogRetentionInDays?: number;
}

export interface MarketplaceRoute {
  readonly method: 'GET' | 'POST' | 'DELETE';
  readonly path: string;
  readonly handler: LambdaFunction;
  /** Required OAuth scope; omit only with `publicReason`. */
  readonly scope?: string;
  readonly publicReason?: string;
}

/**
 * The marketplace stack's own small HTTP API: public registration routes (Marketplace and the buyer's browser
 * carry no token) and JWT-scoped admin routes. Kept separate from the control-plane API so the marketplace module
 * deploys on its own (another account or region) and its public surface is exactly two routes.
 */
export class MarketplaceApi extends Construct {
  readonly api: Apigatewayv2Api;
  readonly stage: Apigatewayv2Stage;
  readonly authorizer?: Apigatewayv2Authorizer;
  readonly routes: { method: string; path: string; scope?: string; publicReason?: string }[] = [];
  private readonly integrations = new Map<LambdaFunction, Apigatewayv2Integration>();

  constructor(scope: Construct, id: string, props: MarketplaceApiProps) {
    super(scope, id);
    this.api = new Apigatewayv2Api(this, 'api', {
      name: props.name,
      protocolType: 'HTTP',
      description: 'AWS Marketplace registration and subscriber admin',
      corsConfiguration: props.corsAllowOrigins?.length
        ? { allowOrigins: props.corsAllowOrigins, allowMethods: ['POST', 'OPTIONS'], allowHeaders: ['content-type'], maxAge: 300 }
        : undefined,
    });
    const logs = new CloudwatchLogGroup(this, 'access-logs', {
      name: `/aws/vendedlogs/apigateway/${props.name}`,
      retentionInDays: props.accessLogRetentionInDays ?? 30,
    });
    this.stage = new Apigatewayv2Stage(this, 'stage', {
      apiId: this.api.id,
      name: '$default',
      autoDeploy: true,
      defaultRouteSettings: { throttlingRateLimit: props.throttlingRateLimit ?? 50, throttlingBurstLimit: props.throttlingBurstLimit ?? 100 },
      accessLogSettings: {
        destinationArn: logs.arn,
        format: JSON.stringify({
          requestId: '$context.requestId',
          ip: '$context.identity.sourceIp',
          routeKey: '$context.routeKey',
          status: '$context.status',
          integrationError: '$context.integrationErrorMessage',
        }),
      },
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

  get url(): string {
    return this.api.apiEndpoint;
  }

  addRoute(r: MarketplaceRoute): void {
    if (!r.scope && !r.publicReason) throw new Error(`route ${r.method} ${r.path}: give a scope, or publicReason for a public route`);
    if (r.scope && !this.authorizer) throw new Error(`route ${r.method} ${r.path} needs the JWT authorizer (jwt prop)`);
    let integ = this.integrations.get(r.handler);
    if (!integ) {
      integ = new Apigatewayv2Integration(this, `integration-${this.integrations.size}`, {
        apiId: this.api.id,
        integrationType: 'AWS_PROXY',
        integrationUri: r.handler.invokeArn,
        payloadFormatVersion: '2.0',
        timeoutMilliseconds: 29000,
      });
      r.handler.allowInvokeFrom(`allow-api-${this.node.addr.slice(0, 8)}`, 'apigateway.amazonaws.com', `${this.api.executionArn}/*/*`);
      this.integrations.set(r.handler, integ);
    }
    new Apigatewayv2Route(this, `route-${r.method}-${r.path}`.replace(/[^a-zA-Z0-9-]/g, '_'), {
      apiId: this.api.id,
      routeKey: `${r.method} ${r.path}`,
      target: `integrations/${integ.id}`,
      authorizationType: r.scope ? 'JWT' : 'NONE',
      authorizerId: r.scope ? this.authorizer!.id : undefined,
      authorizationScopes: r.scope ? [r.scope] : undefined,
    });
    this.routes.push({ method: r.method, path: r.path, scope: r.scope, publicReason: r.publicReason });
  }
}
