import type { TokenEndpointResponse } from 'oauth4webapi';

/**
 * The tokens of one principal at one provider, stored as that principal's secret under
 * `oauth.<provider>` (sealed like every secret, listed by the secrets endpoint without a value,
 * revoked by deleting it). Secret keys a user stores themselves cannot start with `oauth.` by
 * accident and mean something else: the prefix is this module's, and a client that obtained a
 * token itself may store it there on purpose (the bare access token, or this JSON).
 */
export interface StoredTokens {
  access_token: string;
  refresh_token?: string;
  /** When the access token expires (ISO 8601), when the provider said. */
  expires_at?: string;
  /** The scopes granted, space-separated (RFC 6749), when known. */
  scope?: string;
}

export const OAUTH_SECRET_PREFIX = 'oauth.';

/** The secret key a provider's tokens are stored under. */
export const oauthSecretKey = (provider: string) => `${OAUTH_SECRET_PREFIX}${provider}`;

/**
 * The stored value read back: this module's JSON, or a bare access token a client stored through
 * the secrets endpoint (no refresh token, no expiry known).
 */
export function parseStoredTokens(value: string): StoredTokens | undefined {
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  if (trimmed.startsWith('{')) {
    try {
      const parsed = JSON.parse(trimmed) as Partial<StoredTokens>;
      if (typeof parsed.access_token !== 'string' || parsed.access_token === '') return undefined;
      return {
        access_token: parsed.access_token,
        ...(typeof parsed.refresh_token === 'string' && { refresh_token: parsed.refresh_token }),
        ...(typeof parsed.expires_at === 'string' && { expires_at: parsed.expires_at }),
        ...(typeof parsed.scope === 'string' && { scope: parsed.scope }),
      };
    } catch {
      return undefined;
    }
  }
  return { access_token: trimmed };
}

/**
 * What a token endpoint answered, as stored. A refresh that returns no new refresh token keeps
 * the previous one; a response without `scope` means what was asked for was granted (RFC 6749
 * section 5.1).
 */
export function tokensFrom(
  response: TokenEndpointResponse,
  asked: string[],
  previous?: StoredTokens,
): StoredTokens {
  const refresh = response.refresh_token ?? previous?.refresh_token;
  const scope =
    response.scope ?? previous?.scope ?? (asked.length > 0 ? asked.join(' ') : undefined);
  return {
    access_token: response.access_token,
    ...(refresh && { refresh_token: refresh }),
    ...(typeof response.expires_in === 'number' && {
      expires_at: new Date(Date.now() + response.expires_in * 1000).toISOString(),
    }),
    ...(scope && { scope }),
  };
}

/** Whether the access token expires within `marginMs` (never, when no expiry is known). */
export function expiresSoon(tokens: StoredTokens, marginMs: number, now = Date.now()): boolean {
  if (!tokens.expires_at) return false;
  const at = Date.parse(tokens.expires_at);
  return Number.isNaN(at) || at - marginMs <= now;
}

/**
 * Whether the tokens were granted every scope in `wanted`. Unknown grants (a token a client
 * stored, a provider that does not say) count as granted. `offline_access` asks for a refresh
 * token rather than access, and providers leave it out of the granted scope.
 */
export function grants(tokens: StoredTokens, wanted: string[]): boolean {
  if (tokens.scope === undefined) return true;
  const granted = new Set(tokens.scope.split(' '));
  return wanted.every((s) => s === 'offline_access' || granted.has(s));
}

/** Every value of the tokens that must never reach a log line. */
export const tokenValues = (tokens: StoredTokens): string[] =>
  [tokens.access_token, tokens.refresh_token].filter((v): v is string => !!v);
