import type { CaseRequest, ConformanceCase, Expected, FollowUp } from '../case.js';
import { CONFORMANCE_LIMITS } from '../limits.js';
import { error, pagination } from '../shapes.js';
import { answer, CALL_EMAIL, optedInTask, pausedOnEmail } from './client-functions.js';
import { get, newTask, post, SECRETS, STEPS, TASK, TASKS } from './requests.js';

/**
 * How deep a JSON body may nest (PROTOCOL.md section 6: bad input of every kind gets a clear 4xx;
 * whatever is accepted can be stored and served back). Depth counts the objects and arrays open
 * at once, the body's own object being level 1. A deeper body is a 400 `json_too_deep` whose
 * message names the limit, and nothing is stored; a body exactly at the limit is taken and served
 * back as sent. Bodies far past the limit (10,000 levels, where a recursive serialiser overflows
 * the stack) are sent as raw bytes; bodies near it as JSON values, so that they also reach the
 * server through a framework's own JSON parser.
 */

const LIMIT = CONFORMANCE_LIMITS.maxJsonDepth;
const JSON_HEADERS = { 'content-type': 'application/json' };

/** `{"a":{"a":…{}…}}`: JSON text of an object `levels` deep. */
const objectsText = (levels: number) => '{"a":'.repeat(levels - 1) + '{}' + '}'.repeat(levels - 1);
/** `[[…[]…]]`: JSON text of an array `levels` deep. */
const arraysText = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);

/**
 * A value exactly `levels` deep, outermost an object, objects and arrays taking turns, with
 * scalars (and brackets inside strings) along the way: a round trip has something to lose.
 */
function nested(levels: number): Record<string, unknown> {
  let value: unknown = { deepest: true, text: '{[ "quoted" \\ ]}', n: 1.5, none: null };
  for (let level = 2; level <= levels; level++) {
    value = (levels - level) % 2 === 0 ? { level, next: value } : [level, value];
  }
  return value as Record<string, unknown>;
}

/** A matcher for `value` and nothing else: every object with exactly its keys. */
function exactly(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(exactly);
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).map(([k, v]) => [k, exactly(v)] as const);
    return { $and: [{ $keys: Object.keys(value) }, Object.fromEntries(entries)] };
  }
  return value;
}

const rawPost = (path: string, rawBody: string): CaseRequest => ({
  method: 'POST',
  path,
  headers: JSON_HEADERS,
  rawBody,
});

const tooDeep: Expected = {
  status: 400,
  json: error('json_too_deep', { message: { $includes: String(LIMIT) } }),
};

const noTasks: FollowUp = {
  given: get(TASKS),
  want: { status: 200, json: { tasks: [], pagination: pagination(0, 0, 1, 10) } },
};

/** How many steps the task has: a refused request recorded none. */
const stepCount = (n: number): FollowUp => ({
  given: get(STEPS),
  want: { status: 200, json: { pagination: pagination(n, n === 0 ? 0 : 1, 1, 10) } },
});

/** The call `{call_id}` is still outstanding: a proper answer is taken. */
const callStillOutstanding: FollowUp = {
  given: answer({ output: 'late' }),
  want: {
    status: 200,
    json: {
      name: 'call_function',
      output: 'Hello. send_email returned "late".',
      function_calls: { $absent: true },
    },
  },
};

const atLimit = nested(LIMIT - 1); // inside the body's own object
const overLimit = nested(LIMIT);
// Inside the body, its function_results array and the result object.
const outputAtLimit = nested(LIMIT - 3);
const outputOverLimit = nested(LIMIT - 2);

