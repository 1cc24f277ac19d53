import type { AuthCase, AuthCaseGroup } from '../auth-group.js';
import type { CaseRequest, ConformanceCase } from '../case.js';
import { error } from '../shapes.js';
import { basicAuth, bearer, publicInfo, withHeaders } from './auth-shared.js';
import { BEARER_TOKENS } from './auth-bearer.js';
import { referenceInfo } from './info.js';
import { get } from './requests.js';

/** The discovery document's well-known URL (PROTOCOL.md section 7), at the origin root. */
export const DISCOVERY = '/.well-known/agent-protocol';

/** Every caller gets the same document, so shared caches may keep it five minutes. */
const CACHEABLE = { 'cache-control': 'public, max-age=300' };

/**
 * `endpoints` of a server mounted at the root: exactly `v1`, the base of `/ap/v1`, root-relative
 * or absolute (the reference agent names no `docs`, so there is none).
 */
const ENDPOINTS = {
  $and: [{ $keys: ['v1'] }, { v1: /^(https?:\/\/[^/]+)?\/ap\/v1$/ }],
};

const discovery: CaseRequest = get(DISCOVERY);

/** Every case here is at the origin root: it runs only where the server is mounted there. */
const atRoot = <T extends ConformanceCase>(cases: T[]): T[] =>
  cases.map((c) => ({ ...c, atOriginRoot: true }));

/** The discovery document with auth off: everything the info shows anyone, plus `endpoints`. */
export const discoveryCases: ConformanceCase[] = atRoot<ConformanceCase>([
  {
    name: 'discovery at /.well-known/agent-protocol: 200 JSON, the agent info plus endpoints.v1, cacheable',
    given: discovery,
    want: {
      status: 200,
      headers: CACHEABLE,
      json: { $and: [referenceInfo, { endpoints: ENDPOINTS }] },
    },
  },
  {
    name: 'discovery: HEAD answers the status and headers of GET',
    given: { method: 'HEAD', path: DISCOVERY },
    want: { status: 200, headers: { ...CACHEABLE, 'content-type': /^application\/json\b/ } },
  },
  {
    name: 'discovery: POST is 405 with allow: GET',
    given: { method: 'POST', path: DISCOVERY, json: {} },
    want: { status: 405, headers: { allow: 'GET' }, json: error('method_not_allowed') },
  },
  {
    name: 'discovery with made-up credentials (auth off): the same document',
    setup: [{ given: discovery }],
    given: withHeaders(bearer('made-up'), discovery),
    want: { status: 200, headers: CACHEABLE, sameJsonAs: 'setup 1' },
  },
]);

const P = 'discovery (bearer)';
const auth = {
  schemes: ['bearer'],
  realm: 'agent',
  credentials_url: 'https://tokens.example.test/agent',
  description: 'Ask for a token at tokens.example.test.',
};

/**
 * The discovery document of an agent that requires authentication: no credentials needed, only
 * the public part (no agent configuration options, secrets or client functions), and the same
 * document whatever credentials a caller sends, valid, invalid or malformed (a cache serves it
 * to all of them).
 */
export const discoveryAuthGroup: AuthCaseGroup = {
  name: P,
  auth: {
    strategy: 'bearer',
    tokens: { [BEARER_TOKENS.alice]: 'alice' },
    credentialsUrl: auth.credentials_url,
    description: auth.description,
  },
  cases: atRoot<AuthCase>([
    {
      name: `${P}: without credentials: 200, only the public part plus endpoints, cacheable`,
      given: discovery,
      want: { ...publicInfo(auth, { endpoints: ENDPOINTS }), headers: CACHEABLE },
    },
    {
      name: `${P}: with valid, invalid or malformed credentials: 200, the same document`,
      setup: [{ given: discovery }],
      given: withHeaders(bearer(BEARER_TOKENS.alice), discovery),
      want: { status: 200, headers: CACHEABLE, sameJsonAs: 'setup 1' },
      then: [
        {
          given: withHeaders(bearer('bt-nobody-0000'), discovery),
          want: { status: 200, headers: CACHEABLE, sameJsonAs: 'setup 1' },
        },
        {
          given: withHeaders(basicAuth('alice', 'wrong'), discovery),
          want: { status: 200, headers: CACHEABLE, sameJsonAs: 'setup 1' },
        },
        {
          given: withHeaders({ authorization: 'Bearer' }, discovery),
          want: { status: 200, headers: CACHEABLE, sameJsonAs: 'setup 1' },
        },
      ],
    },
  ]),
};
