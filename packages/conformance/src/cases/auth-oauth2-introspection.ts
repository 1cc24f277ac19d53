import type { AuthCaseGroup } from '../auth-group.js';
import { INTROSPECTION_CLIENT, OPAQUE_TOKENS, type AuthEnvironment } from '../auth-servers.js';
import { error } from '../shapes.js';
import {
  bearer,
  bearerInvalid,
  bearerMissing,
  foreignTask,
  infoCases,
  insufficientScope,
  publicInfo,
  refused,
  setupAs,
  unauthorized,
  whoami,
  withHeaders,
  INFO,
} from './auth-shared.js';
import { SCOPE } from './auth-jwt.js';
import { get, newStep, newTask, TASKS } from './requests.js';

const T = OPAQUE_TOKENS;
const missing = unauthorized(bearerMissing());
const invalid = unauthorized(bearerInvalid());
const secrets = Object.values(OPAQUE_TOKENS);

const introspection = (env: AuthEnvironment, extra: { cacheTtlMs?: number } = {}) => ({
  url: env.introspectionUrl,
  clientId: INTROSPECTION_CLIENT.id,
  clientSecret: INTROSPECTION_CLIENT.secret,
  ...extra,
});

const P = 'auth oauth2 (introspection)';

/**
 * `oauth2` with opaque tokens checked by the test's RFC 7662 endpoint. The endpoint refuses any
 * call without the client's HTTP Basic credentials and a `token=` form body, and
 * `introspectionCalls` counts the calls: a server must cache answers, and ask nothing when no
 * token was sent.
 */
export const oauth2IntrospectionGroup: AuthCaseGroup = {
  name: P,
  auth: (env) => ({
    strategy: 'oauth2',
    introspection: introspection(env),
    requiredScopes: [SCOPE],
  }),
  secrets,
  cases: [
    {
      ...refused(`${P}: no credentials: 401, and the endpoint is not asked`, {}, missing),
      introspectionCalls: 0,
    },
    {
      ...refused(
        `${P}: Bearer with no token: 401, and the endpoint is not asked`,
        { authorization: 'Bearer' },
        missing,
      ),
      introspectionCalls: 0,
    },
    {
      ...whoami(
        `${P}: an active token names its sub; two requests, one introspection`,
        bearer(T.alice),
        'alice',
      ),
      introspectionCalls: 1,
    },
    {
      name: `${P}: the same token again within the cache TTL: the endpoint is not asked again`,
      // The endpoint answers active for this token only once: a second call would make it a 401.
      given: withHeaders(bearer(T.once), get(TASKS)),
      want: { status: 200, json: { tasks: [] } },
      then: [
        {
          given: withHeaders(bearer(T.once), get(TASKS)),
          want: { status: 200, json: { tasks: [] } },
        },
      ],
      introspectionCalls: 1,
    },
    {
      ...refused(
        `${P}: an inactive token (active: false): 401 invalid_token`,
        bearer(T.inactive),
        invalid,
      ),
      introspectionCalls: 1,
    },
    {
      ...refused(
        `${P}: a token the endpoint does not know: 401 invalid_token`,
        bearer('opaque-nobody-0000'),
        invalid,
      ),
      introspectionCalls: 1,
    },
    refused(`${P}: active but past its exp: 401 invalid_token`, bearer(T.expired), invalid),
    refused(`${P}: active but without a sub: 401 invalid_token`, bearer(T.noSubject), invalid),
    refused(
      `${P}: active without the required scope: 403 insufficient_scope`,
      bearer(T.noScope),
      insufficientScope(SCOPE),
    ),
    ...foreignTask(P, bearer(T.alice), bearer(T.bob)),
    ...infoCases(
      P,
      { schemes: ['oauth2'], realm: 'agent' },
      bearer(T.bob),
      bearer(T.inactive),
      invalid,
    ),
  ],
};

const L = 'auth oauth2 (introspection, 300 ms cache)';

/** Past the cache TTL an answer is stale: the endpoint is asked again (and now says inactive). */
export const oauth2IntrospectionTtlGroup: AuthCaseGroup = {
  name: L,
  auth: (env) => ({ strategy: 'oauth2', introspection: introspection(env, { cacheTtlMs: 300 }) }),
  secrets,
  cases: [
    {
      name: `${L}: the same token after the TTL: the endpoint is asked again`,
      setup: [
        { given: withHeaders(bearer(T.once), get(TASKS)) },
        // A step that takes 600 ms (under another principal's token) lets the TTL pass.
        setupAs(bearer(T.alice), newTask({ input: 'wait', additional_input: { delay_ms: 600 } })),
        setupAs(bearer(T.alice), newStep({ input: 'wait' })),
      ],
      given: withHeaders(bearer(T.once), get(TASKS)),
      want: invalid,
    },
  ],
};

const downCases = (prefix: string) => [
  refused(`${prefix}: no credentials: still 401`, {}, missing),
  {
    name: `${prefix}: agent info without credentials: still the public part`,
    given: get(INFO),
    want: publicInfo({ schemes: ['oauth2'], realm: 'agent' }),
  },
  refused(`${prefix}: an active token: 503, the token cannot be checked`, bearer(T.alice), {
    status: 503,
    json: error('unavailable'),
  }),
];

const W = 'auth oauth2 (introspection refuses our client)';

/** The endpoint answers 401 to the server's (wrong) client secret: not the caller's fault. */
export const oauth2IntrospectionRefusedGroup: AuthCaseGroup = {
  name: W,
  auth: (env) => ({
    strategy: 'oauth2',
    introspection: { ...introspection(env), clientSecret: 'not-the-client-secret-0' },
  }),
  secrets,
  cases: downCases(W),
};

const U = 'auth oauth2 (introspection unreachable)';

/** Nothing listens at the introspection URL. */
export const oauth2IntrospectionDownGroup: AuthCaseGroup = {
  name: U,
  auth: (env) => ({
    strategy: 'oauth2',
    introspection: { ...introspection(env), url: env.unreachableUrl },
  }),
  secrets,
  cases: downCases(U),
};
