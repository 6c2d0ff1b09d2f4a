import type { Construct } from '../../core/cdktf';
import type { LambdaFunction } from '../../core/lambda-function';
import { SCOPES } from '../../core/scopes';

/** SBT's CreateAdminUserProps. */
export interface CreateAdminUserProps {
  /** User name of the system admin (the tutorial signs in as `admin`). */
  readonly name: string;
  /** Where the temporary password is sent. */
  readonly email: string;
  /** Value of the user's role attribute (`custom:userRole`), e.g. `SystemAdmin`. */
  readonly role: string;
}

/**
 * The scope each group of control-plane routes requires. One vocabulary (src/core/scopes.ts) by default;
 * an external IdP with other scope names maps them here. Every route has exactly one scope — SBT leaves
 * its registration routes without any (its CognitoAuth never sets `*TenantRegistrationScope`).
 */
export interface ControlPlaneScopes {
  /** GET /tenants*, GET /tenant-registrations*, and tenant-config when it is not public. */
  readonly tenantRead: string;
  /** Writes on /tenants* and /tenant-registrations* (create, update, (de)activate, offboard, retry). */
  readonly tenantWrite: string;
  /** GET /users*. */
  readonly userRead: string;
  /** Writes on /users* (create, update, delete, enable, disable). */
  readonly userWrite: string;
}

export const DEFAULT_SCOPES: ControlPlaneScopes = {
  tenantRead: SCOPES.tenantRead,
  tenantWrite: SCOPES.tenantWrite,
  userRead: SCOPES.userRead,
  userWrite: SCOPES.userWrite,
};

/**
 * The identity provider of the control plane (SBT's IAuth, reshaped for Terraform): what the API's JWT
 * authorizer trusts, what scopes routes require, where machine clients get tokens, and how /users is
 * backed. SBT's IAuth also hands over seven user Lambda functions; here the user routes are ours and an
 * IdP only says where users live (`bindUserStore`), so a new IdP is configuration, not code.
 */
export interface IAuth {
  /** `iss` of accepted tokens. */
  readonly jwtIssuer: string;
  /** Accepted `aud` (or Cognito `client_id`) values. */
  readonly jwtAudience: string[];
  /** OpenID discovery document URL. */
  readonly wellKnownEndpointUrl: string;
  /** JWKS URL (for verifiers outside API Gateway, e.g. the local runtime). */
  readonly jwksUri: string;
  /** OAuth token endpoint for machine clients (client credentials). @default none (external IdP without one) */
  readonly tokenEndpoint?: string;
  /** Client id of the admin UI / user-facing client. */
  readonly userClientId?: string;
  /** Client id of the service-to-service client. */
  readonly machineClientId?: string;
  /** Its secret (sensitive; a Terraform expression). */
  readonly machineClientSecret?: string;
  /** `audience` a machine client must request (Auth0-style IdPs, SBT #92). */
  readonly machineClientAudience?: string;
  /** Scope per route group. */
  readonly scopes: ControlPlaneScopes;
  /** Cognito user pool ARN when the IdP is Cognito (lets the private REST API use a user-pool authorizer). */
  readonly userPoolArn?: string;
  /** Creates the system admin user (CognitoAuth: an aws_cognito_user; external IdPs: nothing). */
  createAdminUser(scope: Construct, id: string, props: CreateAdminUserProps): void;
  /**
   * Points the user-management function at this IdP's user directory (environment + least-privilege
   * grants). Absent ⇒ the ControlPlane keeps users in its own DynamoDB user table.
   */
  bindUserStore?(fn: LambdaFunction): void;
}
