import type { ConformanceCase, Expected, FollowUp, SetupRequest } from '../case.js';
import { CONFORMANCE_LIMITS } from '../limits.js';
import { REFERENCE_SECRETS } from '../reference-agent.js';
import { error, invalid, pagination, secretDemand, secretKeyShape, stepShape } from '../shapes.js';
import {
  del,
  get,
  newSecret,
  newStep,
  newTask,
  post,
  SECRET,
  SECRETS,
  STEPS,
  storeSecret,
  TASKS,
  UNKNOWN_ID,
} from './requests.js';

/**
 * Secret values the cases store. Long and odd, so no response holds one by chance; each case
 * names the ones it stores in `secrets`, and the fixture checks every response of the case for
 * them, as they are and encoded (base64, base64url, hex).
 */
export const SECRET_VALUES = {
  first: 'sv-7Kq2Lm9Zx4Rt-first',
  second: 'sv-Wn5Pd3Hy8Jc6Vb-the-second-value',
  /** Non-ASCII, and a character outside the BMP: "characters" are code points. */
  unicode: 'sv-ünïcødé-✓-🔑-Jr6Tb',
  /** The largest value the spec allows: 65536 characters. */
  largest: `sv-${'Z'.repeat(65536 - 3)}`,
} as const;

/** The key the reference agent declares (`secrets` in its info), and an undeclared one. */
export const DECLARED_KEY = 'REFERENCE_API_KEY';
export const ADHOC_KEY = 'WEATHER_API_KEY';

const declared = REFERENCE_SECRETS[DECLARED_KEY]!;

/** What the reference agent says once a secret is available: its length, never the value. */
export const available = (key: string, value: string, greeting = 'Hello') =>
  `${greeting}. Secret ${key} is available (${[...value].length} characters).`;

/** The demand a step makes for a key: the declared name and description, or ad-hoc ones. */
export function demandOf(key: string) {
  return key === DECLARED_KEY
    ? secretDemand(key, declared.name, declared.description)
    : secretDemand(key, key, `The secret ${key}, asked for by "use secret ${key}".`);
}

/** A step that paused on a secret demand: a completed v1 step, not the last, naming the key. */
export function demanding(key: string, input: string | null = `use secret ${key}`): Expected {
  return {
    status: 200,
    json: {
      ...stepShape,
      status: 'completed',
      is_last: false,
      input,
      // A v1 client that ignores the typed field still reads, in words, what is missing.
      output: { $includes: key },
      secret_demands: [demandOf(key)],
      function_calls: { $absent: true },
    },
  };
}

/** A step that ran with the secret available. */
export function using(key: string, value: string, input: string | null = `use secret ${key}`) {
  return {
    status: 200,
    json: {
      ...stepShape,
      name: 'use_secret',
      status: 'completed',
      input,
      output: available(key, value),
      secret_demands: { $absent: true },
    },
  };
}

const useSecret = (key: string, taskVar = 'task_id') =>
  post(`${TASKS}/{${taskVar}}/steps`, { input: `use secret ${key}` });

/** A new task (bound as `as`) whose first step uses the secret: it must be available at once. */
function laterTask(key: string, value: string, as = 'later'): FollowUp[] {
  return [
    {
      given: post(TASKS, { input: 'a later task' }),
      want: { status: 200 },
      bind: { [as]: 'task_id' },
    },
    { given: useSecret(key, as), want: using(key, value) },
  ];
}

const empty = { secret_keys: [], pagination: pagination(0, 0, 1, 10) };
const listEmpty: FollowUp = { given: get(SECRETS), want: { status: 200, json: empty } };

/** A request storing nothing: 422 naming the field and rule; the list stays empty. */
function rejected(
  what: string,
  body: unknown,
  field: string,
  rule: string,
  secrets: string[] = [],
): ConformanceCase {
  return {
    name: `secrets: ${what}: 422 naming ${field} (${rule}), nothing stored`,
    given: post(SECRETS, body),
    want: { status: 422, json: invalid(field, 'body', rule) },
    then: [listEmpty],
    secrets,
  };
}

/** A request that must be stored, and is then usable: the value's length is what a step sees. */
function accepted(what: string, key: string, value: string): ConformanceCase {
  return {
    name: `secrets: ${what}: 200, stored and usable`,
    given: storeSecret(key, value),
    want: { status: 200, json: secretKeyShape(key) },
    then: [...laterTask(key, value)],
    secrets: [value],
  };
}

