import type { ConformanceCase, Expected } from '../case.js';
import { error, invalid, pagination, stepShape } from '../shapes.js';
import { ADHOC_KEY, available, DECLARED_KEY, demanding, SECRET_VALUES } from './secrets.js';
import { get, newStep, newTask, post, STEPS, storeSecret, TASKS } from './requests.js';

/** What the reference agent says when the user declined the secret: it goes on without it. */
export const goesOnWithout = (key: string) =>
  `Hello. No secret ${key} provided: going on without it.`;

/** A step whose work went on without a declined secret. */
function withoutSecret(key: string, input: string | null, declined?: string[]): Expected {
  return {
    status: 200,
    json: {
      ...stepShape,
      name: 'use_secret',
      status: 'completed',
      input,
      output: goesOnWithout(key),
      is_last: false,
      secret_demands: { $absent: true },
      declined_secrets: declined ?? { $absent: true },
    },
  };
}

const decline = (...keys: string[]) => post(STEPS, { declined_secrets: keys });
const useSecret = (key: string) => newStep({ input: `use secret ${key}` });

/**
 * Declining a secret demand (seed 001: "No Slack API key provided"): the step request names the
 * keys in `declined_secrets`, the paused work resumes and the agent goes on without them. The
 * refusal holds for the rest of the task, and only for that task.
 */
export const secretDeclineCases: ConformanceCase[] = [
  {
    name: 'secret demand declined: the paused work resumes without the secret, the request echoed',
    setup: [newTask(), useSecret(DECLARED_KEY)],
    given: decline(DECLARED_KEY),
    want: withoutSecret(DECLARED_KEY, null, [DECLARED_KEY]),
    then: [
      {
        given: get(STEPS),
        want: {
          status: 200,
          json: {
            steps: [
              { input: `use secret ${DECLARED_KEY}`, declined_secrets: { $absent: true } },
              {
                input: null,
                declined_secrets: [DECLARED_KEY],
                output: goesOnWithout(DECLARED_KEY),
              },
            ],
            pagination: pagination(2, 1, 1, 10),
          },
        },
      },
    ],
  },
  {
    name: 'secret demand declined: the task does not ask again; a later task does',
    setup: [newTask(), useSecret(ADHOC_KEY), { given: decline(ADHOC_KEY) }],
    given: post(STEPS, { input: `use secret ${ADHOC_KEY}` }),
    want: withoutSecret(ADHOC_KEY, `use secret ${ADHOC_KEY}`),
    then: [
      // A new step with other words in between: still remembered.
      {
        given: post(STEPS, { input: 'y' }),
        want: { status: 200, json: { output: 'Hello. You said: y' } },
      },
      {
        given: post(STEPS, { input: `use secret ${ADHOC_KEY}` }),
        want: withoutSecret(ADHOC_KEY, `use secret ${ADHOC_KEY}`),
      },
      {
        given: post(TASKS, { input: 'another task' }),
        want: { status: 200 },
        bind: { other: 'task_id' },
      },
      {
        given: post(`${TASKS}/{other}/steps`, { input: `use secret ${ADHOC_KEY}` }),
        want: demanding(ADHOC_KEY),
      },
    ],
  },
  {
    name: 'secret demand declined, then the value stored after all: the task uses it',
    setup: [newTask(), useSecret(ADHOC_KEY), { given: decline(ADHOC_KEY) }],
    given: storeSecret(ADHOC_KEY, SECRET_VALUES.second),
    want: { status: 200 },
    then: [
      {
        given: post(STEPS, { input: `use secret ${ADHOC_KEY}` }),
        want: { status: 200, json: { output: available(ADHOC_KEY, SECRET_VALUES.second) } },
      },
    ],
    secrets: [SECRET_VALUES.second],
  },
  {
    name: 'benchmark flow: a declined secret lets the resumed work end the task',
    setup: [newTask({ input: `use secret ${ADHOC_KEY}` }), newStep({})],
    given: decline(ADHOC_KEY),
    want: {
      status: 200,
      json: { name: 'use_secret', output: goesOnWithout(ADHOC_KEY), is_last: true },
    },
  },
  {
    name: 'declining a secret no step waits for: 409, nothing recorded',
    setup: [newTask(), useSecret(DECLARED_KEY)],
    given: decline(ADHOC_KEY),
    want: { status: 409, json: error('conflict', { message: { $includes: ADHOC_KEY } }) },
    then: [
      { given: get(STEPS), want: { status: 200, json: { pagination: pagination(1, 1, 1, 10) } } },
    ],
  },
  {
    name: 'declining a secret on a task with no paused step: 409, nothing recorded',
    setup: [newTask(), newStep({ input: 'y' })],
    given: decline(DECLARED_KEY),
    want: { status: 409, json: error('conflict') },
    then: [
      { given: get(STEPS), want: { status: 200, json: { pagination: pagination(1, 1, 1, 10) } } },
    ],
  },
  {
    name: 'declining a secret once the work it paused went on: 409',
    setup: [
      newTask(),
      useSecret(ADHOC_KEY),
      { given: storeSecret(ADHOC_KEY, SECRET_VALUES.first) },
      newStep({}),
    ],
    given: decline(ADHOC_KEY),
    want: { status: 409, json: error('conflict') },
    secrets: [SECRET_VALUES.first],
  },
  ...(
    [
      ['not an array', 'KEY', 'declined_secrets'],
      ['a key that is not a SecretKey', ['not a key'], 'declined_secrets.0'],
      ['the same key twice', [DECLARED_KEY, DECLARED_KEY], 'declined_secrets'],
      ['a number', [42], 'declined_secrets.0'],
    ] as const
  ).map(([what, value, field]): ConformanceCase => ({
    name: `declined_secrets holding ${what}: 422, nothing recorded`,
    setup: [newTask(), useSecret(DECLARED_KEY)],
    given: post(STEPS, { declined_secrets: value }),
    want: { status: 422, json: invalid(field) },
    then: [
      { given: get(STEPS), want: { status: 200, json: { pagination: pagination(1, 1, 1, 10) } } },
    ],
  })),
];
