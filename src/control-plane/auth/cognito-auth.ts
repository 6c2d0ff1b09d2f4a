import { CognitoResourceServer } from '@cdktf/provider-aws/lib/cognito-resource-server';
import { CognitoUser } from '@cdktf/provider-aws/lib/cognito-user';
import { CognitoUserPool } from '@cdktf/provider-aws/lib/cognito-user-pool';
import { CognitoUserPoolClient } from '@cdktf/provider-aws/lib/cognito-user-pool-client';
import { CognitoUserPoolDomain } from '@cdktf/provider-aws/lib/cognito-user-pool-domain';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsRegion } from '@cdktf/provider-aws/lib/data-aws-region';
import { Annotations, Construct, Fn } from '../../core/cdktf';
import { namePrefixOf } from '../../core/sbt-stack';
import { LambdaFunction } from '../../core/lambda-function';
import { RESOURCE_SERVERS, SCOPES } from '../../contracts/scopes';
import { DEFAULT_SCOPES, type ControlPlaneScopes, type CreateAdminUserProps, type IAuth } from './auth-interface';

/** Every scope of every resource server (tenant, user, billing, metering). */
export const ALL_SCOPES: string[] = Object.entries(RESOURCE_SERVERS).flatMap(([server, scopes]) =>
  scopes.map((s) => `${server}/${s.name}`),
);

export interface CognitoAuthProps {
  /**
   * Prefix of the pool, clients, trigger function and (by default) the hosted-UI domain.
   * @default the stack's `name_prefix` in an SbtStack, else one made from the stack's name (SBT needed none)
   */
  readonly namePrefix?: string;
  /** Admin UI callback/logout URLs (OAuth code flow). @default ['http://localhost'] (as SBT) */
  readonly callbackUrls?: string[];
  /** SBT's name for a single callback URL (`callbackUrls: [url]`). @default 'http://localhost' */
  readonly controlPlaneCallbackURL?: string;
  /**
   * SBT's switch for Cognito advanced security (#141): true → feature plan PLUS with threat protection
   * ENFORCED; false → ESSENTIALS, threat protection OFF. @default unset: `featurePlan` (ESSENTIALS) — SBT
   * defaults to on, which bills every active user at the PLUS rate; here turning it on is a decision
   */
  readonly enableAdvancedSecurityMode?: boolean;
  /**
   * SBT's "for testing" switch that drops scope checks from the user routes. Not applied: every route
   * keeps its scope, and the pre-token trigger already gives the admin's tokens (InitiateAuth included)
   * every scope, so the tutorial works with checks on. `false` is reported as a synth warning. @default true
   */
  readonly setAPIGWScopes?: boolean;
  /**
   * Hosted-UI / token-endpoint domain prefix (globally unique per region).
   * @default `<namePrefix>-<account id>` (SBT uses `<account>-<construct address>`)
   */
  readonly domainPrefix?: string;
  /**
   * Refuse deleting the user pool (Cognito deletion protection). A boolean or a Terraform bool expression.
   * @default true — SBT's DestroyPolicySetter deletes the pool, and every user with it, on stack delete
   */
  readonly deletionProtection?: boolean | string;
  /**
   * Scopes put into access tokens per `custom:userRole`, by the pre-token-generation trigger. Needed because
   * Cognito puts resource-server scopes only into OAuth-flow tokens; InitiateAuth tokens (the SBT tutorial,
   * most admin consoles) would otherwise be refused by scoped routes.
   * @default { SystemAdmin: every scope of every resource server }
   */
  readonly roleScopes?: Record<string, string[]>;
  /** Scopes the machine (client-credentials) client may request. @default tenant read + write */
  readonly machineClientScopes?: string[];
  /**
   * Cognito feature plan. Access-token customization (the trigger above) needs ESSENTIALS or PLUS; PLUS
   * adds threat protection (SBT's "advanced security", #141). @default 'ESSENTIALS'
   */
  readonly featurePlan?: 'ESSENTIALS' | 'PLUS';
  /** Access-token lifetime in minutes. @default 60 */
  readonly accessTokenValidityMinutes?: number;
}

/**
 * Cognito as the control plane's IdP (SBT's default IAuth): user pool with a `userRole` custom attribute,
 * resource servers `tenant`, `user`, `billing`, `metering` (src/contracts/scopes.ts), a hosted-UI domain (the
 * token endpoint), an admin UI client (no secret; SRP/password + OAuth code flow), a machine client
 * (secret; client credentials only), a pre-token-generation trigger that scopes user access tokens by
 * role, and the system admin as an `aws_cognito_user` (no custom resource Lambda, unlike SBT).
 */
