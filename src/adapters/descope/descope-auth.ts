import { LambdaInvocation } from '@cdktf/provider-aws/lib/lambda-invocation';
import { Annotations, type Construct, Fn } from '../../core/cdktf';
import { LambdaFunction } from '../../core/lambda-function';
import type { ControlPlaneScopes, CreateAdminUserProps } from '../../control-plane/auth/auth-interface';
import { OidcAuth } from '../../control-plane/auth/oidc-auth';
import { VendorSecret } from '../vendor-secret';

export interface DescopeAuthProps {
  /** Prefix of the resource names (secret, functions). */
  readonly namePrefix: string;
  /** The Descope project id (`P2…`), as in the console's project settings. */
  readonly projectId: string;
  /** Descope's API base URL (a custom domain or a test double elsewhere). @default 'https://api.descope.com' */
  readonly baseUrl?: string;
  /**
   * `iss` of accepted tokens. API Gateway discovers the JWKS at `<issuer>/.well-known/openid-configuration`.
   * @default `<baseUrl>/<projectId>` (Descope's OIDC issuer)
   */
  readonly issuer?: string;
  /** Accepted `aud` values. @default [projectId] (Descope puts the project id in `aud`) */
  readonly audience?: string[];
  /** JWKS URL (verifiers outside API Gateway). @default `<baseUrl>/<projectId>/.well-known/jwks.json` */
  readonly jwksUri?: string;
  /** OAuth token endpoint for machine clients (Descope access keys, client credentials). @default `<baseUrl>/oauth2/v1/token` */
  readonly tokenEndpoint?: string;
  /** Scope names as Descope issues them (configure them as the tokens' `scope` claim). @default tenant/tenant_read … (src/core/scopes.ts) */
  readonly scopes?: Partial<ControlPlaneScopes>;
  /** Client id of the user-facing application, for outputs only. @default the project id */
  readonly userClientId?: string;
  /** Id of the Descope access key machine clients use, for outputs only. @default none */
  readonly machineClientId?: string;
  /**
   * Secret (ARN) holding a Descope management key (plain string) — /users and the admin user are managed
   * with it. @default a new secret `<prefix>-descope-management-key`, whose value you set once
   */
  readonly managementKeySecretArn?: string;
  /** Customer-managed KMS key of the created secret. @default AWS managed key */
  readonly kmsKeyArn?: string;
  /** Descope sends new users (and the admin) an invitation. @default true */
  readonly inviteUsers?: boolean;
  /**
   * Create the system admin in Descope during `terraform apply` (an aws_lambda_invocation calling the
   * management API). Needs the management key before apply, so only with `managementKeySecretArn`.
   * @default true when `managementKeySecretArn` is given, else false (a synth warning says so)
   */
  readonly createAdminUserOnApply?: boolean;
  /** Timeout of the admin-user function in seconds. @default 15 */
  readonly timeout?: number;
}

const URL_RX = /^https?:\/\/[^\s]+$/;

/**
 * IAuth on Descope (entry point `terraform-saas-builder-toolkit/descope`): the control plane's JWT
 * authorizer trusts the Descope project's tokens (issuer, audience, JWKS), routes require the configured
 * scope names, and /users manages the project's users through Descope's management API (`bindUserStore`:
 * the control plane's user function with USER_STORE=descope and the management key from Secrets
 * Manager). See docs/control-plane.md, "Descope".
 */
export class DescopeAuth extends OidcAuth {
  // Always set for Descope (OidcAuth leaves them optional for other issuers).
  declare readonly tokenEndpoint: string;
  declare readonly userClientId: string;
  readonly managementKey: VendorSecret;
  /** The function creating the admin user at apply time, when enabled. */
  adminUserFunction?: LambdaFunction;
  private readonly props: DescopeAuthProps;
  private readonly baseUrl: string;

