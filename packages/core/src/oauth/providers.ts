/**
 * What an agent declares about the third-party services it may ask a user to sign in to
 * (PROTOCOL.md section 10), and the checks made on it before anything is served.
 */

/** A third-party service that speaks OAuth2, declared in `defineAgent({ oauthProviders })`. */
export interface OAuthProvider {
  /**
   * The provider's issuer identifier. Its endpoints are discovered from
   * `<issuer>/.well-known/openid-configuration` (OpenID Connect), else
   * `/.well-known/oauth-authorization-server` (RFC 8414), on first use. Give `issuer`, or both
   * `authorizationEndpoint` and `tokenEndpoint` (with `issuer` too, they win and no discovery
   * happens).
   * @example 'https://accounts.google.com'
   */
  issuer?: string;
  /**
   * The authorization endpoint, for a provider that publishes no discovery document.
   * @example 'https://github.com/login/oauth/authorize'
   */
  authorizationEndpoint?: string;
  /**
   * The token endpoint, for a provider that publishes no discovery document.
   * @example 'https://github.com/login/oauth/access_token'
   */
  tokenEndpoint?: string;
  /** The client id the provider gave this agent. */
  clientId: string;
  /**
   * The client secret the provider gave this agent. Read it from configuration (an environment
   * variable), never write it in code; it is never shown by the info endpoint, logged or sent
   * anywhere but the provider's token endpoint. Absent for a public client (PKCE alone).
   */
  clientSecret?: string;
  /**
   * How the agent authenticates at the token endpoint.
   * @default 'client_secret_basic' with a `clientSecret`, 'none' without
   */
  tokenEndpointAuthMethod?: 'client_secret_basic' | 'client_secret_post' | 'none';
  /**
   * The scopes a sign-in asks for when `ctx.oauth.token` names none; listed by the info endpoint.
   * Add `offline_access` (OpenID Connect) or what the provider needs to issue a refresh token.
   * @default []
   */
  scopes?: string[];
  /** What the agent does with the access, in words for the user; listed by the info endpoint. */
  description?: string;
  /**
   * Extra parameters of the authorization request, for providers that need them.
   * @example { access_type: 'offline', prompt: 'consent' } // Google: a refresh token
   */
  authorizationParams?: Record<string, string>;
  /**
   * The redirect URI registered with the provider: where it sends the browser back. Served at
   * `/ap/v1/agent/oauth/callback` below the agent's mount path.
   * @default `${oauth.redirectBaseUrl}/ap/v1/agent/oauth/callback` (`createAgentProtocol` options)
   */
  redirectUri?: string;
  /**
   * An access token with less than this many seconds left is refreshed (with its refresh token)
   * before `ctx.oauth.token` hands it out, so it does not expire while the agent uses it.
   * @default 30
   */
  refreshMarginSeconds?: number;
  /**
   * Allows `http://` endpoints: a provider on 127.0.0.1 in a test. Never in production: tokens
   * and codes would cross the network in the clear.
   * @default false
   */
  allowInsecureRequests?: boolean;
}

/** The server side of delegated login (`createAgentProtocol({ oauth })`). */
export interface OAuthOptions {
  /**
   * The agent's public base URL: where a user's browser reaches `/ap/v1` (the mount path
   * included, no trailing slash needed). The redirect URI registered with each provider is
   * `<redirectBaseUrl>/ap/v1/agent/oauth/callback`, unless the provider sets its own
   * `redirectUri`. Needed when the agent declares providers without `redirectUri`. The example
   * apps read it from `AGENT_PUBLIC_URL`.
   * @example 'https://agent.example.com' // redirect URI: https://agent.example.com/ap/v1/agent/oauth/callback
   */
  redirectBaseUrl?: string;
  /**
   * How long a sign-in link (an `auth_demands[].authorization_url`) works, in seconds. Pending
   * sign-ins survive a restart until then.
   * @default 600
   */
  loginTtlSeconds?: number;
}