const { first, second, unicode, largest } = SECRET_VALUES;
const threeSecrets: SetupRequest[] = [
  newSecret('KEY_A', first, 'a'),
  newSecret('KEY_B', second, 'b'),
  newSecret('KEY_C', unicode, 'c'),
];

/** Secrets management: listAgentSecretKeys, addAgentSecret, revokeAgentSecret (PROTOCOL.md §4). */
const managementCases: ConformanceCase[] = [
  {
    name: 'secrets: list with none stored: 200, empty, with pagination',
    given: get(SECRETS),
    want: { status: 200, json: empty },
  },
  {
    name: 'secrets: store a secret: 200 with its id, key and timestamps, never the value',
    given: storeSecret('KEY_A', first),
    want: { status: 200, json: secretKeyShape('KEY_A') },
    bind: { secret_id: 'secret_id', created_at: 'created_at' },
    then: [
      {
        given: get(SECRETS),
        want: {
          status: 200,
          json: {
            secret_keys: [
              secretKeyShape('KEY_A', { secret_id: '{secret_id}', created_at: '{created_at}' }),
            ],
            pagination: pagination(1, 1, 1, 10),
          },
        },
      },
    ],
    secrets: [first],
  },
  {
    name: 'secrets: store an existing key again: updated in place (same secret_id and created_at), the new value is used',
    setup: [
      {
        given: storeSecret('KEY_A', first),
        bind: { secret_id: 'secret_id', created: 'created_at' },
      },
    ],
    given: storeSecret('KEY_A', second),
    want: {
      status: 200,
      json: secretKeyShape('KEY_A', { secret_id: '{secret_id}', created_at: '{created}' }),
    },
    then: [
      {
        given: get(SECRETS),
        want: {
          status: 200,
          json: {
            secret_keys: [secretKeyShape('KEY_A', { secret_id: '{secret_id}' })],
            pagination: pagination(1, 1, 1, 10),
          },
        },
      },
      ...laterTask('KEY_A', second),
    ],
    secrets: [first, second],
  },
  {
    name: 'secrets: keys are case-sensitive: API_KEY and api_key are two secrets',
    setup: [newSecret('API_KEY', first, 'upper')],
    given: storeSecret('api_key', second),
    want: { status: 200, json: secretKeyShape('api_key', { secret_id: { $not: '{upper}' } }) },
    then: [
      // A page beyond the end: the totals, whatever order the two are listed in.
      {
        given: get(SECRETS, { current_page: '3', page_size: '1' }),
        want: { status: 200, json: { secret_keys: [], pagination: pagination(2, 2, 3, 1) } },
      },
      ...laterTask('API_KEY', first, 't1'),
      { given: useSecret('api_key', 't1'), want: using('api_key', second) },
    ],
    secrets: [first, second],
  },
  {
    name: 'secrets: revoke: 204 with no body; gone from the list; a second revoke is 404',
    setup: [newSecret('KEY_A', first)],
    given: del(SECRET),
    want: { status: 204, bodyBytes: '' },
    then: [
      listEmpty,
      { given: del(SECRET), want: { status: 404, json: error('not_found') } },
      // Stored again, it is a new secret.
      {
        given: storeSecret('KEY_A', second),
        want: {
          status: 200,
          json: secretKeyShape('KEY_A', { secret_id: { $not: '{secret_id}' } }),
        },
      },
    ],
    secrets: [first, second],
  },
  {
    name: 'secrets: a revoked secret is demanded again by the next step that uses it',
    setup: [newSecret('KEY_A', first), newTask(), newStep({ input: 'use secret KEY_A' })],
    given: del(SECRET),
    want: { status: 204 },
    then: [{ given: useSecret('KEY_A'), want: demanding('KEY_A') }],
    secrets: [first],
  },
  {
    name: 'secrets: revoke an id nobody issued: 404',
    given: del(`${SECRETS}/${UNKNOWN_ID}`),
    want: { status: 404, json: error('not_found') },
  },
  {
    name: 'secrets: revoke an id that is not even a UUID: 404',
    setup: [newSecret('KEY_A', first)],
    given: del(`${SECRETS}/not-a-secret-id`),
    want: { status: 404, json: error('not_found') },
    then: [
      { given: get(SECRETS), want: { status: 200, json: { pagination: { total_items: 1 } } } },
    ],
    secrets: [first],
  },
  {
    name: 'secrets: PUT on the secrets collection: 405 with allow: GET, POST',
    given: { method: 'PUT', path: SECRETS, json: { secret_key: 'KEY_A', secret_value: first } },
    want: { status: 405, headers: { allow: 'GET, POST' }, json: error('method_not_allowed') },
    secrets: [first],
  },
  {
    name: 'secrets: GET one secret: 405 with allow: DELETE (a value is never read back)',
    setup: [newSecret('KEY_A', first)],
    given: get(SECRET),
    want: { status: 405, headers: { allow: 'DELETE' }, json: error('method_not_allowed') },
    secrets: [first],
  },
];

