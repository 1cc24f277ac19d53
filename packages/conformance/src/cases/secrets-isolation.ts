import type { AuthCase, AuthCaseGroup } from '../auth-group.js';
import { encodedForms } from '../check.js';
import { error, pagination, secretKeyShape } from '../shapes.js';
import { BEARER_TOKENS } from './auth-bearer.js';
import { bearer, bearerMissing, setupAs, unauthorized, withHeaders } from './auth-shared.js';
import {
  del,
  get,
  newSecret,
  newTask,
  post,
  SECRET,
  SECRETS,
  storeSecret,
  TASKS,
  UNKNOWN_ID,
} from './requests.js';
import { answer, CALL_EMAIL, optedInTask } from './client-functions.js';
import { demanding, SECRET_VALUES, using } from './secrets.js';

const alice = bearer(BEARER_TOKENS.alice);
const bob = bearer(BEARER_TOKENS.bob);
const P = 'secrets and pauses (bearer)';
const KEY = 'SHARED_NAME_KEY';
const { first: aliceValue, second: bobValue } = SECRET_VALUES;

/** `use secret <key>` on the task bound as `taskVar`, as `who`. */
const use = (who: Record<string, string>, key: string, taskVar: string) =>
  withHeaders(who, post(`${TASKS}/{${taskVar}}/steps`, { input: `use secret ${key}` }));

/** Alice's secret, stored before the case; bound as `{secret_id}`. */
const aliceStores = setupAs(alice, newSecret(KEY, aliceValue));
const aliceStillHasIt = [
  {
    given: withHeaders(alice, get(SECRETS)),
    want: {
      status: 200,
      json: {
        secret_keys: [secretKeyShape(KEY, { secret_id: '{secret_id}' })],
        pagination: pagination(1, 1, 1, 10),
      },
    },
  },
  {
    given: withHeaders(alice, post(TASKS, { input: 'alice' })),
    want: { status: 200 },
    bind: { alice_task: 'task_id' },
  },
  { given: use(alice, KEY, 'alice_task'), want: using(KEY, aliceValue) },
];

const withoutCredentials: AuthCase[] = (
  [
    ['list secrets', get(SECRETS)],
    ['store a secret', storeSecret(KEY, aliceValue)],
    ['store an invalid secret (401 before any 422)', post(SECRETS, { secret_key: '9' })],
    ['revoke a secret', del(`${SECRETS}/${UNKNOWN_ID}`)],
  ] as const
).map(([what, request]) => ({
  name: `${P}: ${what} without credentials: 401 with a Bearer challenge`,
  given: request,
  want: unauthorized(bearerMissing()),
}));

/**
 * Every secret belongs to the principal that stored it (PROTOCOL.md §3, §4): another principal
 * does not list it, cannot revoke it, and cannot use it (his step demands it as if it did not
 * exist); nor can he answer a call another principal's step waits for. Run under bearer auth:
 * alice and bob.
 */
export const secretsBearerGroup: AuthCaseGroup = {
  name: P,
  auth: {
    strategy: 'bearer',
    tokens: { [BEARER_TOKENS.alice]: 'alice', [BEARER_TOKENS.bob]: 'bob' },
  },
  // Every response of every case, setup included: neither value, in any form.
  secrets: [aliceValue, bobValue].flatMap(encodedForms),
  cases: [
    ...withoutCredentials,
    {
      name: `${P}: another principal's secret is not in my list`,
      setup: [aliceStores],
      given: withHeaders(bob, get(SECRETS)),
      want: { status: 200, json: { secret_keys: [], pagination: pagination(0, 0, 1, 10) } },
      then: aliceStillHasIt,
    },
    {
      name: `${P}: revoking another principal's secret: 404, as for an unknown id; it stays`,
      setup: [aliceStores],
      given: withHeaders(bob, del(SECRET)),
      want: { status: 404, json: error('not_found') },
      then: aliceStillHasIt,
    },
    {
      name: `${P}: my step demands a key another principal stored, as if it did not exist`,
      setup: [aliceStores, setupAs(bob, newTask({ input: 'bob' }, 'bob_task'))],
      given: use(bob, KEY, 'bob_task'),
      want: demanding(KEY),
      then: aliceStillHasIt,
    },
    {
      name: `${P}: storing a key another principal has makes a secret of my own; each uses their own value`,
      setup: [aliceStores, setupAs(bob, newTask({ input: 'bob' }, 'bob_task'))],
      given: withHeaders(bob, storeSecret(KEY, bobValue)),
      want: { status: 200, json: secretKeyShape(KEY, { secret_id: { $not: '{secret_id}' } }) },
      bind: { bob_secret: 'secret_id' },
      then: [
        { given: use(bob, KEY, 'bob_task'), want: using(KEY, bobValue) },
        ...aliceStillHasIt,
        // Revoking his own leaves hers.
        { given: withHeaders(bob, del(`${SECRETS}/{bob_secret}`)), want: { status: 204 } },
        { given: use(bob, KEY, 'bob_task'), want: demanding(KEY) },
        { given: use(alice, KEY, 'alice_task'), want: using(KEY, aliceValue) },
      ],
    },
    {
      name: `${P}: a secret stored while another principal's step waits for it does not continue that step`,
      setup: [
        setupAs(bob, newTask({ input: 'bob' }, 'bob_task')),
        { given: use(bob, KEY, 'bob_task') },
        aliceStores,
      ],
      given: withHeaders(bob, post(`${TASKS}/{bob_task}/steps`, {})),
      want: demanding(KEY, null),
    },
    {
      name: `${P}: answering another principal's function call: 404; the call stays outstanding`,
      setup: [
        setupAs(alice, optedInTask()),
        setupAs(alice, {
          given: post(`${TASKS}/{task_id}/steps`, { input: CALL_EMAIL }),
          bind: { call_id: 'function_calls.0.id' },
        }),
      ],
      given: withHeaders(bob, answer({ output: 'from bob' })),
      want: { status: 404, json: error('not_found') },
      then: [
        {
          given: withHeaders(alice, answer({ output: 'from alice' })),
          want: { status: 200, json: { output: 'Hello. send_email returned "from alice".' } },
        },
      ],
    },
  ],
};
