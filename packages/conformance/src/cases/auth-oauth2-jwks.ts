import type { AuthCaseGroup } from '../auth-group.js';
import { bearer, insufficientScope, refused, whoami } from './auth-shared.js';
import { jwksCases, mintJwks } from './auth-jwks.js';
import { AUDIENCE, ISSUER, SCOPE } from './auth-jwt.js';

const P = 'auth oauth2 (JWKS)';

/** `oauth2` with access tokens that are JWTs, checked against the test's JWKS, scope required. */
export const oauth2JwksGroup: AuthCaseGroup = {
  name: P,
  auth: (env) => ({
    strategy: 'oauth2',
    jwt: { jwksUrl: env.jwksUrl, issuer: ISSUER, audience: AUDIENCE },
    requiredScopes: [SCOPE],
  }),
  credentials: mintJwks,
  cases: [
    ...jwksCases(P, ['oauth2']),
    refused(
      `${P}: a valid token without the required scope: 403 insufficient_scope`,
      bearer('{rs_no_scope}'),
      insufficientScope(SCOPE),
    ),
    whoami(`${P}: the scope in an scp array: accepted`, bearer('{es_scp}'), 'bob'),
  ],
};

const S = 'auth oauth2 (JWKS, scopes required by the jwt options)';

/**
 * The same requirement written inside `jwt` (its type, `JwtVerification`, documents
 * `requiredScopes` as "every request needs; else 403"). A requirement that is accepted and then
 * ignored lets every unscoped token in.
 */
export const oauth2JwtScopesGroup: AuthCaseGroup = {
  name: S,
  auth: (env) => ({
    strategy: 'oauth2',
    jwt: { jwksUrl: env.jwksUrl, issuer: ISSUER, audience: AUDIENCE, requiredScopes: [SCOPE] },
  }),
  credentials: mintJwks,
  cases: [
    refused(
      `${S}: a valid token without the scope: 403 insufficient_scope`,
      bearer('{rs_no_scope}'),
      insufficientScope(SCOPE),
    ),
    whoami(`${S}: a token with the scope: accepted`, bearer('{rs256}'), 'alice'),
  ],
};