/** Key names and value sizes (the spec's SecretRequestBody). */
const validationCases: ConformanceCase[] = [
  rejected(
    'a key starting with a digit',
    { secret_key: '9LIVES', secret_value: first },
    'secret_key',
    'pattern',
    [first],
  ),
  rejected(
    'a key with a space',
    { secret_key: 'MY KEY', secret_value: first },
    'secret_key',
    'pattern',
    [first],
  ),
  rejected(
    'a key with a slash',
    { secret_key: 'a/b', secret_value: first },
    'secret_key',
    'pattern',
    [first],
  ),
  rejected(
    'a key starting with a dot (../etc)',
    { secret_key: '../etc', secret_value: first },
    'secret_key',
    'pattern',
    [first],
  ),
  rejected('a non-ASCII key', { secret_key: 'KÉY', secret_value: first }, 'secret_key', 'pattern', [
    first,
  ]),
  rejected('an empty key', { secret_key: '', secret_value: first }, 'secret_key', 'pattern', [
    first,
  ]),
  rejected(
    'a key of 129 characters',
    { secret_key: `K${'x'.repeat(128)}`, secret_value: first },
    'secret_key',
    'pattern',
    [first],
  ),
  rejected(
    'a key that is not a string',
    { secret_key: 42, secret_value: first },
    'secret_key',
    'type',
    [first],
  ),
  rejected('no key', { secret_value: first }, 'secret_key', 'required', [first]),
  rejected('no value', { secret_key: 'KEY_A' }, 'secret_value', 'required'),
  rejected(
    'an empty value',
    { secret_key: 'KEY_A', secret_value: '' },
    'secret_value',
    'minLength',
  ),
  rejected(
    'a value of 65537 characters',
    { secret_key: 'KEY_A', secret_value: `${largest}x` },
    'secret_value',
    'maxLength',
    [`${largest}x`],
  ),
  rejected('a null value', { secret_key: 'KEY_A', secret_value: null }, 'secret_value', 'type'),
  rejected(
    'a value that is not a string',
    { secret_key: 'KEY_A', secret_value: 73519864 },
    'secret_value',
    'type',
  ),
  rejected('a body that is not an object', [first], 'body', 'type', [first]),
  {
    name: 'secrets: malformed JSON holding a value: 400 that does not quote it, nothing stored',
    given: {
      method: 'POST',
      path: SECRETS,
      headers: { 'content-type': 'application/json' },
      rawBody: `{"secret_key": "KEY_A", "secret_value": "${first}" oops}`,
    },
    want: { status: 400, json: error('bad_request') },
    then: [listEmpty],
    secrets: [first],
  },
  {
    name: 'secrets: JSON cut off inside the value: 400 that does not quote it, nothing stored',
    given: {
      method: 'POST',
      path: SECRETS,
      headers: { 'content-type': 'application/json' },
      rawBody: `{"secret_key": "KEY_A", "secret_value": "${first}`,
    },
    want: { status: 400, json: error('bad_request') },
    then: [listEmpty],
    secrets: [first],
  },
  {
    name: 'secrets: a body over the JSON limit holding a value: 413 that does not quote it, nothing stored',
    given: storeSecret('KEY_A', `${first}${'p'.repeat(CONFORMANCE_LIMITS.maxJsonBytes)}`),
    want: { status: 413, json: error('payload_too_large') },
    then: [listEmpty],
    secrets: [first],
  },
  accepted('a key of exactly 128 characters', `K${'x'.repeat(127)}`, first),
  accepted('a key using every allowed character class (_a.B-9)', '_a.B-9', first),
  accepted('a value of one character', 'ONE_CHAR', 'x'),
  accepted('a value of exactly 65536 characters', 'LARGEST', largest),
  accepted('a non-ASCII value (counted in code points)', 'UNICODE', unicode),
  accepted(
    'a value with a NUL, a newline, quotes and a backslash',
    'CONTROL',
    'sv-\u0000-line\nnext-"quoted"-back\\slash',
  ),
];

