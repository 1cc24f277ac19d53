import type { AuthCase, AuthCaseGroup } from '../auth-group.js';
import type { CaseRequest } from '../case.js';
import {
  basicAuth,
  bearer,
  bearerInvalid,
  bearerMissing,
  foreignTask,
  infoCases,
  refused,
  setupAs,
  unauthorized,
  whoami,
  withHeaders,
} from './auth-shared.js';
import { file, get, newTask, post, TASK, TASKS, UNKNOWN_ID, upload } from './requests.js';

/** Static bearer tokens. Long and odd so no response contains one by chance. */
export const BEARER_TOKENS = { alice: 'bt-alice-7Gx2Lmq', bob: 'bt-bob-4Hq8Nsw' } as const;

const alice = bearer(BEARER_TOKENS.alice);
const bob = bearer(BEARER_TOKENS.bob);
const missing = unauthorized(bearerMissing());
const invalid = unauthorized(bearerInvalid());
const P = 'auth bearer';

const unknownTask = `${TASKS}/${UNKNOWN_ID}`;
/** Every operation that needs credentials, on ids nobody issued: 401 comes before any 404. */
const protectedOperations: [string, CaseRequest][] = [
  ['list tasks', get(TASKS)],
  ['create a task', post(TASKS, { input: 'x' })],
  ['get a task', get(unknownTask)],
  ['execute a step', post(`${unknownTask}/steps`, { input: 'x' })],
  ['list steps', get(`${unknownTask}/steps`)],
  ['get a step', get(`${unknownTask}/steps/${UNKNOWN_ID}`)],
  ['list artifacts', get(`${unknownTask}/artifacts`)],
  ['upload an artifact', upload([file('x')], `${unknownTask}/artifacts`)],
  ['download an artifact', get(`${unknownTask}/artifacts/${UNKNOWN_ID}`)],
];

const everyOperation: AuthCase[] = protectedOperations.map(([what, request]) => ({
  name: `${P}: ${what} without credentials: 401 with a Bearer challenge and no error code`,
  given: request,
  want: missing,
}));

/** Static bearer tokens (RFC 6750 header form only). */
export const bearerGroup: AuthCaseGroup = {
  name: P,
  auth: {
    strategy: 'bearer',
    tokens: { [BEARER_TOKENS.alice]: 'alice', [BEARER_TOKENS.bob]: 'bob' },
  },
  cases: [
    ...everyOperation,
    {
      name: `${P}: an existing task without credentials: 401, not the task`,
      setup: [setupAs(alice, newTask({ input: 'mine' }))],
      given: get(TASK),
      want: missing,
    },
    {
      name: `${P}: an invalid body without credentials: 401 before any 422`,
      given: post(TASKS, { input: 42 }),
      want: missing,
    },
    refused(
      `${P}: an unknown token: 401 with error="invalid_token"`,
      bearer('bt-nobody-0000'),
      invalid,
    ),
    refused(
      `${P}: a valid token with one character too many: 401 invalid_token`,
      bearer(`${BEARER_TOKENS.alice}x`),
      invalid,
    ),
    refused(
      `${P}: Authorization: Bearer with no token: 401, not 500`,
      { authorization: 'Bearer' },
      missing,
    ),
    refused(
      `${P}: a valid token under another scheme (Token): 401 with the Bearer challenge`,
      { authorization: `Token ${BEARER_TOKENS.alice}` },
      missing,
    ),
    refused(
      `${P}: Basic credentials instead of a token: 401 with the Bearer challenge`,
      basicAuth('alice', BEARER_TOKENS.alice),
      missing,
    ),
    {
      name: `${P}: the token in an access_token query parameter is not accepted: 401`,
      given: get(TASKS, { access_token: BEARER_TOKENS.alice }),
      want: missing,
    },
    whoami(`${P}: a valid token names its principal`, alice, 'alice'),
    whoami(
      `${P}: the Bearer scheme is case-insensitive`,
      { authorization: `bearer ${BEARER_TOKENS.bob}` },
      'bob',
    ),
    {
      name: `${P}: a task another principal created is not in my list`,
      setup: [
        setupAs(alice, newTask({ input: 'alice' }, 'a')),
        setupAs(bob, newTask({ input: 'bob' }, 'b')),
      ],
      given: withHeaders(bob, get(TASKS)),
      want: { status: 200, json: { tasks: [{ task_id: '{b}' }], pagination: { total_items: 1 } } },
    },
    ...foreignTask(P, alice, bob),
    ...infoCases(
      P,
      { schemes: ['bearer'], realm: 'agent' },
      alice,
      bearer('bt-nobody-0000'),
      invalid,
    ),
  ],
};
