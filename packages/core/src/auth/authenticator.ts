import type { Schemas } from '@agent-protocol/spec';
import { AgentProtocolError } from '../errors.js';
import { insufficientScope, unauthorized, type ChallengeScheme } from './challenge.js';
import { SecretTable } from './compare.js';
import { Introspector } from './introspection.js';
import { createJwtVerifier, JwksUnavailable, JwtRejected, scopesOf } from './jwt.js';
import {
  ANONYMOUS,
  type AuthOptions,
  type AuthScheme,
  type Principal,
  type RequestHeaders,
} from './types.js';

/**
 * Turns a request's headers into a principal. `identify` answers `undefined` when no credential
 * was sent (the info endpoint then shows its public part), the principal for a valid one, and
 * throws 401/403 for one that is invalid or not allowed.
 */
export interface Authenticator {
  readonly scheme: AuthScheme;
  identify(headers: RequestHeaders): Promise<Principal | undefined>;
  /** Like `identify`, but a missing credential is a 401 too. */
  require(headers: RequestHeaders): Promise<Principal>;
  /** The spec's `AuthInfo`, for the info endpoint. */
  describe(): Schemas['AuthInfo'];
}

function header(headers: RequestHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** `Authorization: <scheme> <credentials>`, scheme matched case-insensitively. */
function authorization(headers: RequestHeaders, scheme: string): string | undefined {
  const value = header(headers, 'authorization');
  if (!value) return undefined;
  const space = value.indexOf(' ');
  if (space === -1 || value.slice(0, space).toLowerCase() !== scheme.toLowerCase())
    return undefined;
  return value.slice(space + 1).trim();
}

type Check = (headers: RequestHeaders) => Promise<Principal | undefined>;

export function createAuthenticator(options: AuthOptions = { strategy: 'none' }): Authenticator {
  const realm = options.realm ?? 'agent';
  let scheme: AuthScheme;
  let challenge: ChallengeScheme = 'Bearer';
  let check: Check;
  let apiKeyHeader: string | undefined;
  const deny = (sent: boolean, description: string, extra?: Record<string, string>) =>
    unauthorized(challenge, realm, { sent, description, extra });

  // A token we could not check (the JWKS is unreachable) is not an invalid token: a client told
  // `invalid_token` would throw a good one away.
  const rejection = (error: unknown) =>
    error instanceof JwksUnavailable
      ? new AgentProtocolError(
          'unavailable',
          'The signing keys could not be fetched to check the token.',
          {
            cause: error,
          },
        )
      : deny(
          true,
          error instanceof JwtRejected ? error.message : 'the token could not be verified',
        );

  const withScopes = (
    claims: Record<string, unknown>,
    claim: string,
    required?: string[],
  ): Principal => {
    const id = claims[claim];
    if (typeof id !== 'string' || id === '') throw deny(true, `the token has no '${claim}' claim`);
    if (required?.length) {
      const granted = scopesOf(claims);
      const missing = required.filter((s) => !granted.has(s));
      if (missing.length > 0) throw insufficientScope(realm, missing);
    }
    return { id, claims };
  };

  switch (options.strategy) {
    case 'none':
      scheme = 'none';
      check = async () => ANONYMOUS;
      break;
    case 'api_key': {
      scheme = 'api_key';
      challenge = 'ApiKey';
      apiKeyHeader = (options.header ?? 'x-api-key').toLowerCase();
      const keys = new SecretTable(Object.entries(options.keys));
      const headerName = apiKeyHeader;
      check = async (headers) => {
        const key = header(headers, headerName) ?? authorization(headers, 'ApiKey');
        if (key === undefined) return undefined;
        const id = keys.find(key);
        if (!id) throw deny(true, 'the API key is not recognised', { header: headerName });
        return { id, claims: {} };
      };
      break;
    }
    case 'basic': {
      scheme = 'basic';
      challenge = 'Basic';
      const users = new SecretTable(
        Object.entries(options.users).map(([user, { password, principal }]) => [
          `${user}:${password}`,
          principal ?? user,
        ]),
      );
      check = async (headers) => {
        const encoded = authorization(headers, 'Basic');
        if (encoded === undefined) return undefined;
        const decoded = Buffer.from(encoded, 'base64').toString('utf8');
        const id = decoded.includes(':') ? users.find(decoded) : undefined;
        if (!id) throw deny(true, 'the user name or password is wrong');
        return { id, claims: {} };
      };
      break;
    }
    case 'bearer': {
      scheme = 'bearer';
      const tokens = new SecretTable(Object.entries(options.tokens));
      check = async (headers) => {
        const token = authorization(headers, 'Bearer');
        if (token === undefined) return undefined;
        const id = tokens.find(token);
        if (!id) throw deny(true, 'the token is not recognised');
        return { id, claims: {} };
      };
      break;
    }
    case 'jwt': {
      scheme = 'jwt';
      const verifier = createJwtVerifier(options);
      const claim = options.principalClaim ?? 'sub';
      check = async (headers) => {
        const token = authorization(headers, 'Bearer');
        if (token === undefined) return undefined;
        const claims = await verifier.verify(token).catch((error: unknown) => {
          throw rejection(error);
        });
        return withScopes(claims as Record<string, unknown>, claim, options.requiredScopes);
      };
      break;
    }
    case 'oauth2': {
      scheme = 'oauth2';
      const claim = options.principalClaim ?? options.jwt?.principalClaim ?? 'sub';
      const verifier = options.jwt ? createJwtVerifier(options.jwt) : undefined;
      const introspector = options.introspection
        ? new Introspector(options.introspection)
        : undefined;
      if (!verifier && !introspector)
        throw new Error('oauth2 auth needs `jwt` (JWKS) or `introspection`.');
      check = async (headers) => {
        const token = authorization(headers, 'Bearer');
        if (token === undefined) return undefined;
        let claims: Record<string, unknown> | null;
        if (verifier) {
          claims = (await verifier.verify(token).catch((error: unknown) => {
            throw rejection(error);
          })) as Record<string, unknown>;
        } else {
          claims = await introspector!.introspect(token).catch((error: unknown) => {
            throw new AgentProtocolError(
              'unavailable',
              'The authorization server could not check the token.',
              {
                cause: error,
              },
            );
          });
          if (!claims) throw deny(true, 'the token is not active');
        }
        return withScopes(claims, claim, options.requiredScopes ?? options.jwt?.requiredScopes);
      };
      break;
    }
    case 'custom': {
      scheme = options.scheme ?? 'bearer';
      if (scheme === 'basic') challenge = 'Basic';
      if (scheme === 'api_key') {
        challenge = 'ApiKey';
        apiKeyHeader = 'x-api-key';
      }
      const verify = options.verify;
      check = async (headers) => {
        const principal = await verify(headers);
        if (principal) return principal;
        const sent =
          header(headers, 'authorization') !== undefined ||
          header(headers, 'x-api-key') !== undefined;
        if (sent) throw deny(true, 'the credentials were not accepted');
        return undefined;
      };
      break;
    }
  }

  const info: Schemas['AuthInfo'] = { schemes: [scheme], realm };
  if (options.credentialsUrl) info.credentials_url = options.credentialsUrl;
  if (options.description) info.description = options.description;
  if (apiKeyHeader) info.api_key_header = apiKeyHeader;

  const missing = () =>
    deny(
      false,
      `send credentials (${scheme === 'api_key' ? `the ${apiKeyHeader} header` : challenge})`,
      apiKeyHeader ? { header: apiKeyHeader } : undefined,
    );

  return {
    scheme,
    identify: check,
    async require(headers) {
      const principal = await check(headers);
      if (!principal) throw missing();
      return principal;
    },
    describe: () => info,
  };
}