/** listAgentSecretKeys pages; what does not depend on the order two secrets are listed in. */
const paginationCases: ConformanceCase[] = [
  {
    name: 'secrets pagination: page_size=1 comes back as the number 1, with one item',
    setup: [newSecret('KEY_A', first)],
    given: get(SECRETS, { page_size: '1' }),
    want: {
      status: 200,
      json: {
        secret_keys: [secretKeyShape('KEY_A', { secret_id: '{secret_id}' })],
        pagination: pagination(1, 1, 1, 1),
      },
    },
    secrets: [first],
  },
  {
    name: 'secrets pagination: a page beyond the end is empty, with the right totals',
    setup: threeSecrets,
    given: get(SECRETS, { current_page: '3', page_size: '2' }),
    want: { status: 200, json: { secret_keys: [], pagination: pagination(3, 2, 3, 2) } },
    secrets: [first, second, unicode],
  },
  {
    name: 'secrets pagination: the default page holds all three, each once',
    setup: threeSecrets,
    given: get(SECRETS),
    want: {
      status: 200,
      json: {
        secret_keys: {
          $and: [
            { $length: 3 },
            { $contains: { secret_id: '{a}', secret_key: 'KEY_A' } },
            { $contains: { secret_id: '{b}', secret_key: 'KEY_B' } },
            { $contains: { secret_id: '{c}', secret_key: 'KEY_C' } },
          ],
        },
        pagination: pagination(3, 1, 1, 10),
      },
    },
    secrets: [first, second, unicode],
  },
  {
    name: 'secrets pagination: a huge page_size is served as the maximum and says so',
    setup: [newSecret('KEY_A', first)],
    given: get(SECRETS, { page_size: '100000' }),
    want: {
      status: 200,
      json: { secret_keys: { $length: 1 }, pagination: pagination(1, 1, 1, 100) },
    },
    secrets: [first],
  },
  ...(
    [
      ['page_size', '0', 'minimum'],
      ['page_size', 'abc', undefined],
      ['current_page', '0', 'minimum'],
      ['current_page', '-1', undefined],
    ] as const
  ).map(([field, value, rule]): ConformanceCase => ({
    name: `secrets pagination: ${field}=${value} is 422 naming ${field}`,
    given: get(SECRETS, { [field]: value }),
    want: { status: 422, json: invalid(field, 'query', rule) },
  })),
];