export class CognitoAuth extends Construct implements IAuth {
  readonly userPool: CognitoUserPool;
  readonly userClient: CognitoUserPoolClient;
  readonly machineClient: CognitoUserPoolClient;
  readonly domain: CognitoUserPoolDomain;
  readonly preTokenFunction: LambdaFunction;
  readonly resourceServers: CognitoResourceServer[] = [];
  readonly jwtIssuer: string;
  readonly jwtAudience: string[];
  readonly wellKnownEndpointUrl: string;
  readonly jwksUri: string;
  readonly tokenEndpoint: string;
  readonly userClientId: string;
  readonly machineClientId: string;
  readonly machineClientSecret: string;
  readonly scopes: ControlPlaneScopes = DEFAULT_SCOPES;
  readonly userPoolArn: string;
  readonly roleScopes: Record<string, string[]>;

  constructor(scope: Construct, id: string, props: CognitoAuthProps = {}) {
    super(scope, id);
    const namePrefix = props.namePrefix ?? namePrefixOf(this);
    if (props.setAPIGWScopes === false) {
      Annotations.of(this).addWarning(
        'setAPIGWScopes: false is not applied — every control-plane route keeps its scope (SBT leaves them unchecked). ' +
          "The pre-token trigger puts every scope into the SystemAdmin's tokens, including USER_PASSWORD_AUTH ones, so the tutorial's calls pass.",
      );
    }
    const advanced = props.enableAdvancedSecurityMode;
    const region = new DataAwsRegion(this, 'region').id; // 5.x and 6.x (`.region` is 6.x only)
    const account = new DataAwsCallerIdentity(this, 'account').accountId;
    const callbackUrls =
      props.callbackUrls ?? (props.controlPlaneCallbackURL ? [props.controlPlaneCallbackURL] : ['http://localhost']);
    this.roleScopes = props.roleScopes ?? { SystemAdmin: ALL_SCOPES };

    this.preTokenFunction = new LambdaFunction(this, 'pre-token', {
      archive: 'user-management-pre-token',
      functionName: `${namePrefix}-cognito-pre-token`,
      description: 'Adds role scopes to control-plane access tokens',
      timeout: 5,
      memorySize: 128,
      environment: { ROLE_SCOPES: JSON.stringify(this.roleScopes) },
    });

    const protection = props.deletionProtection ?? true;
    this.userPool = new CognitoUserPool(this, 'user-pool', {
      name: `${namePrefix}-control-plane`,
      userPoolTier: advanced === undefined ? (props.featurePlan ?? 'ESSENTIALS') : advanced ? 'PLUS' : 'ESSENTIALS',
      userPoolAddOns: advanced === undefined ? undefined : { advancedSecurityMode: advanced ? 'ENFORCED' : 'OFF' },
      deletionProtection:
        typeof protection === 'boolean'
          ? protection
            ? 'ACTIVE'
            : 'INACTIVE'
          : Fn.conditional(protection, 'ACTIVE', 'INACTIVE'),
      autoVerifiedAttributes: ['email'],
      mfaConfiguration: 'OPTIONAL',
      softwareTokenMfaConfiguration: { enabled: true },
      passwordPolicy: {
        minimumLength: 8,
        requireLowercase: true,
        requireUppercase: true,
        requireNumbers: true,
        requireSymbols: true,
        temporaryPasswordValidityDays: 7,
      },
      accountRecoverySetting: { recoveryMechanism: [{ name: 'verified_email', priority: 1 }] },
      adminCreateUserConfig: {
        allowAdminCreateUserOnly: true,
        inviteMessageTemplate: {
          emailSubject: 'Your temporary password for control plane UI',
          emailMessage: `Login into control plane UI at ${Fn.element(callbackUrls, 0)} with username {username} and temporary password {####}`,
          smsMessage: 'Your username is {username} and temporary password is {####}',
        },
      },
      schema: [
        {
          name: 'email',
          attributeDataType: 'String',
          required: true,
          mutable: true,
          stringAttributeConstraints: { minLength: '3', maxLength: '256' },
        },
        {
          name: 'userRole',
          attributeDataType: 'String',
          required: false,
          mutable: true,
          stringAttributeConstraints: { minLength: '1', maxLength: '256' },
        },
      ],
      lambdaConfig: {
        preTokenGenerationConfig: { lambdaArn: this.preTokenFunction.functionArn, lambdaVersion: 'V2_0' },
      },
    });
    this.userPoolArn = this.userPool.arn;
    this.preTokenFunction.allowInvokeFrom('allow-cognito', 'cognito-idp.amazonaws.com', this.userPool.arn);

    for (const [identifier, scopes] of Object.entries(RESOURCE_SERVERS)) {
      this.resourceServers.push(
        new CognitoResourceServer(this, `resource-server-${identifier}`, {
          userPoolId: this.userPool.id,
          identifier,
          name: `${identifier} API`,
          scope: scopes.map((s) => ({ scopeName: s.name, scopeDescription: s.description })),
        }),
      );
    }

    this.domain = new CognitoUserPoolDomain(this, 'domain', {
      userPoolId: this.userPool.id,
      domain: props.domainPrefix ?? `${namePrefix}-${account}`,
    });

    const tokenUnits = [{ accessToken: 'minutes', idToken: 'minutes', refreshToken: 'days' }];
    const access = props.accessTokenValidityMinutes ?? 60;
    this.userClient = new CognitoUserPoolClient(this, 'user-client', {
      name: `${namePrefix}-admin-ui`,
      userPoolId: this.userPool.id,
      generateSecret: false,
      explicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      allowedOauthFlowsUserPoolClient: true,
      allowedOauthFlows: ['code'],
      allowedOauthScopes: ['openid', 'email', 'profile', ...ALL_SCOPES],
      callbackUrls,
      logoutUrls: callbackUrls,
      supportedIdentityProviders: ['COGNITO'],
      preventUserExistenceErrors: 'ENABLED',
      enableTokenRevocation: true,
      readAttributes: ['email', 'email_verified', 'custom:userRole'],
      writeAttributes: ['email'],
      accessTokenValidity: access,
      idTokenValidity: access,
      refreshTokenValidity: 30,
      tokenValidityUnits: tokenUnits,
      dependsOn: this.resourceServers,
    });
    this.machineClient = new CognitoUserPoolClient(this, 'machine-client', {
      name: `${namePrefix}-machine`,
      userPoolId: this.userPool.id,
      generateSecret: true,
      allowedOauthFlowsUserPoolClient: true,
      allowedOauthFlows: ['client_credentials'],
      allowedOauthScopes: props.machineClientScopes ?? [SCOPES.tenantRead, SCOPES.tenantWrite],
      supportedIdentityProviders: ['COGNITO'],
      explicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
      accessTokenValidity: access,
      tokenValidityUnits: tokenUnits,
      dependsOn: this.resourceServers,
    });

    this.jwtIssuer = `https://cognito-idp.${region}.amazonaws.com/${this.userPool.id}`;
    // Cognito access tokens carry client_id, not aud; API Gateway's JWT authorizer checks either.
    this.jwtAudience = [this.userClient.id, this.machineClient.id];
    this.wellKnownEndpointUrl = `${this.jwtIssuer}/.well-known/openid-configuration`;
    this.jwksUri = `${this.jwtIssuer}/.well-known/jwks.json`;
    this.tokenEndpoint = `https://${this.domain.domain}.auth.${region}.amazoncognito.com/oauth2/token`;
    this.userClientId = this.userClient.id;
    this.machineClientId = this.machineClient.id;
    this.machineClientSecret = this.machineClient.clientSecret;
  }

