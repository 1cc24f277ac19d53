/** Who is calling: an id that owns data, and what the credential said about them. */
export interface Principal {
  id: string;
  /** JWT or introspection claims; `{}` for static credentials. */
  claims: Record<string, unknown>;
}

/** With auth `none`, everything belongs to this one principal. */
export const ANONYMOUS: Principal = Object.freeze({ id: 'anonymous', claims: Object.freeze({}) });

/** What an authenticator reads from a request. */
export type RequestHeaders = Record<string, string | string[] | undefined>;

/** The auth strategies the info endpoint can advertise (spec: `AuthInfo.schemes`). */
export type AuthScheme = 'none' | 'api_key' | 'basic' | 'bearer' | 'jwt' | 'oauth2';

/** Options every strategy shares. */
export interface CommonAuthOptions {
  /**
   * The realm in `WWW-Authenticate` challenges.
   * @default 'agent'
   */
  realm?: string;
  /** Where a client obtains credentials; advertised by the info endpoint. */
  credentialsUrl?: string;
  /** Words for humans about how to authenticate; advertised by the info endpoint. */
  description?: string;
  /**
   * Most steps one principal may run at once; more get 429 with `Retry-After`. Off when unset.
   * (Seed 003's "one task running per token".)
   */
  maxConcurrentStepsPerPrincipal?: number;
}

/** A map from secret (key, token) to the principal id it authenticates. */
export type CredentialMap = Record<string, string>;

export interface ApiKeyAuthOptions extends CommonAuthOptions {
  strategy: 'api_key';
  keys: CredentialMap;
  /**
   * The header carrying the key (`Authorization: ApiKey <key>` is accepted too).
   * @default 'x-api-key'
   */
  header?: string;
}

export interface BasicAuthOptions extends CommonAuthOptions {
  strategy: 'basic';
  /** `username → { password, principal }`; principal defaults to the username. */
  users: Record<string, { password: string; principal?: string }>;
}

export interface BearerAuthOptions extends CommonAuthOptions {
  strategy: 'bearer';
  tokens: CredentialMap;
}

/** Checks JWTs: signature (a shared secret, a public key or a JWKS URL) and `exp`/`nbf`/`iss`/`aud`. */
export interface JwtVerification {
  /** HS256/384/512 shared secret. */
  secret?: string;
  /** A JWKS URL (RS256, ES256, ...); keys are fetched and cached by `jose`. */
  jwksUrl?: string;
  /** @default ['HS256'] with a secret, ['RS256', 'ES256'] with a JWKS */
  algorithms?: string[];
  issuer?: string;
  audience?: string | string[];
  /**
   * Leeway for `exp` and `nbf`, in seconds.
   * @default 5
   */
  clockToleranceSeconds?: number;
  /**
   * The claim naming the principal.
   * @default 'sub'
   */
  principalClaim?: string;
  /** Scopes (space-separated `scope` claim or `scp` array) every request needs; else 403. */
  requiredScopes?: string[];
}

export interface JwtAuthOptions extends CommonAuthOptions, JwtVerification {
  strategy: 'jwt';
}

/** RFC 7662 token introspection. */
export interface IntrospectionOptions {
  url: string;
  clientId: string;
  clientSecret: string;
  /**
   * How long an answer is reused (never past the token's `exp`).
   * @default 60000
   */
  cacheTtlMs?: number;
}

export interface OAuth2AuthOptions extends CommonAuthOptions {
  strategy: 'oauth2';
  /** Validate access tokens that are JWTs against a JWKS... */
  jwt?: JwtVerification;
  /** ...or ask the authorization server (RFC 7662). */
  introspection?: IntrospectionOptions;
  /** @default 'sub' */
  principalClaim?: string;
  requiredScopes?: string[];
}

export interface CustomAuthOptions extends CommonAuthOptions {
  strategy: 'custom';
  /** The scheme to advertise and challenge with. @default 'bearer' */
  scheme?: Exclude<AuthScheme, 'none'>;
  /**
   * Returns the principal for a request, `null` for missing/invalid credentials (401), or throws
   * an `AgentProtocolError` (e.g. `forbidden`).
   */
  verify(headers: RequestHeaders): Promise<Principal | null> | Principal | null;
}

export interface NoAuthOptions extends CommonAuthOptions {
  strategy: 'none';
}

export type AuthOptions =
  | NoAuthOptions
  | ApiKeyAuthOptions
  | BasicAuthOptions
  | BearerAuthOptions
  | JwtAuthOptions
  | OAuth2AuthOptions
  | CustomAuthOptions;
