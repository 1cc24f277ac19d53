import type { ConformanceCase } from '../case.js';
import { error, invalid, pagination, taskShape, UUID } from '../shapes.js';
import { get, newTask, post, TASK, TASKS, UNKNOWN_ID } from './requests.js';

/** createAgentTask, getAgentTask, listAgentTasks. */
export const taskCases: ConformanceCase[] = [
  {
    name: 'create a task: 200 with a task_id, the input and no artifacts',
    given: post(TASKS, { input: 'Write the word Washington to a file.' }),
    want: {
      status: 200,
      json: {
        ...taskShape,
        task_id: UUID,
        input: 'Write the word Washington to a file.',
        additional_input: {},
        artifacts: [],
      },
    },
    bind: { task_id: 'task_id' },
    then: [
      {
        given: get(TASK),
        want: {
          status: 200,
          json: {
            task_id: '{task_id}',
            input: 'Write the word Washington to a file.',
            artifacts: [],
          },
        },
      },
    ],
  },
  {
    name: 'create a task with no body at all: input is null',
    given: { method: 'POST', path: TASKS },
    want: { status: 200, json: { ...taskShape, input: null, artifacts: [] } },
  },
  {
    name: 'create a task with {}: input is null',
    given: post(TASKS, {}),
    want: { status: 200, json: { ...taskShape, input: null } },
  },
  {
    name: 'create a task with input null',
    given: post(TASKS, { input: null }),
    want: { status: 200, json: { ...taskShape, input: null } },
  },
  {
    name: 'create a task: additional_input with unknown keys is kept as sent',
    given: post(TASKS, {
      input: 'x',
      additional_input: { mode: 'benchmarks', nested: { list: [1, 'two', null] } },
    }),
    want: {
      status: 200,
      json: { additional_input: { mode: 'benchmarks', nested: { list: [1, 'two', null] } } },
    },
    bind: { task_id: 'task_id' },
    then: [
      {
        given: get(TASK),
        want: {
          status: 200,
          json: { additional_input: { mode: 'benchmarks', nested: { list: [1, 'two', null] } } },
        },
      },
    ],
  },
  {
    name: 'get a task: 200 with the task as created',
    setup: [newTask({ input: 'get me' })],
    given: get(TASK),
    want: {
      status: 200,
      json: {
        ...taskShape,
        task_id: '{task_id}',
        input: 'get me',
        additional_input: {},
        artifacts: [],
      },
    },
  },
  {
    name: 'get an unknown task: 404',
    given: get(`${TASKS}/${UNKNOWN_ID}`),
    want: { status: 404, json: error('not_found') },
  },
  {
    name: 'get a task by an id that is not a UUID: 404',
    given: get(`${TASKS}/not-a-task`),
    want: { status: 404, json: error('not_found') },
  },
  {
    name: 'list tasks when there are none: empty list, zero totals, default page',
    given: get(TASKS),
    want: { status: 200, json: { tasks: [], pagination: pagination(0, 0, 1, 10) } },
  },
  {
    name: 'list tasks: every task, in creation order',
    setup: [
      newTask({ input: 'first' }, 'a'),
      newTask({ input: 'second' }, 'b'),
      newTask({ input: 'third' }, 'c'),
    ],
    given: get(TASKS),
    want: {
      status: 200,
      json: {
        tasks: [
          { ...taskShape, task_id: '{a}', input: 'first' },
          { task_id: '{b}', input: 'second' },
          { task_id: '{c}', input: 'third' },
        ],
        pagination: pagination(3, 1, 1, 10),
      },
    },
  },
  {
    name: 'create a task with input 42: 422 naming input',
    given: post(TASKS, { input: 42 }),
    want: { status: 422, json: invalid('input', 'body', 'type') },
    then: [
      {
        given: get(TASKS),
        want: { status: 200, json: { tasks: [], pagination: { total_items: 0 } } },
      },
    ],
  },
  {
    name: 'create a task with additional_input "str": 422 naming additional_input',
    given: post(TASKS, { input: 'x', additional_input: 'str' }),
    want: { status: 422, json: invalid('additional_input', 'body', 'type') },
  },
  {
    name: 'create a task with additional_input as an array: 422',
    given: post(TASKS, { additional_input: ['a'] }),
    want: { status: 422, json: invalid('additional_input', 'body', 'type') },
  },
  {
    name: 'create a task with a JSON array as the body: 422',
    given: post(TASKS, []),
    want: { status: 422, json: error('validation_failed') },
  },
  {
    name: 'create a task with a JSON string as the body: 422',
    given: post(TASKS, 'just a string'),
    want: { status: 422, json: error('validation_failed') },
  },
  {
    name: 'create a task with JSON null as the body: 422',
    given: {
      method: 'POST',
      path: TASKS,
      rawBody: 'null',
      headers: { 'content-type': 'application/json' },
    },
    want: { status: 422, json: error('validation_failed') },
  },
  {
    name: 'a task whose handler throws: 500 JSON without the cause, and no task recorded',
    given: post(TASKS, { input: 'fail' }),
    want: { status: 500, json: error() },
    then: [
      {
        given: get(TASKS),
        want: { status: 200, json: { tasks: [], pagination: { total_items: 0 } } },
      },
    ],
  },
];
