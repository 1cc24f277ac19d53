import type { AuthCase } from '../auth-group.js';
import type { CaseRequest, Expected, SetupRequest } from '../case.js';
import { error } from '../shapes.js';
import { get, newTask, post, STEPS, TASK, TASKS } from './requests.js';

/** Building blocks of the auth case files: challenges, info shapes, requests with credentials. */

export const INFO = '/ap/v1/agent/info';
export const INFO_V2 = '/ap/v2/agent/info';

export type Headers = Record<string, string>;

export const bearer = (token: string): Headers => ({ authorization: `Bearer ${token}` });
export const basicAuth = (user: string, password: string): Headers => ({
  authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
});

/** The request with these headers added (credentials, mostly). */
export function withHeaders(headers: Headers, request: CaseRequest): CaseRequest {
  return { ...request, headers: { ...request.headers, ...headers } };
}

/** A setup request sent with these headers. */
export function setupAs(headers: Headers, setup: SetupRequest): SetupRequest {
  return { ...setup, given: withHeaders(headers, setup.given) };
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A `WWW-Authenticate` challenge as a RegExp: the scheme first, then each parameter anywhere
 * (RFC 7235 fixes no order), a RegExp value for parameters whose words are the server's own.
 * `error: null` says there must be no `error` parameter (RFC 6750: none when no token was sent).
 */
export function challenge(
  scheme: 'Bearer' | 'Basic' | 'ApiKey',
  params: Record<string, string | RegExp | null>,
): RegExp {
  const checks = Object.entries(params).map(([name, value]) => {
    if (value === null) return `(?!.*\\b${name}=)`;
    const wanted = typeof value === 'string' ? escape(value) : value.source;
    return `(?=.*\\b${name}="${wanted}")`;
  });
  // Auth schemes are case-insensitive (RFC 7235 section 2.1); parameter values are not.
  const anyCase = [...scheme].map((c) => `[${c.toLowerCase()}${c.toUpperCase()}]`).join('');
  return new RegExp(`^${anyCase} ${checks.join('')}`);
}

/** RFC 6750 errors carry a human-readable description; any words will do. */
const described = { error_description: /[^"]+/ };

/** The Bearer challenge for a request that sent no token. */
export const bearerMissing = (realm = 'agent') => challenge('Bearer', { realm, error: null });
/** The Bearer challenge for a token that was sent and rejected. */
export const bearerInvalid = (realm = 'agent') =>
  challenge('Bearer', { realm, error: 'invalid_token', ...described });

/** 401 with this challenge and the protocol's JSON error. */
export const unauthorized = (www: RegExp): Expected => ({
  status: 401,
  headers: { 'www-authenticate': www },
  json: error('unauthorized'),
});

/** 403 for a valid token without the scope every request needs. */
export const insufficientScope = (scope: string, realm = 'agent'): Expected => ({
  status: 403,
  headers: {
    'www-authenticate': challenge('Bearer', { realm, error: 'insufficient_scope', scope }),
  },
  json: error('forbidden'),
});

/** The `config_options.auth` entry seed 003 clients read the scheme from. */
const authOption = (scheme: string) => ({
  type: 'string',
  default: scheme,
  description: { $type: 'string' },
  options: [scheme],
});

/**
 * The info a caller without credentials gets: exactly `name, protocol, version, auth` and
 * `config_options` holding only the auth option. Nothing else of the agent: only the `extra`
 * fields (matchers) a document adds to it, such as the discovery document's `endpoints`.
 */
export function publicInfo(
  auth: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): Expected {
  const scheme = (auth.schemes as string[])[0]!;
  return {
    status: 200,
    json: {
      $and: [
        { $keys: ['name', 'protocol', 'version', 'auth', 'config_options', ...Object.keys(extra)] },
        {
          name: 'reference-agent',
          protocol: 1,
          version: '1.0.0',
          auth: { $and: [{ $keys: Object.keys(auth) }, auth] },
          config_options: { $and: [{ $keys: ['auth'] }, { auth: authOption(scheme) }] },
          ...extra,
        },
      ],
    },
  };
}

/**
 * The info a caller with valid credentials gets: the whole agent (its secrets and client
 * functions included), and the auth option too.
 */
export function fullInfo(auth: Record<string, unknown>): Expected {
  const scheme = (auth.schemes as string[])[0]!;
  const agentOptions = ['greeting', 'verbosity', 'delay_ms'];
  return {
    status: 200,
    json: {
      name: 'reference-agent',
      version: '1.0.0',
      description: { $type: 'string' },
      auth,
      // What the agent declares for secrets and client functions: only in the full view.
      secrets: { REFERENCE_API_KEY: { name: 'Reference API key' } },
      client_functions: [{ name: 'send_email' }, { name: 'get_time' }],
      config_options: {
        $and: [
          { $keys: scheme === 'none' ? agentOptions : ['auth', ...agentOptions] },
          scheme === 'none' ? {} : { auth: authOption(scheme) },
        ],
      },
    },
  };
}

/** The three info cases every strategy has: public without, full with, 401 with bad credentials. */
export function infoCases(
  prefix: string,
  auth: Record<string, unknown>,
  valid: Headers,
  invalid: Headers,
  invalidWant: Expected,
): AuthCase[] {
  return [
    {
      name: `${prefix}: agent info without credentials: 200, only the public part`,
      given: get(INFO),
      want: publicInfo(auth),
    },
    {
      name: `${prefix}: agent info (v2) without credentials: 200, only the public part`,
      given: get(INFO_V2),
      want: publicInfo(auth),
    },
    {
      name: `${prefix}: agent info with valid credentials: 200, everything`,
      given: withHeaders(valid, get(INFO)),
      want: fullInfo(auth),
    },
    {
      name: `${prefix}: agent info with invalid credentials: 401, not the public part`,
      given: withHeaders(invalid, get(INFO_V2)),
      want: invalidWant,
    },
  ];
}

/** `whoami` on a task of the caller's own: the agent names the principal the server resolved. */
export function whoami(name: string, headers: Headers, principal: string): AuthCase {
  return {
    name,
    setup: [setupAs(headers, newTask({ input: 'who am I?' }))],
    given: withHeaders(headers, post(STEPS, { input: 'whoami' })),
    want: { status: 200, json: { name: 'whoami', output: `Hello. You are ${principal}.` } },
  };
}

/** Another principal's task is not found, and not in that principal's list either. */
export function foreignTask(prefix: string, owner: Headers, other: Headers): AuthCase[] {
  return [
    {
      name: `${prefix}: another principal's task: 404, as if it did not exist`,
      setup: [setupAs(owner, newTask({ input: 'private' }))],
      given: withHeaders(other, get(TASK)),
      want: { status: 404, json: error('not_found') },
      then: [
        {
          given: withHeaders(other, get(TASKS)),
          want: { status: 200, json: { tasks: [], pagination: { total_items: 0 } } },
        },
        { given: withHeaders(owner, get(TASK)), want: { status: 200, json: { input: 'private' } } },
      ],
    },
  ];
}

/** A request that must be refused for its credentials, whatever it asks. */
export const refused = (name: string, headers: Headers, want: Expected): AuthCase => ({
  name,
  given: withHeaders(headers, get(TASKS)),
  want,
});
