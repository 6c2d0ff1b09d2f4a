import type { Construct } from '../../core/cdktf';
import type { IControlPlaneApi } from './control-plane-api';
import { HttpControlPlaneApi, type HttpControlPlaneApiProps } from './http-control-plane-api';
import { PrivateRestControlPlaneApi } from './private-rest-control-plane-api';

/** Props of {@link createControlPlaneApi}: the HTTP API's, plus the switch to the private REST API. */
export interface ControlPlaneApiProps extends HttpControlPlaneApiProps {
  /**
   * Make the API reachable only through the given interface VPC endpoints (com.amazonaws.<region>.execute-api)
   * — SBT #219: a {@link PrivateRestControlPlaneApi} instead of the {@link HttpControlPlaneApi} (CORS and
   * `domain` are the public API's; see that construct for the trade-offs). @default public HTTP API
   */
  readonly private?: { readonly vpcEndpointIds: string[] };
  /** Cognito user pool ARN, used as authorizer when `private` is set. @default none */
  readonly cognitoUserPoolArn?: string;
}

/**
 * The control-plane API the props ask for: the public HTTP API, or with `private` the private REST API.
 * Both serve the same routes behind {@link IControlPlaneApi}.
 */
export function createControlPlaneApi(scope: Construct, id: string, props: ControlPlaneApiProps): IControlPlaneApi {
  if (!props.private) return new HttpControlPlaneApi(scope, id, props);
  const api = new PrivateRestControlPlaneApi(scope, id, {
    name: props.name,
    description: props.description,
    jwt: props.jwt,
    throttlingRateLimit: props.throttlingRateLimit,
    throttlingBurstLimit: props.throttlingBurstLimit,
    accessLogRetentionInDays: props.accessLogRetentionInDays,
    vpcEndpointIds: props.private.vpcEndpointIds,
    cognitoUserPoolArn: props.cognitoUserPoolArn,
  });
  if (props.domain) {
    api.node.addValidation({
      validate: () => ["'domain' is for the public HTTP API; a private API is reached through its VPC endpoint"],
    });
  }
  return api;
}
