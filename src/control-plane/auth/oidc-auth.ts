import { Construct } from '../../core/cdktf';
import { DEFAULT_SCOPES, type ControlPlaneScopes, type CreateAdminUserProps, type IAuth } from './auth-interface';
import { propsErrors } from '../../core/props-validation';

export interface OidcAuthProps {
  /** Issuer URL exactly as in the tokens' `iss` (e.g. `https://acme.eu.auth0.com/`). */
  readonly issuer: string;
  /** Accepted audiences (`aud`), e.g. the API identifier configured in the IdP. */
  readonly audience: string[];
  /** JWKS URL. @default `<issuer>/.well-known/jwks.json` */
  readonly jwksUri?: string;
  /** Token endpoint for machine clients. @default `<issuer>/oauth/token` is NOT assumed: none */
  readonly tokenEndpoint?: string;
  /** Scope names as the IdP issues them. @default tenant/tenant_read … (src/contracts/scopes.ts) */
  readonly scopes?: Partial<ControlPlaneScopes>;
  /** Client ids, for outputs only. */
  readonly userClientId?: string;
  readonly machineClientId?: string;
  /** Audience a machine client requests (SBT #92). */
  readonly machineClientAudience?: string;
}

/**
 * Any OpenID Connect issuer (Auth0, Descope, Okta, Entra ID, Keycloak…): configuration only. The API's JWT
 * authorizer validates issuer, audience and signature against the issuer's JWKS; routes require the
 * configured scope names. Users are then recorded in the control plane's DynamoDB user table (no
 * `bindUserStore`), and the admin user lives in the IdP (`createAdminUser` does nothing).
 */
export class OidcAuth extends Construct implements IAuth {
  readonly jwtIssuer: string;
  readonly jwtAudience: string[];
  readonly wellKnownEndpointUrl: string;
  readonly jwksUri: string;
  readonly tokenEndpoint?: string;
  readonly userClientId?: string;
  readonly machineClientId?: string;
  readonly machineClientAudience?: string;
  readonly scopes: ControlPlaneScopes;

  constructor(scope: Construct, id: string, props: OidcAuthProps) {
    super(scope, id);
    if (!props.audience.length) propsErrors(this).push('OidcAuth needs at least one audience');
    const base = props.issuer.replace(/\/$/, '');
    this.jwtIssuer = props.issuer;
    this.jwtAudience = props.audience;
    this.wellKnownEndpointUrl = `${base}/.well-known/openid-configuration`;
    this.jwksUri = props.jwksUri ?? `${base}/.well-known/jwks.json`;
    this.tokenEndpoint = props.tokenEndpoint;
    this.userClientId = props.userClientId;
    this.machineClientId = props.machineClientId;
    this.machineClientAudience = props.machineClientAudience;
    this.scopes = { ...DEFAULT_SCOPES, ...(props.scopes ?? {}) };
  }

  createAdminUser(_scope: Construct, _id: string, _props: CreateAdminUserProps): void {
    /* the admin signs in at the external IdP; nothing to create here */
  }
}
