/**
 * API Gateway HTTP API's JWT authorizer, configured from the SYNTHESIZED `aws_apigatewayv2_authorizer`
 * (issuer, audience, identity source) instead of values copied into a test. What API Gateway checks
 * (docs: "Controlling access to HTTP APIs with JWT authorizers"):
 *  - the token from the identity source (`Authorization: Bearer <jwt>`), signed by a key of the issuer's
 *    JWKS (here: a local RS256 key standing in for the issuer's), not expired / not before;
 *  - `iss` equals the configured issuer;
 *  - `aud` OR `client_id` (Cognito access tokens have no `aud`) matches one of the configured audiences;
 *  - then the route's `authorization_scopes`: the token's `scope` must contain at least one of them.
 * The first three are `verify()`; the scope check is SynthHarness.request's (it reads the route table).
 * Tokens are signed with node's crypto (RS256); verification is aws-jwt-verify's.
 * Terraform references in the configuration are resolved by `resolve` (e.g. the pool id, the client ids).
 */
import { JwtRsaVerifier } from 'aws-jwt-verify';
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import type { StackJson } from '../../local/stack-json';

export interface AuthorizerConfig {
  issuer: string;
  audience: string[];
  identitySources: string[];
}

/** The single JWT authorizer of an HTTP API stack, its references resolved. */
export function synthesizedAuthorizer(json: StackJson, resolve: (expr: string) => string): AuthorizerConfig {
  const jwt = Object.values(json.resource?.aws_apigatewayv2_authorizer ?? {}).filter(
    (a) => a.authorizer_type === 'JWT',
  );
  if (jwt.length !== 1) throw new Error(`expected one JWT authorizer, found ${jwt.length}`);
  const cfg = jwt[0].jwt_configuration as { issuer: string; audience: string[] };
  const sub = (s: string) => s.replace(/\$\{([^}]+)\}/g, (_, expr: string) => resolve(expr));
  return {
    issuer: sub(cfg.issuer),
    audience: cfg.audience.map(sub),
    identitySources: jwt[0].identity_sources as string[],
  };
}

const b64url = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

export class LocalJwtAuthorizer {
  private readonly verifier;

  private constructor(
    readonly config: AuthorizerConfig,
    private readonly privateKey: KeyObject,
    publicJwk: Record<string, unknown>,
  ) {
    // aws-jwt-verify checks signature, expiry and issuer; the audience rule (aud OR client_id) is API
    // Gateway's, applied in verify().
    this.verifier = JwtRsaVerifier.create({
      issuer: config.issuer,
      audience: null,
      jwksUri: 'https://issuer.invalid/jwks.json',
    });
    this.verifier.cacheJwks({ keys: [{ ...publicJwk, kid: 'issuer-key', alg: 'RS256', use: 'sig', kty: 'RSA' }] });
  }

  static async create(config: AuthorizerConfig): Promise<LocalJwtAuthorizer> {
    if (config.identitySources.join() !== '$request.header.Authorization') {
      throw new Error(`identity source ${config.identitySources.join()} is not emulated`);
    }
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    return new LocalJwtAuthorizer(config, privateKey, publicKey.export({ format: 'jwk' }) as Record<string, unknown>);
  }

  /** A Cognito-style access token: `client_id` (no `aud`) and `scope`. Overrides for forged tokens. */
  async token(o: {
    scopes: string[];
    clientId?: string;
    issuer?: string;
    aud?: string;
    expiresInSeconds?: number;
    claims?: Record<string, unknown>;
  }): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const payload = {
      sub: 'subject',
      iss: o.issuer ?? this.config.issuer,
      client_id: o.clientId ?? this.config.audience[0],
      token_use: 'access',
      scope: o.scopes.join(' '),
      iat: now,
      exp: now + (o.expiresInSeconds ?? 3600),
      ...(o.aud ? { aud: o.aud } : {}),
      ...(o.claims ?? {}),
    };
    const input = `${b64url({ alg: 'RS256', kid: 'issuer-key', typ: 'JWT' })}.${b64url(payload)}`;
    return `${input}.${sign('RSA-SHA256', Buffer.from(input), this.privateKey).toString('base64url')}`;
  }

  /** The verified claims of the request's token, or undefined (API Gateway then answers 401). */
  async verify(headers: Record<string, string | undefined>): Promise<Record<string, unknown> | undefined> {
    const auth = Object.entries(headers).find(([k]) => k.toLowerCase() === 'authorization')?.[1];
    if (!auth?.startsWith('Bearer ')) return undefined;
    let payload: Record<string, unknown>;
    try {
      payload = (await this.verifier.verify(auth.slice(7))) as Record<string, unknown>;
    } catch {
      return undefined;
    }
    const aud =
      payload.aud === undefined ? [] : Array.isArray(payload.aud) ? (payload.aud as string[]) : [String(payload.aud)];
    const clientId = typeof payload.client_id === 'string' ? [payload.client_id] : [];
    if (![...aud, ...clientId].some((a) => this.config.audience.includes(a))) return undefined;
    return payload;
  }
}