  /** The system admin as a Terraform-managed user; Cognito emails the temporary password. */
  createAdminUser(scope: Construct, id: string, props: CreateAdminUserProps): void {
    new CognitoUser(scope, id, {
      userPoolId: this.userPool.id,
      username: props.name,
      desiredDeliveryMediums: ['EMAIL'],
      // Custom attributes are named without the `custom:` prefix here; the provider adds it.
      attributes: { email: props.email, email_verified: 'true', userRole: props.role },
      lifecycle: { ignoreChanges: ['temporary_password', 'password'] },
    });
  }

  /** /users is backed by this pool: USER_STORE=cognito, admin actions on this pool only. */
  bindUserStore(fn: LambdaFunction): void {
    fn.addEnvironment('USER_STORE', 'cognito');
    fn.addEnvironment('USER_POOL_ID', this.userPool.id);
    fn.addToRolePolicy({
      actions: [
        'cognito-idp:AdminCreateUser',
        'cognito-idp:AdminGetUser',
        'cognito-idp:AdminUpdateUserAttributes',
        'cognito-idp:AdminDeleteUser',
        'cognito-idp:AdminEnableUser',
        'cognito-idp:AdminDisableUser',
        'cognito-idp:ListUsers',
      ],
      resources: [this.userPool.arn],
    });
  }
}
