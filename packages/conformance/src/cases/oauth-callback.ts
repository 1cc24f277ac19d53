import type { AuthCaseGroup } from '../auth-group.js';
import type { ConformanceCase, FollowUp } from '../case.js';
import { error, pagination } from '../shapes.js';
import { bearer, withHeaders } from './auth-shared.js';
import { BEARER_TOKENS } from './auth-bearer.js';
import { get, newTask, post, SECRETS, STEPS } from './requests.js';

/**
 * Delegated login's callback (PROTOCOL.md section 10), as far as it can be checked without an
 * authorization server: every sign-in it is handed is one the server never started, so each is
 * a 400 naming what is wrong, nothing is stored, and no credentials are asked for. The whole
 * flow, with a real provider and a real browser, is tested in `tests/oauth`.
 */

export const CALLBACK = '/ap/v1/agent/oauth/callback';

/** A state no server issued: well-formed (43 base64url characters, as generated ones are). */
export const UNKNOWN_STATE = 'cnf-unknown-state-Aq8Zr2Lk5Wm9Pt3Xv7Bn1Hd6Jc4';

const NOT_CACHED = { 'cache-control': 'no-store' };

/** After a refused callback, the caller holds no secret: no token was stored. */
const nothingStored: FollowUp = {
  given: get(SECRETS),
  want: { status: 200, json: { secret_keys: [], pagination: pagination(0, 0, 1, 10) } },
};

export const oauthCallbackCases: ConformanceCase[] = [
  {
    name: 'oauth callback with a state the server never issued: 400 invalid_state, nothing stored',
    given: get(CALLBACK, { code: 'cnf-code-Qm3Rt7', state: UNKNOWN_STATE }),
    want: {
      status: 400,
      headers: NOT_CACHED,
      json: error('invalid_state', { message: { $includes: 'state' } }),
    },
    then: [nothingStored],
  },
  {
    name: 'oauth callback with error=access_denied: 400 authorization_failed naming it, nothing stored',
    given: get(CALLBACK, {
      error: 'access_denied',
      error_description: 'The%20user%20declined',
      state: UNKNOWN_STATE,
    }),
    want: {
      status: 400,
      headers: NOT_CACHED,
      json: error('authorization_failed', { message: { $includes: 'access_denied' } }),
    },
    then: [nothingStored],
  },
  {
    name: 'oauth callback without state: 400 naming the state query parameter',
    given: get(CALLBACK, { code: 'cnf-code-Qm3Rt7' }),
    want: {
      status: 400,
      headers: NOT_CACHED,
      json: error('bad_request', {
        errors: { $contains: { location: 'query', field: 'state', rule: 'required' } },
      }),
    },
    then: [nothingStored],
  },
  {
    name: "oauth callback: the provider's error text is not repeated back (no markup from the query)",
    given: get(CALLBACK, {
      error: '%3Cscript%3Ealert(1)%3C%2Fscript%3E',
      error_description: '%3Cb%3ECall%20us%20now%3C%2Fb%3E',
      state: UNKNOWN_STATE,
    }),
    want: {
      status: 400,
      json: error('authorization_failed', {
        message: { $and: [{ $not: { $includes: '<' } }, { $not: { $includes: 'Call us' } }] },
      }),
    },
  },
  {
    name: 'oauth callback asked for JSON (Accept: application/json): a JSON 400, not a page',
    given: withHeaders(
      { accept: 'application/json' },
      get(CALLBACK, { code: 'cnf-code-Qm3Rt7', state: UNKNOWN_STATE }),
    ),
    want: { status: 400, json: error('invalid_state') },
  },
  {
    name: 'POST to the oauth callback: 405 with allow: GET',
    given: post(CALLBACK, {}),
    want: { status: 405, headers: { allow: 'GET' }, json: error('method_not_allowed') },
  },
  {
    name: 'agent info of an agent without OAuth providers: no oauth_providers',
    given: get('/ap/v1/agent/info'),
    want: { status: 200, json: { name: 'reference-agent', oauth_providers: { $absent: true } } },
  },
  {
    name: 'use oauth <provider> on an agent that declares none: said in words, no sign-in asked',
    setup: [newTask()],
    given: post(STEPS, { input: 'use oauth github' }),
    want: {
      status: 200,
      json: {
        name: 'use_oauth',
        output: 'Hello. github is not an OAuth provider this agent declares.',
        is_last: false,
        auth_demands: { $absent: true },
      },
    },
  },
];

const O = 'oauth callback (bearer)';

/**
 * The callback on a server that requires credentials: a provider's redirect carries none, and
 * the `state` is the credential, so credentials are neither asked for nor looked at.
 */
export const oauthCallbackAuthGroup: AuthCaseGroup = {
  name: O,
  auth: { strategy: 'bearer', tokens: { [BEARER_TOKENS.alice]: 'alice' } },
  cases: [
    {
      name: `${O}: without credentials: 400 invalid_state, not 401`,
      given: get(CALLBACK, { code: 'cnf-code-Qm3Rt7', state: UNKNOWN_STATE }),
      want: { status: 400, headers: NOT_CACHED, json: error('invalid_state') },
    },
    {
      name: `${O}: with invalid credentials: 400 authorization_failed, they are not looked at`,
      given: withHeaders(
        bearer('bt-nobody-0000'),
        get(CALLBACK, { error: 'access_denied', state: UNKNOWN_STATE }),
      ),
      want: { status: 400, json: error('authorization_failed') },
    },
  ],
};
