import type { AuthCase, AuthCaseGroup } from '../auth-group.js';
import { nowSeconds, signJwt, tamperJwt } from '../jwt-sign.js';
import { RS256_KID, signingKeys } from '../signing-keys.js';
import {
  basicAuth,
  bearer,
  bearerInvalid,
  bearerMissing,
  foreignTask,
  infoCases,
  insufficientScope,
  refused,
  unauthorized,
  whoami,
} from './auth-shared.js';

/** Issuer and audience the JWT groups expect (the JWKS groups use them too). */
export const ISSUER = 'https://issuer.conformance.test';
export const AUDIENCE = 'agent-protocol-conformance';
export const SCOPE = 'agent:use';
export const HS256_SECRET = 'hs256-shared-secret-of-at-least-32-bytes-Xy7q';

/** Claims of a token that should be accepted, for `sub`, valid an hour from now. */
export function goodClaims(sub: string, extra: Record<string, unknown> = {}) {
  const now = nowSeconds();
  return { iss: ISSUER, aud: AUDIENCE, sub, scope: SCOPE, iat: now, exp: now + 3600, ...extra };
}

/** The tokens of the HS256 group, minted as each case starts: `exp`/`nbf` are relative to now. */
function mint(): Record<string, string> {
  const now = nowSeconds();
  const hs = (claims: Record<string, unknown>) => signJwt('HS256', claims, HS256_SECRET);
  const { sub: _sub, ...noSub } = goodClaims('x');
  const alice = hs(goodClaims('alice'));
  return {
    alice,
    bob: hs(goodClaims('bob')),
    scp_array: hs(goodClaims('alice', { scope: undefined, scp: ['other', SCOPE] })),
    aud_array: hs(goodClaims('bob', { aud: ['someone-else', AUDIENCE] })),
    expired: hs(goodClaims('alice', { exp: now - 60 })),
    // Inside the default 5 s clock tolerance: accepted.
    just_expired: hs(goodClaims('alice', { exp: now - 2 })),
    not_yet: hs(goodClaims('alice', { nbf: now + 600 })),
    almost_valid: hs(goodClaims('alice', { nbf: now + 2 })),
    wrong_audience: hs(goodClaims('alice', { aud: 'someone-else' })),
    wrong_issuer: hs(goodClaims('alice', { iss: 'https://evil.test' })),
    no_issuer: hs(goodClaims('alice', { iss: undefined })),
    no_subject: hs(noSub),
    no_scope: hs(goodClaims('alice', { scope: 'other' })),
    wrong_secret: signJwt('HS256', goodClaims('alice'), 'another-secret-of-at-least-32-bytes-xx'),
    tampered: tamperJwt(alice, goodClaims('bob')),
    alg_none: signJwt('none', goodClaims('alice'), null),
    // The right secret, an algorithm the server was not told to accept.
    hs512: signJwt('HS512', goodClaims('alice'), HS256_SECRET),
    rs256: signJwt('RS256', goodClaims('alice'), signingKeys().rsa, { kid: RS256_KID }),
  };
}

const missing = unauthorized(bearerMissing());
const invalid = unauthorized(bearerInvalid());
const P = 'auth jwt (HS256 secret)';

const rejected: [string, string][] = [
  ['an expired token (exp a minute ago)', 'expired'],
  ['a token not valid yet (nbf in ten minutes)', 'not_yet'],
  ['a token for another audience', 'wrong_audience'],
  ['a token from another issuer', 'wrong_issuer'],
  ['a token without an issuer', 'no_issuer'],
  ['a token signed with another secret', 'wrong_secret'],
  ['a token whose payload was edited after signing', 'tampered'],
  ['an unsigned token (alg: none)', 'alg_none'],
  ['a token signed with HS512 when HS256 is configured', 'hs512'],
  ['an RS256 token on a secret-only server', 'rs256'],
  ['a token without a sub claim', 'no_subject'],
];

const rejections: AuthCase[] = rejected.map(([what, token]) =>
  refused(`${P}: ${what}: 401 invalid_token`, bearer(`{${token}}`), invalid),
);

/** `jwt` with a shared HS256 secret, issuer, audience and a required scope. */
export const jwtSecretGroup: AuthCaseGroup = {
  name: P,
  auth: {
    strategy: 'jwt',
    secret: HS256_SECRET,
    issuer: ISSUER,
    audience: AUDIENCE,
    requiredScopes: [SCOPE],
  },
  credentials: mint,
  cases: [
    refused(`${P}: no credentials: 401 with a Bearer challenge and no error code`, {}, missing),
    ...rejections,
    refused(`${P}: Bearer with something that is no JWT: 401`, bearer('not-a-jwt'), invalid),
    refused(`${P}: Bearer with three garbage segments: 401`, bearer('a.b.c'), invalid),
    refused(`${P}: Bearer with no token: 401, not 500`, { authorization: 'Bearer' }, missing),
    refused(`${P}: Basic credentials instead of a token: 401`, basicAuth('alice', 'x'), missing),
    refused(
      `${P}: a valid token without the required scope: 403 insufficient_scope`,
      bearer('{no_scope}'),
      insufficientScope(SCOPE),
    ),
    whoami(`${P}: a valid token names its sub`, bearer('{alice}'), 'alice'),
    whoami(
      `${P}: expired 2 s ago, inside the clock tolerance: accepted`,
      bearer('{just_expired}'),
      'alice',
    ),
    whoami(
      `${P}: valid in 2 s, inside the clock tolerance: accepted`,
      bearer('{almost_valid}'),
      'alice',
    ),
    whoami(`${P}: the scope in an scp array: accepted`, bearer('{scp_array}'), 'alice'),
    whoami(`${P}: an aud array that includes the audience: accepted`, bearer('{aud_array}'), 'bob'),
    ...foreignTask(P, bearer('{alice}'), bearer('{bob}')),
    ...infoCases(
      P,
      { schemes: ['jwt'], realm: 'agent' },
      bearer('{bob}'),
      bearer('{expired}'),
      invalid,
    ),
  ],
};