  constructor(scope: Construct, id: string, props: DescopeAuthProps) {
    // Descope's defaults, all derived from the project: issuer and JWKS under the project, its token endpoint,
    // the project id as audience and user client.
    const baseUrl = (props.baseUrl ?? 'https://api.descope.com').replace(/\/+$/, '');
    super(scope, id, {
      issuer: props.issuer ?? `${baseUrl}/${props.projectId}`,
      audience: props.audience ?? [props.projectId],
      jwksUri: props.jwksUri ?? `${baseUrl}/${props.projectId}/.well-known/jwks.json`,
      tokenEndpoint: props.tokenEndpoint ?? `${baseUrl}/oauth2/v1/token`,
      userClientId: props.userClientId ?? props.projectId,
      machineClientId: props.machineClientId,
      scopes: props.scopes,
    });
    if (!/^[A-Za-z0-9]{1,64}$/.test(props.projectId))
      throw new Error(
        `${this.node.path}: projectId '${props.projectId}' is not a Descope project id (letters and digits)`,
      );
    for (const [name, url] of [
      ['baseUrl', baseUrl],
      ['issuer', props.issuer],
      ['jwksUri', props.jwksUri],
      ['tokenEndpoint', props.tokenEndpoint],
    ] as const) {
      if (url !== undefined && !URL_RX.test(url))
        throw new Error(`${this.node.path}: ${name} '${url}' is not an http(s) URL`);
    }
    if (props.audience && !props.audience.length) throw new Error(`${this.node.path}: audience must not be empty`);
    this.baseUrl = baseUrl;
    this.props = props;
    this.managementKey = new VendorSecret(this, 'management-key', {
      name: `${props.namePrefix}-descope-management-key`,
      description: 'Descope management key (plain string), used by /users and the admin-user creation.',
      existingArn: props.managementKeySecretArn,
      kmsKeyArn: props.kmsKeyArn,
    });
  }

  private descopeEnvironment(): Record<string, string> {
    return {
      DESCOPE_BASE_URL: this.baseUrl,
      DESCOPE_PROJECT_ID: this.props.projectId,
      DESCOPE_MANAGEMENT_KEY_SECRET_ARN: this.managementKey.arn,
      DESCOPE_INVITE: String(this.props.inviteUsers ?? true),
    };
  }

  /** /users is backed by the Descope project: USER_STORE=descope, the management key readable. */
  bindUserStore(fn: LambdaFunction): void {
    fn.addEnvironment('USER_STORE', 'descope');
    for (const [k, v] of Object.entries(this.descopeEnvironment())) fn.addEnvironment(k, v);
    this.managementKey.grantRead(fn);
  }

  /**
   * The system admin as a Descope user, created (invited) during `terraform apply` by a one-shot
   * invocation; an existing user of that login id is left as it is.
   */
  override createAdminUser(scope: Construct, id: string, props: CreateAdminUserProps): void {
    const enabled = this.props.createAdminUserOnApply ?? this.props.managementKeySecretArn !== undefined;
    if (!enabled) {
      Annotations.of(this).addWarning(
        // The name and email are usually Terraform variables (tokens): the message does not quote them.
        'DescopeAuth: the system admin is not created on apply (the management key secret is created empty by this stack). Create the user in Descope, or pass managementKeySecretArn of a secret that holds the key.',
      );
      return;
    }
    this.adminUserFunction ??= (() => {
      const f = new LambdaFunction(this, 'admin-user', {
        archive: 'descope-admin-user',
        functionName: `${this.props.namePrefix}-descope-admin-user`,
        description: 'Descope: create the system admin (invoked once by terraform apply)',
        timeout: this.props.timeout ?? 15,
        environment: { ...this.descopeEnvironment(), POWERTOOLS_SERVICE_NAME: 'descope-auth' },
      });
      this.managementKey.grantRead(f);
      return f;
    })();
    new LambdaInvocation(scope, id, {
      functionName: this.adminUserFunction.functionName,
      input: Fn.jsonencode({ userName: props.name, email: props.email, userRole: props.role }),
      dependsOn: [this.adminUserFunction.resource],
    });
  }
}
