import type { Construct } from '../../core/cdktf';
import type { LambdaFunction } from '../../core/lambda-function';
import { SCOPES } from '../../contracts/scopes';

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
 * The scope each group of control-plane routes requires. One vocabulary (src/contracts/scopes.ts) by default;
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
 * SBT-AWS's IAuth members beyond the ones every IdP here has (seed 000, "IAuth Interface"): per-operation
 * scopes and the seven user functions. An auth plug-in written for SBT (Descope, Auth0…) declares these;
 * implementing ours it may keep them. The scopes map onto `ControlPlaneScopes` (see `scopesOf`); the user
 * functions, when all five routed ones are given, back the /users routes instead of our handler.
 */
export interface SbtAuthMembers {
  readonly fetchTenantRegistrationScope?: string;
  readonly fetchAllTenantRegistrationsScope?: string;
  readonly deleteTenantRegistrationScope?: string;
  readonly createTenantRegistrationScope?: string;
  readonly updateTenantRegistrationScope?: string;
  readonly activateTenantRegistrationScope?: string;
  readonly deactivateTenantRegistrationScope?: string;
  readonly fetchUserScope?: string;
  readonly fetchAllUsersScope?: string;
  readonly deleteUserScope?: string;
  readonly createUserScope?: string;
  readonly updateUserScope?: string;
  readonly disableUserScope?: string;
  readonly enableUserScope?: string;
  /** POST /users. */
  readonly createUserFunction?: LambdaFunction;
  /** GET /users. */
  readonly fetchAllUsersFunction?: LambdaFunction;
  /** GET /users/{userId}. */
  readonly fetchUserFunction?: LambdaFunction;
  /** PUT /users/{userId}. */
  readonly updateUserFunction?: LambdaFunction;
  /** DELETE /users/{userId}. */
  readonly deleteUserFunction?: LambdaFunction;
  /** PUT /users/{userId}/disable (SBT never routed it, #115; we do). */
  readonly disableUserFunction?: LambdaFunction;
  /** PUT /users/{userId}/enable (SBT never routed it, #115; we do). */
  readonly enableUserFunction?: LambdaFunction;
}

/**
 * The identity provider of the control plane (SBT's IAuth, reshaped for Terraform): what the API's JWT
 * authorizer trusts, what scopes routes require, where machine clients get tokens, and how /users is
 * backed. Our own IdPs leave the user routes to our handler and only say where users live
 * (`bindUserStore`); an SBT-style plug-in may instead hand over SBT's user functions (SbtAuthMembers).
 * Required are only what SBT's IAuth requires too (issuer, audience, discovery URL, createAdminUser).
 */
export interface IAuth extends SbtAuthMembers {
  /** `iss` of accepted tokens. */
  readonly jwtIssuer: string;
  /** Accepted `aud` (or Cognito `client_id`) values. */
  readonly jwtAudience: string[];
  /** OpenID discovery document URL. */
  readonly wellKnownEndpointUrl: string;
  /** JWKS URL (for verifiers outside API Gateway, e.g. the local runtime). @default `<jwtIssuer>/.well-known/jwks.json` */
  readonly jwksUri?: string;
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
  /** Scope per route group. @default from SBT's `*Scope` members when set, else DEFAULT_SCOPES (see `scopesOf`) */
  readonly scopes?: ControlPlaneScopes;
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

/**
 * The scopes an IAuth's routes require: its `scopes`, else SBT's per-operation members mapped onto the
 * four route groups (read = fetch…, write = create…, falling back to the other write members), else ours.
 * Every route keeps exactly one scope — SBT leaves unset ones unscoped; we never do.
 */
export function scopesOf(auth: IAuth): ControlPlaneScopes {
  if (auth.scopes) return auth.scopes;
  const first = (...xs: (string | undefined)[]) => xs.find((x) => x !== undefined && x !== '');
  return {
    tenantRead:
      first(auth.fetchAllTenantRegistrationsScope, auth.fetchTenantRegistrationScope) ?? DEFAULT_SCOPES.tenantRead,
    tenantWrite:
      first(
        auth.createTenantRegistrationScope,
        auth.updateTenantRegistrationScope,
        auth.deleteTenantRegistrationScope,
      ) ?? DEFAULT_SCOPES.tenantWrite,
    userRead: first(auth.fetchAllUsersScope, auth.fetchUserScope) ?? DEFAULT_SCOPES.userRead,
    userWrite: first(auth.createUserScope, auth.updateUserScope, auth.deleteUserScope) ?? DEFAULT_SCOPES.userWrite,
  };
}

/** JWKS URL of an IAuth (its own, else the OIDC convention under the issuer). */
export function jwksUriOf(auth: IAuth): string {
  return auth.jwksUri ?? `${auth.jwtIssuer.replace(/\/$/, '')}/.well-known/jwks.json`;
}