export const jsonDepthCases: ConformanceCase[] = [
  {
    name: 'JSON depth: a task whose additional_input nests 10,000 objects: 400 json_too_deep naming the limit, no task',
    given: rawPost(TASKS, `{"input":"deep","additional_input":${objectsText(10_000)}}`),
    want: tooDeep,
    then: [noTasks],
  },
  {
    name: 'JSON depth: a task whose additional_input holds 10,000 nested arrays: 400 json_too_deep, no task',
    given: rawPost(TASKS, `{"additional_input":{"a":${arraysText(10_000)}}}`),
    want: tooDeep,
    then: [noTasks],
  },
  {
    name: 'JSON depth: a task 1,000 levels deep: 400 json_too_deep, no task',
    given: post(TASKS, { input: 'deep', additional_input: nested(1000) }),
    want: tooDeep,
    then: [noTasks],
  },
  {
    name: `JSON depth: a task exactly ${LIMIT} levels deep is taken and served back as sent`,
    given: post(TASKS, { input: 'deep', additional_input: atLimit }),
    want: { status: 200, json: { input: 'deep', additional_input: exactly(atLimit) } },
    bind: { task_id: 'task_id' },
    then: [
      { given: get(TASK), want: { status: 200, json: { additional_input: exactly(atLimit) } } },
      {
        given: get(TASKS),
        want: {
          status: 200,
          json: {
            tasks: [{ additional_input: exactly(atLimit) }],
            pagination: pagination(1, 1, 1, 10),
          },
        },
      },
    ],
  },
  {
    name: `JSON depth: a task ${LIMIT + 1} levels deep: 400 json_too_deep, no task`,
    given: post(TASKS, { input: 'deep', additional_input: overLimit }),
    want: tooDeep,
    then: [noTasks],
  },
  {
    name: 'JSON depth: brackets inside strings are text, not depth: the task is taken as sent',
    given: post(TASKS, {
      input: '[{"\\'.repeat(2000),
      additional_input: { '{{[[': ']]}}', quote: '\\"{' },
    }),
    want: {
      status: 200,
      json: {
        input: '[{"\\'.repeat(2000),
        additional_input: exactly({ '{{[[': ']]}}', quote: '\\"{' }),
      },
    },
  },
  {
    name: 'JSON depth: a step whose additional_input nests 10,000 objects: 400 json_too_deep, no step',
    setup: [newTask()],
    given: rawPost(STEPS, `{"input":"deep","additional_input":${objectsText(10_000)}}`),
    want: tooDeep,
    then: [stepCount(0)],
  },
  {
    name: `JSON depth: a step exactly ${LIMIT} levels deep is taken and served back as sent`,
    setup: [newTask()],
    given: post(STEPS, { input: 'deep', additional_input: atLimit }),
    want: { status: 200, json: { status: 'completed', additional_input: exactly(atLimit) } },
    bind: { step_id: 'step_id' },
    then: [
      {
        given: get(`${STEPS}/{step_id}`),
        want: { status: 200, json: { additional_input: exactly(atLimit) } },
      },
      stepCount(1),
    ],
  },
  {
    name: `JSON depth: a step ${LIMIT + 1} levels deep: 400 json_too_deep, no step`,
    setup: [newTask()],
    given: post(STEPS, { input: 'deep', additional_input: overLimit }),
    want: tooDeep,
    then: [stepCount(0)],
  },
  {
    name: 'JSON depth: a function result whose output nests 10,000 arrays: 400 json_too_deep, nothing recorded, the call still outstanding',
    setup: [optedInTask(), pausedOnEmail],
    given: rawPost(
      STEPS,
      `{"function_results":[{"id":"{call_id}","output":${arraysText(10_000)}}]}`,
    ),
    want: tooDeep,
    then: [stepCount(1), callStillOutstanding],
  },
  {
    name: `JSON depth: a function result ${LIMIT + 1} levels deep: 400 json_too_deep, nothing recorded, the call still outstanding`,
    setup: [optedInTask(), pausedOnEmail],
    given: answer({ output: outputOverLimit }),
    want: tooDeep,
    then: [stepCount(1), callStillOutstanding],
  },
  {
    name: `JSON depth: a function result exactly ${LIMIT} levels deep is taken and served back as sent`,
    setup: [optedInTask(), pausedOnEmail],
    given: answer({ output: outputAtLimit }),
    want: {
      status: 200,
      json: {
        name: 'call_function',
        output: `Hello. send_email returned ${JSON.stringify(outputAtLimit)}.`,
        function_results: [
          {
            $and: [
              { $keys: ['id', 'output'] },
              { id: '{call_id}', output: exactly(outputAtLimit) },
            ],
          },
        ],
      },
    },
    bind: { step_id: 'step_id' },
    then: [
      {
        given: get(`${STEPS}/{step_id}`),
        want: {
          status: 200,
          json: { function_results: [{ id: '{call_id}', output: exactly(outputAtLimit) }] },
        },
      },
      {
        given: get(STEPS),
        want: {
          status: 200,
          json: {
            steps: [{ input: CALL_EMAIL }, { name: 'call_function' }],
            pagination: pagination(2, 1, 1, 10),
          },
        },
      },
    ],
  },
  {
    name: 'JSON depth: a secret request nesting 10,000 objects: 400 json_too_deep, no secret',
    given: rawPost(SECRETS, `{"secret_key":"DEEP_KEY","secret_value":${objectsText(10_000)}}`),
    want: tooDeep,
    then: [{ given: get(SECRETS), want: { status: 200, json: { secret_keys: [] } } }],
  },
];