/** Secret demands (the pattern of seed 001), through the reference agent's `use secret <KEY>`. */
const demandCases: ConformanceCase[] = [
  {
    name: 'secrets: the info lists the secrets the agent declares, with name and description',
    given: get('/ap/v1/agent/info'),
    want: {
      status: 200,
      json: {
        secrets: {
          $and: [
            { $keys: [DECLARED_KEY] },
            {
              [DECLARED_KEY]: {
                $and: [{ $keys: ['name', 'description'] }, declared],
              },
            },
          ],
        },
      },
    },
  },
  {
    name: 'secret demand: a declared secret that is not stored: the step pauses, naming it (declared name and description)',
    setup: [newTask()],
    given: useSecret(DECLARED_KEY),
    want: demanding(DECLARED_KEY),
    bind: { step_id: 'step_id' },
    then: [
      // The pause is the step as recorded: read back, it is the same.
      { given: get(`${STEPS}/{step_id}`), want: demanding(DECLARED_KEY) },
    ],
  },
  {
    name: 'secret demand: an undeclared secret is demanded with the name and description the agent gives',
    setup: [newTask()],
    given: useSecret(ADHOC_KEY),
    want: demanding(ADHOC_KEY),
  },
  {
    name: 'secret demand: demand → store → the next empty step continues with the secret; a later task is not asked again',
    setup: [newTask(), newStep({ input: `use secret ${DECLARED_KEY}` })],
    given: storeSecret(DECLARED_KEY, first),
    want: { status: 200, json: secretKeyShape(DECLARED_KEY) },
    then: [
      { given: post(STEPS, {}), want: using(DECLARED_KEY, first, null) },
      // The work is done: one more empty step is just an empty step.
      {
        given: post(STEPS, {}),
        want: { status: 200, json: { name: 'echo', output: 'Hello. You said nothing.' } },
      },
      ...laterTask(DECLARED_KEY, first),
      {
        given: get(STEPS),
        want: {
          status: 200,
          json: {
            steps: [
              { input: `use secret ${DECLARED_KEY}`, secret_demands: [demandOf(DECLARED_KEY)] },
              { input: null, output: available(DECLARED_KEY, first) },
              { input: null, output: 'Hello. You said nothing.' },
            ],
          },
        },
      },
    ],
    secrets: [first],
  },
  ...(
    [
      ['no body at all', undefined],
      ['{"input": null}', { input: null }],
      ['{"input": ""}', { input: '' }],
    ] as const
  ).map(([what, body]): ConformanceCase => ({
    name: `secret demand: once stored, a step with ${what} continues the paused work`,
    setup: [
      newTask(),
      newStep({ input: `use secret ${ADHOC_KEY}` }),
      { given: storeSecret(ADHOC_KEY, second) },
    ],
    given: body === undefined ? { method: 'POST', path: STEPS } : post(STEPS, body),
    want: {
      status: 200,
      json: {
        name: 'use_secret',
        output: available(ADHOC_KEY, second),
        secret_demands: { $absent: true },
      },
    },
    secrets: [second],
  })),
  {
    name: 'secret demand: an empty step while the secret is still missing demands it again',
    setup: [newTask(), newStep({ input: `use secret ${ADHOC_KEY}` })],
    given: post(STEPS, {}),
    want: demanding(ADHOC_KEY, null),
    then: [
      { given: storeSecret(ADHOC_KEY, second), want: { status: 200 } },
      { given: post(STEPS, {}), want: using(ADHOC_KEY, second, null) },
    ],
    secrets: [second],
  },
  {
    name: 'secret demand: a new input drops the paused work',
    setup: [newTask(), newStep({ input: `use secret ${ADHOC_KEY}` })],
    given: post(STEPS, { input: 'something else' }),
    want: {
      status: 200,
      json: {
        name: 'echo',
        output: 'Hello. You said: something else',
        secret_demands: { $absent: true },
      },
    },
    then: [
      { given: storeSecret(ADHOC_KEY, second), want: { status: 200 } },
      {
        given: post(STEPS, {}),
        want: { status: 200, json: { name: 'echo', output: 'Hello. You said nothing.' } },
      },
    ],
    secrets: [second],
  },
  {
    name: 'secret demand: a secret stored before the task is used at once (pre-configured)',
    setup: [newSecret(DECLARED_KEY, unicode), newTask()],
    given: useSecret(DECLARED_KEY),
    want: using(DECLARED_KEY, unicode),
    secrets: [unicode],
  },
  {
    name: 'secret demand: the paused work keeps the options it started with',
    setup: [
      newTask({ input: 'options', additional_input: { greeting: 'Hi' } }),
      newStep({ input: `use secret ${ADHOC_KEY}`, additional_input: { verbosity: 'loud' } }),
      { given: storeSecret(ADHOC_KEY, first) },
    ],
    given: post(STEPS, {}),
    want: { status: 200, json: { output: available(ADHOC_KEY, first, 'Hi').toUpperCase() } },
    secrets: [first],
  },
  {
    name: 'secret demand: a handler that fails with the value in its error: a failed step whose error names nothing',
    setup: [newSecret(ADHOC_KEY, first), newTask()],
    given: post(STEPS, { input: `use secret ${ADHOC_KEY} and fail` }),
    want: {
      status: 200,
      json: { outcome: 'failed', error: { code: 'step_failed' }, output: null },
    },
    then: [
      {
        given: get(STEPS),
        want: {
          status: 200,
          json: { steps: [{ outcome: 'failed' }], pagination: pagination(1, 1, 1, 10) },
        },
      },
    ],
    secrets: [first],
  },
  {
    name: 'secret demand: "use secret" with a key no secret can have is answered, not demanded',
    setup: [newTask()],
    given: post(STEPS, { input: 'use secret 9LIVES' }),
    want: {
      status: 200,
      json: {
        name: 'use_secret',
        output: "Hello. '9LIVES' is not a valid secret key.",
        secret_demands: { $absent: true },
      },
    },
  },
];

/** Every secrets case: management, validation, pagination, demands. */
export const secretCases: ConformanceCase[] = [
  ...managementCases,
  ...validationCases,
  ...paginationCases,
  ...demandCases,
];