/** A provider name: also the end of the secret key `oauth.<name>` its tokens are stored under. */
export const PROVIDER_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** Where the callback is served, below the mount path. */
export const CALLBACK_PATH = '/ap/v1/agent/oauth/callback';

/** A provider with everything checked and every default applied. */
export interface ResolvedProvider {
  name: string;
  declared: OAuthProvider;
  scopes: string[];
  redirectUri: string;
  refreshMarginMs: number;
}

function url(value: string, what: string, insecure: boolean): URL {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new Error(`${what} is not a URL: '${value}'.`);
  }
  if (parsed.protocol !== 'https:' && !(insecure && parsed.protocol === 'http:')) {
    throw new Error(
      `${what} must be an https URL${insecure ? ' (or http)' : ' (http only with allowInsecureRequests, for tests)'}: '${value}'.`,
    );
  }
  return parsed;
}

/**
 * Checks the declared providers and applies the defaults, so a mistake stops the server at start
 * (naming the provider and the field) instead of failing a user's sign-in later.
 */
export function resolveProviders(
  providers: Record<string, OAuthProvider> | undefined,
  options: OAuthOptions = {},
): Map<string, ResolvedProvider> {
  const resolved = new Map<string, ResolvedProvider>();
  for (const [name, declared] of Object.entries(providers ?? {})) {
    const what = `OAuth provider '${name}'`;
    if (!PROVIDER_NAME.test(name)) {
      throw new Error(`${what}: a name is letters, digits, '_' and '-' (at most 64).`);
    }
    if (!declared.clientId) throw new Error(`${what} needs a clientId.`);
    const insecure = declared.allowInsecureRequests === true;
    if (declared.issuer) url(declared.issuer, `${what}: issuer`, insecure);
    const explicit = declared.authorizationEndpoint || declared.tokenEndpoint;
    if (explicit) {
      if (!declared.authorizationEndpoint || !declared.tokenEndpoint) {
        throw new Error(`${what} needs both authorizationEndpoint and tokenEndpoint, or neither.`);
      }
      url(declared.authorizationEndpoint, `${what}: authorizationEndpoint`, insecure);
      url(declared.tokenEndpoint, `${what}: tokenEndpoint`, insecure);
    } else if (!declared.issuer) {
      throw new Error(`${what} needs an issuer (for discovery) or its two endpoints.`);
    }
    const method = declared.tokenEndpointAuthMethod;
    if (method && method !== 'none' && !declared.clientSecret) {
      throw new Error(`${what}: ${method} needs a clientSecret.`);
    }
    const base = options.redirectBaseUrl?.replace(/\/+$/, '');
    const redirectUri = declared.redirectUri ?? (base ? `${base}${CALLBACK_PATH}` : undefined);
    if (!redirectUri) {
      throw new Error(
        `${what} needs a redirect URI: set oauth.redirectBaseUrl (the agent's public URL, AGENT_PUBLIC_URL in the example apps) or the provider's redirectUri.`,
      );
    }
    // http is fine for a browser coming back to a loopback address (RFC 8252) or in tests.
    const redirect = url(redirectUri, `${what}: redirect URI`, true);
    if (redirect.hash) throw new Error(`${what}: the redirect URI must not have a fragment.`);
    const margin = declared.refreshMarginSeconds ?? 30;
    if (!(margin >= 0)) throw new Error(`${what}: refreshMarginSeconds must be 0 or more.`);
    resolved.set(name, {
      name,
      declared,
      scopes: [...(declared.scopes ?? [])],
      redirectUri,
      refreshMarginMs: margin * 1000,
    });
  }
  return resolved;
}

/** What the info endpoint says about the providers: names, scopes, descriptions; nothing else. */
export function providerInfos(
  providers: Map<string, ResolvedProvider>,
): Record<string, { scopes: string[]; description?: string }> {
  const out: Record<string, { scopes: string[]; description?: string }> = {};
  for (const { name, scopes, declared } of providers.values()) {
    out[name] = declared.description ? { scopes, description: declared.description } : { scopes };
  }
  return out;
}
