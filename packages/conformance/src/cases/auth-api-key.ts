import type { AuthCaseGroup } from '../auth-group.js';
import {
  bearer,
  challenge,
  foreignTask,
  infoCases,
  refused,
  setupAs,
  unauthorized,
  whoami,
  withHeaders,
} from './auth-shared.js';
import { get, newTask, TASK } from './requests.js';

/** API keys of the api_key groups. Long and odd so no response contains one by chance. */
export const API_KEYS = {
  alice: 'ak-alice-3kQ9vPz',
  aliceSecond: 'ak-alice-second-W2nB',
  bob: 'ak-bob-8Rt5mXc',
} as const;

const keys = {
  [API_KEYS.alice]: 'alice',
  [API_KEYS.aliceSecond]: 'alice',
  [API_KEYS.bob]: 'bob',
};

// An API key challenge names the header to send the key in, so a client can find it.
const missing = challenge('ApiKey', { realm: 'agent', header: 'x-api-key', error: null });
const denied = unauthorized(missing);
const alice = { 'x-api-key': API_KEYS.alice };
const bob = { 'x-api-key': API_KEYS.bob };
const P = 'auth api_key';

/** `api_key` with the default header `x-api-key`, also accepted as `Authorization: ApiKey <key>`. */
export const apiKeyGroup: AuthCaseGroup = {
  name: P,
  auth: {
    strategy: 'api_key',
    keys,
    credentialsUrl: 'https://keys.example.test/agent',
    description: 'Ask for a key at keys.example.test.',
  },
  cases: [
    refused(`${P}: no credentials: 401 with an ApiKey challenge naming the header`, {}, denied),
    refused(`${P}: an unknown key: 401`, { 'x-api-key': 'ak-nobody-0000' }, denied),
    refused(`${P}: an empty x-api-key header: 401`, { 'x-api-key': '' }, denied),
    refused(
      `${P}: a valid key with one character too many: 401`,
      { 'x-api-key': `${API_KEYS.alice}x` },
      denied,
    ),
    whoami(`${P}: the key in x-api-key names its principal`, alice, 'alice'),
    whoami(
      `${P}: the key as Authorization: ApiKey <key> names its principal`,
      { authorization: `ApiKey ${API_KEYS.bob}` },
      'bob',
    ),
    whoami(
      `${P}: the ApiKey scheme is case-insensitive`,
      { authorization: `apikey ${API_KEYS.alice}` },
      'alice',
    ),
    refused(`${P}: Authorization: ApiKey with no key: 401`, { authorization: 'ApiKey' }, denied),
    refused(
      `${P}: Authorization: ApiKey with an unknown key: 401`,
      { authorization: 'ApiKey ak-nobody-0000' },
      denied,
    ),
    refused(
      `${P}: a valid key under the Bearer scheme: 401 (the scheme is ApiKey)`,
      bearer(API_KEYS.alice),
      denied,
    ),
    {
      name: `${P}: two keys of one principal see the same tasks`,
      setup: [setupAs(alice, newTask({ input: 'shared' }))],
      given: withHeaders({ 'x-api-key': API_KEYS.aliceSecond }, get(TASK)),
      want: { status: 200, json: { input: 'shared' } },
    },
    ...foreignTask(P, alice, bob),
    ...infoCases(
      P,
      {
        schemes: ['api_key'],
        realm: 'agent',
        api_key_header: 'x-api-key',
        credentials_url: 'https://keys.example.test/agent',
        description: 'Ask for a key at keys.example.test.',
      },
      bob,
      { 'x-api-key': 'ak-nobody-0000' },
      denied,
    ),
  ],
};

const custom = challenge('ApiKey', { realm: 'agent', header: 'x-agent-key', error: null });
const C = 'auth api_key (header x-agent-key)';

/** `api_key` with its own header: the challenge and the info name it, `x-api-key` means nothing. */
export const apiKeyHeaderGroup: AuthCaseGroup = {
  name: C,
  auth: { strategy: 'api_key', keys, header: 'X-Agent-Key' },
  cases: [
    refused(`${C}: no credentials: 401 naming x-agent-key`, {}, unauthorized(custom)),
    whoami(
      `${C}: the key in x-agent-key names its principal`,
      { 'x-agent-key': API_KEYS.alice },
      'alice',
    ),
    refused(
      `${C}: a valid key in x-api-key instead: 401`,
      { 'x-api-key': API_KEYS.alice },
      unauthorized(custom),
    ),
    whoami(
      `${C}: Authorization: ApiKey <key> still works`,
      { authorization: `ApiKey ${API_KEYS.bob}` },
      'bob',
    ),
    {
      name: `${C}: agent info without credentials names the header`,
      given: get('/ap/v1/agent/info'),
      want: {
        status: 200,
        json: { auth: { schemes: ['api_key'], api_key_header: 'x-agent-key' } },
      },
    },
  ],
};
