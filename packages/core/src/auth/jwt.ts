import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { JwtVerification } from './types.js';

export interface JwtVerifier {
  /** The payload of a valid token; throws a `JwtRejected` naming why not. */
  verify(token: string): Promise<JWTPayload>;
}

export class JwtRejected extends Error {}

/** The key set could not be fetched or read: the token was not checked at all. */
export class JwksUnavailable extends Error {}

function keysUnavailable(error: unknown): boolean {
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) return true;
  // A failed fetch (refused, reset, bad status) surfaces as a plain error, not a JOSE one.
  return !(error instanceof errors.JOSEError);
}

/** Says why a token was rejected, in words safe to send back (never the token itself). */
function reason(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'the token has expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'nbf') return 'the token is not valid yet';
    return `the token's '${error.claim}' claim is not accepted`;
  }
  if (error instanceof errors.JWSSignatureVerificationFailed)
    return 'the token signature is invalid';
  if (error instanceof errors.JOSEAlgNotAllowed) return "the token's algorithm is not accepted";
  if (error instanceof errors.JWKSNoMatchingKey) return 'no key of the issuer matches the token';
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid)
    return 'the token is malformed';
  return 'the token could not be verified';
}

export function createJwtVerifier(options: JwtVerification): JwtVerifier {
  // One key source for both: a shared secret is a key function that always answers the same.
  let key: JWTVerifyGetKey;
  let algorithms = options.algorithms;
  const remote = options.jwksUrl !== undefined;
  if (options.jwksUrl) {
    key = createRemoteJWKSet(new URL(options.jwksUrl));
    algorithms ??= ['RS256', 'ES256'];
  } else if (options.secret) {
    const secret = new TextEncoder().encode(options.secret);
    key = async () => secret;
    algorithms ??= ['HS256'];
  } else {
    throw new Error('JWT verification needs a `secret` or a `jwksUrl`.');
  }
  const verifyOptions = {
    algorithms,
    issuer: options.issuer,
    audience: options.audience,
    clockTolerance: options.clockToleranceSeconds ?? 5,
  };
  return {
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, key, verifyOptions);
        return payload;
      } catch (error) {
        if (remote && keysUnavailable(error)) {
          throw new JwksUnavailable('the JWKS could not be fetched', { cause: error });
        }
        throw new JwtRejected(reason(error), { cause: error });
      }
    },
  };
}

/** Scopes from an OAuth2 `scope` string or an `scp` array. */
export function scopesOf(claims: Record<string, unknown>): Set<string> {
  const scopes = new Set<string>();
  if (typeof claims.scope === 'string')
    for (const s of claims.scope.split(' ')) if (s) scopes.add(s);
  if (Array.isArray(claims.scp))
    for (const s of claims.scp) if (typeof s === 'string') scopes.add(s);
  return scopes;
}
