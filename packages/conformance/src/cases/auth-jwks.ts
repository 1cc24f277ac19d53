import { createPublicKey } from 'node:crypto';
import type { AuthCase, AuthCaseGroup } from '../auth-group.js';
import { nowSeconds, signJwt } from '../jwt-sign.js';
import { ES256_KID, RS256_KID, signingKeys } from '../signing-keys.js';
import { error } from '../shapes.js';
import {
  bearer,
  bearerInvalid,
  bearerMissing,
  foreignTask,
  infoCases,
  refused,
  unauthorized,
  whoami,
} from './auth-shared.js';
import { AUDIENCE, goodClaims, ISSUER } from './auth-jwt.js';

/** RS256 and ES256 tokens of the test's issuer, and the ways a JWKS-checked token goes wrong. */
export function mintJwks(): Record<string, string> {
  const { rsa, ec, stranger } = signingKeys();
  const now = nowSeconds();
  const rs = (claims: Record<string, unknown>, kid = RS256_KID) =>
    signJwt('RS256', claims, rsa, { kid });
  const es = (claims: Record<string, unknown>) => signJwt('ES256', claims, ec, { kid: ES256_KID });
  // The RSA public key in PEM as an HMAC secret: the classic algorithm-confusion attack.
  const publicPem = createPublicKey(rsa).export({ format: 'pem', type: 'spki' }).toString();
  return {
    rs256: rs(goodClaims('alice')),
    es256: es(goodClaims('bob')),
    rs_expired: rs(goodClaims('alice', { exp: now - 60 })),
    es_just_expired: es(goodClaims('bob', { exp: now - 2 })),
    es_not_yet: es(goodClaims('bob', { nbf: now + 600 })),
    rs_wrong_audience: rs(goodClaims('alice', { aud: 'someone-else' })),
    es_wrong_issuer: es(goodClaims('bob', { iss: 'https://evil.test' })),
    rs_no_scope: rs(goodClaims('alice', { scope: 'other' })),
    es_scp: es(goodClaims('bob', { scope: undefined, scp: ['agent:use'] })),
    // Claims the published RSA key's kid, signed by a key the JWKS does not hold.
    stranger: signJwt('RS256', goodClaims('alice'), stranger, { kid: RS256_KID }),
    unknown_kid: rs(goodClaims('alice'), 'no-such-key'),
    alg_none: signJwt('none', goodClaims('alice'), null, { kid: RS256_KID }),
    hs_confusion: signJwt('HS256', goodClaims('alice'), publicPem, { kid: RS256_KID }),
  };
}

const invalid = unauthorized(bearerInvalid());

/** Cases every JWKS-verified strategy (jwt with `jwksUrl`, oauth2 with `jwt`) must pass. */
export function jwksCases(prefix: string, schemes: string[]): AuthCase[] {
  const rejected: [string, string][] = [
    ['an expired RS256 token', 'rs_expired'],
    ['an ES256 token not valid yet', 'es_not_yet'],
    ['an RS256 token for another audience', 'rs_wrong_audience'],
    ['an ES256 token from another issuer', 'es_wrong_issuer'],
    ['a token signed by a key not in the JWKS (same kid)', 'stranger'],
    ['a token naming a kid the JWKS does not have', 'unknown_kid'],
    ['an unsigned token (alg: none)', 'alg_none'],
    ['an HS256 token keyed with the RSA public key (algorithm confusion)', 'hs_confusion'],
  ];
  return [
    refused(
      `${prefix}: no credentials: 401 with a Bearer challenge`,
      {},
      unauthorized(bearerMissing()),
    ),
    ...rejected.map(([what, token]) =>
      refused(`${prefix}: ${what}: 401 invalid_token`, bearer(`{${token}}`), invalid),
    ),
    whoami(
      `${prefix}: an RS256 token checked against the JWKS names its sub`,
      bearer('{rs256}'),
      'alice',
    ),
    whoami(
      `${prefix}: an ES256 token checked against the JWKS names its sub`,
      bearer('{es256}'),
      'bob',
    ),
    whoami(
      `${prefix}: an ES256 token expired 2 s ago (clock tolerance): accepted`,
      bearer('{es_just_expired}'),
      'bob',
    ),
    ...foreignTask(prefix, bearer('{rs256}'), bearer('{es256}')),
    ...infoCases(
      prefix,
      { schemes, realm: 'agent' },
      bearer('{es256}'),
      bearer('{stranger}'),
      invalid,
    ),
  ];
}

const P = 'auth jwt (JWKS: RS256, ES256)';

/** `jwt` with the test's JWKS: keys fetched from 127.0.0.1, RS256 and ES256 by default. */
export const jwtJwksGroup: AuthCaseGroup = {
  name: P,
  auth: (env) => ({ strategy: 'jwt', jwksUrl: env.jwksUrl, issuer: ISSUER, audience: AUDIENCE }),
  credentials: mintJwks,
  cases: jwksCases(P, ['jwt']),
};

const D = 'auth jwt (JWKS unreachable)';

/**
 * A JWKS nobody answers at. The token may be perfectly good: the server cannot tell, so it is the
 * server that is unavailable (503, as when an introspection endpoint is down), not the token that
 * is invalid; a client told 401 invalid_token would throw a good token away.
 */
export const jwtJwksDownGroup: AuthCaseGroup = {
  name: D,
  auth: (env) => ({
    strategy: 'jwt',
    jwksUrl: env.unreachableUrl,
    issuer: ISSUER,
    audience: AUDIENCE,
  }),
  credentials: mintJwks,
  cases: [
    refused(`${D}: no credentials: still 401`, {}, unauthorized(bearerMissing())),
    refused(`${D}: a token that cannot be checked: 503, not 401`, bearer('{rs256}'), {
      status: 503,
      json: error('unavailable'),
    }),
  ],
};
