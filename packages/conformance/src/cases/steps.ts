import type { ConformanceCase } from '../case.js';
import { error, invalid, pagination, stepShape, UUID } from '../shapes.js';
import {
  get,
  newStep,
  newTask,
  noStepRecorded,
  post,
  STEPS,
  TASKS,
  UNKNOWN_ID,
} from './requests.js';

const STEP = `${STEPS}/{step_id}`;

/** executeAgentTaskStep, getAgentTaskStep, listAgentTaskSteps. */
export const stepCases: ConformanceCase[] = [
  {
    name: 'execute a step: 200, completed, with the agent output',
    setup: [newTask()],
    given: post(STEPS, { input: 'hi' }),
    want: {
      status: 200,
      json: {
        ...stepShape,
        task_id: '{task_id}',
        step_id: UUID,
        name: 'echo',
        status: 'completed',
        input: 'hi',
        additional_input: {},
        output: 'Hello. You said: hi',
        additional_output: { step_index: 1, in_flight: 1 },
        artifacts: [],
        is_last: false,
      },
    },
  },
  // The task's input is 'conformance': an empty first step acts on it and ends the task
  // (PROTOCOL.md section 11, the benchmark flow; benchmark-flow.ts has the rest).
  {
    name: 'execute a step with no body at all (benchmark clients): 200',
    setup: [newTask()],
    given: { method: 'POST', path: STEPS },
    want: {
      status: 200,
      json: {
        ...stepShape,
        input: null,
        output: 'Hello. You said: conformance',
        status: 'completed',
        is_last: true,
      },
    },
  },
  {
    name: 'execute a step with {}: 200',
    setup: [newTask()],
    given: post(STEPS, {}),
    want: {
      status: 200,
      json: { ...stepShape, input: null, output: 'Hello. You said: conformance', is_last: true },
    },
  },
  {
    name: 'execute a step with {"input": "y"}: 200',
    setup: [newTask()],
    given: post(STEPS, { input: 'y' }),
    want: { status: 200, json: { ...stepShape, input: 'y', output: 'Hello. You said: y' } },
  },
  {
    name: 'execute a step with input null: 200',
    setup: [newTask()],
    given: post(STEPS, { input: null }),
    want: { status: 200, json: { input: null, output: 'Hello. You said: conformance' } },
  },
  {
    name: 'execute a step with an empty string input: 200',
    setup: [newTask()],
    given: post(STEPS, { input: '' }),
    want: { status: 200, json: { input: '', output: 'Hello. You said: conformance' } },
  },
  {
    name: 'a second step on the same task is normal',
    setup: [newTask(), newStep({ input: 'one' }, 'first')],
    given: post(STEPS, { input: 'two' }),
    want: {
      status: 200,
      json: { step_id: { $not: '{first}' }, input: 'two', additional_output: { step_index: 2 } },
    },
  },
  {
    name: 'get a step: 200 with the step as executed',
    setup: [newTask(), newStep({ input: 'remember me' }, 'step_id')],
    given: get(STEP),
    want: {
      status: 200,
      json: {
        ...stepShape,
        step_id: '{step_id}',
        task_id: '{task_id}',
        status: 'completed',
        input: 'remember me',
        output: 'Hello. You said: remember me',
        is_last: false,
      },
    },
  },
  {
    name: 'list steps: every step, in execution order',
    setup: [
      newTask(),
      newStep({ input: 'a' }, 's1'),
      newStep({ input: 'b' }, 's2'),
      newStep({ input: 'c' }, 's3'),
    ],
    given: get(STEPS),
    want: {
      status: 200,
      json: {
        steps: [
          { ...stepShape, step_id: '{s1}', input: 'a', status: 'completed' },
          { step_id: '{s2}', input: 'b', status: 'completed' },
          { step_id: '{s3}', input: 'c', status: 'completed' },
        ],
        pagination: pagination(3, 1, 1, 10),
      },
    },
  },
  {
    name: 'list steps of a task with none: empty list',
    setup: [newTask()],
    given: get(STEPS),
    want: { status: 200, json: { steps: [], pagination: pagination(0, 0, 1, 10) } },
  },
  {
    name: 'execute a step on an unknown task: 404',
    given: post(`${TASKS}/${UNKNOWN_ID}/steps`, { input: 'x' }),
    want: { status: 404, json: error('not_found') },
  },
  {
    name: 'list the steps of an unknown task: 404',
    given: get(`${TASKS}/${UNKNOWN_ID}/steps`),
    want: { status: 404, json: error('not_found') },
  },
  {
    name: 'get a step of an unknown task: 404',
    given: get(`${TASKS}/${UNKNOWN_ID}/steps/${UNKNOWN_ID}`),
    want: { status: 404, json: error('not_found') },
  },
  {
    name: 'get an unknown step of a known task: 404',
    setup: [newTask()],
    given: get(`${STEPS}/${UNKNOWN_ID}`),
    want: { status: 404, json: error('not_found') },
  },
  {
    name: "get another task's step through this task: 404",
    setup: [
      newTask({ input: 'a' }, 'a'),
      newTask({ input: 'b' }, 'b'),
      newStep({ input: 'of b' }, 'b_step', 'b'),
    ],
    given: get('/ap/v1/agent/tasks/{a}/steps/{b_step}'),
    want: { status: 404, json: error('not_found') },
  },
  {
    name: 'execute a step with input 42: 422 naming input, and no step recorded',
    setup: [newTask()],
    given: post(STEPS, { input: 42 }),
    want: { status: 422, json: invalid('input', 'body', 'type') },
    then: [noStepRecorded],
  },
  {
    name: 'execute a step with additional_input "str": 422 naming additional_input',
    setup: [newTask()],
    given: post(STEPS, { input: 'x', additional_input: 'str' }),
    want: { status: 422, json: invalid('additional_input', 'body', 'type') },
  },
  {
    name: 'execute a step with a JSON array as the body: 422',
    setup: [newTask()],
    given: post(STEPS, [{ input: 'x' }]),
    want: { status: 422, json: error('validation_failed') },
  },
];
