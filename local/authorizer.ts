/**
 * The API's JWT authorizer on loopback, configured from the synthesized `aws_apigatewayv2_authorizer`:
 * a token is accepted when its signature verifies against one of the local issuers' keys, it has not
 * expired, and its `aud` — or, without `aud`, its `client_id` (Cognito access tokens) — is one of the
 * authorizer's audiences (the synthesized client ids, resolved to cognito-local's). Anything else is
 * "no token": 401 on authorized routes, as API Gateway answers.
 *
 * Two issuers are trusted locally:
 * - cognito-local (users signing in, e.g. the tutorial's admin with USER_PASSWORD_AUTH). Its access tokens
 *   carry no resource-server scopes because it runs the pre-token trigger only in its V1 form; the
 *   synthesized V2 pre-token function is invoked here with the user's attributes and its `scopesToAdd`
 *   are added, which is what Cognito does before it signs the token.
 * - the runtime's own RS256 issuer, which mints the printed admin token and the tokens
 *   `--token` / `POST /_local/token` ask for (`mint`).
 */
import { AdminGetUserCommand, CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { CryptoKey, JWTPayload, JWTVerifyGetKey } from 'jose';

export interface AuthorizerConfig {
  readonly audiences: string[];
  readonly cognito?: { issuer: string; jwksUri: string; endpoint: string; userPoolId: string };
  /** Scopes to add to a cognito-local access token for a user with these attributes (the pre-token trigger). */
  readonly preToken?: (userAttributes: Record<string, string>, scopes: string[]) => Promise<string[]>;
}

export interface MintRequest {
  /** `sub` / `username` of the token. @default 'local-client' for a scopes token */
  readonly user?: string;
  readonly scopes: string[];
  /** Client the token is for (its `client_id`); must be one of the audiences to be accepted. */
  readonly clientId: string;
  /** Extra claims (e.g. `custom:userRole`). */
  readonly claims?: Record<string, unknown>;
  /** @default '12h' */
  readonly expiresIn?: string;
}

const LOCAL_ISSUER = 'https://local-idp.sbt.invalid';
const CACHE_LIMIT = 10000;

export class LocalAuthorizer {
  private readonly cache = new Map<string, { claims: Record<string, unknown>; exp: number }>();

  private constructor(
    private readonly cfg: AuthorizerConfig,
    private readonly privateKey: CryptoKey,
    private readonly localKeys: JWTVerifyGetKey,
    private readonly cognitoKeys: JWTVerifyGetKey | undefined,
    private readonly jose: typeof import('jose'),
  ) {}

  static async create(cfg: AuthorizerConfig): Promise<LocalAuthorizer> {
    const jose = await import('jose');
    const { publicKey, privateKey } = await jose.generateKeyPair('RS256');
    const localKeys = jose.createLocalJWKSet({
      keys: [{ ...(await jose.exportJWK(publicKey)), kid: 'local', alg: 'RS256' }],
    });
    const cognitoKeys = cfg.cognito ? jose.createRemoteJWKSet(new URL(cfg.cognito.jwksUri)) : undefined;
    return new LocalAuthorizer(cfg, privateKey, localKeys, cognitoKeys, jose);
  }

  get localIssuer(): string {
    return LOCAL_ISSUER;
  }

  async mint(r: MintRequest): Promise<string> {
    const sub = r.user ?? r.clientId;
    return new this.jose.SignJWT({
      token_use: 'access',
      scope: r.scopes.join(' '),
      username: sub,
      client_id: r.clientId,
      ...(r.claims ?? {}),
    })
      .setProtectedHeader({ alg: 'RS256', kid: 'local' })
      .setIssuer(LOCAL_ISSUER)
      .setSubject(sub)
      .setIssuedAt()
      .setExpirationTime(r.expiresIn ?? '12h')
      .sign(this.privateKey);
  }

  /**
   * The claims API Gateway would pass to the integration (with `scope` holding the effective scopes), or
   * `undefined` when the token is not accepted. `reason` says why, for the runtime's log.
   */
  async verify(token: string): Promise<{ claims?: Record<string, unknown>; reason?: string }> {
    const key = token; // the token itself: a Map keyed by string is cheaper than hashing per request
    const hit = this.cache.get(key);
    if (hit && hit.exp * 1000 > Date.now()) return { claims: hit.claims };
    let payload: JWTPayload;
    let fromCognito = false;
    try {
      const { iss } = this.jose.decodeJwt(token);
      if (iss === LOCAL_ISSUER) {
        payload = (await this.jose.jwtVerify(token, this.localKeys, { issuer: LOCAL_ISSUER })).payload;
      } else if (this.cfg.cognito && this.cognitoKeys && iss === this.cfg.cognito.issuer) {
        payload = (await this.jose.jwtVerify(token, this.cognitoKeys, { issuer: this.cfg.cognito.issuer })).payload;
        fromCognito = true;
      } else {
        return { reason: `issuer ${JSON.stringify(iss)} is not trusted` };
      }
    } catch (e) {
      return { reason: (e as Error).message };
    }
    const aud = payload.aud ?? (payload.client_id as string | undefined);
    const auds = Array.isArray(aud) ? aud : aud === undefined ? [] : [aud];
    if (!auds.some((a) => this.cfg.audiences.includes(a))) {
      return {
        reason: `audience ${JSON.stringify(aud)} is not one of the authorizer's (${this.cfg.audiences.join(', ')})`,
      };
    }
    const claims = { ...payload } as Record<string, unknown>;
    if (fromCognito && payload.token_use === 'access' && this.cfg.preToken && this.cfg.cognito) {
      const scopes = String(payload.scope ?? '')
        .split(' ')
        .filter(Boolean);
      const attrs = await this.userAttributes(String(payload.username ?? payload.sub));
      const add = await this.cfg.preToken(attrs, scopes);
      claims.scope = [...scopes, ...add.filter((s) => !scopes.includes(s))].join(' ');
    }
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.set(key, { claims, exp: Number(payload.exp ?? 0) });
    return { claims };
  }

  private async userAttributes(userName: string): Promise<Record<string, string>> {
    const c = this.cfg.cognito!;
    const client = new CognitoIdentityProviderClient({ endpoint: c.endpoint });
    try {
      const u = await client.send(new AdminGetUserCommand({ UserPoolId: c.userPoolId, Username: userName }));
      return Object.fromEntries((u.UserAttributes ?? []).map((a) => [a.Name!, a.Value ?? '']));
    } finally {
      client.destroy();
    }
  }
}
