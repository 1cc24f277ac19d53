import type { ConformanceCase } from '../case.js';
import { JSON_CONTENT_TYPE, pagination } from '../shapes.js';
import { newStep, newTask, STEPS, TASKS } from './requests.js';

/** Things real v1 clients do that must keep working (PROTOCOL.md section 1). */
export const clientHabitCases: ConformanceCase[] = [
  {
    name: 'a JSON body on GET tasks is ignored',
    setup: [newTask({ input: 'a' })],
    given: { method: 'GET', path: TASKS, json: { current_page: 5, input: 'ignored' } },
    want: { status: 200, json: { tasks: [{ input: 'a' }], pagination: pagination(1, 1, 1, 10) } },
  },
  {
    name: 'a JSON body on GET of a task is ignored',
    setup: [newTask({ input: 'a' })],
    given: { method: 'GET', path: `${TASKS}/{task_id}`, json: {} },
    want: { status: 200, json: { task_id: '{task_id}', input: 'a' } },
  },
  {
    name: 'a JSON body on GET steps is ignored',
    setup: [newTask(), newStep({ input: 'one' })],
    given: { method: 'GET', path: STEPS, json: { input: 'not a step' } },
    want: { status: 200, json: { steps: [{ input: 'one' }], pagination: { total_items: 1 } } },
  },
  {
    name: 'content-type with a charset parameter is JSON',
    setup: [newTask()],
    given: {
      method: 'POST',
      path: STEPS,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      rawBody: '{"input":"ü"}',
    },
    want: { status: 200, json: { input: 'ü', output: 'Hello. You said: ü' } },
  },
  {
    name: 'a trailing slash on a collection path is the same path',
    setup: [newTask({ input: 'a' })],
    given: { method: 'GET', path: `${TASKS}/` },
    want: { status: 200, json: { tasks: [{ input: 'a' }] } },
  },
  {
    name: 'HEAD on the tasks collection: 200 without a body',
    given: { method: 'HEAD', path: TASKS },
    want: { status: 200, headers: { 'content-type': JSON_CONTENT_TYPE }, bodyBytes: '' },
  },
  {
    name: 'steps until is_last, the benchmark way: {} then {"input": "finish"}',
    setup: [newTask({ input: 'benchmark task' }), newStep({}), newStep({ input: 'y' })],
    given: { method: 'POST', path: STEPS, json: { input: 'finish' } },
    want: { status: 200, json: { is_last: true, additional_output: { step_index: 3 } } },
  },
];
