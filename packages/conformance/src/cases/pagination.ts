import type { ConformanceCase } from '../case.js';
import { CONFORMANCE_LIMITS } from '../limits.js';
import { invalid, pagination } from '../shapes.js';
import {
  ARTIFACTS,
  field,
  file,
  get,
  newStep,
  newTask,
  newUpload,
  STEPS,
  TASKS,
} from './requests.js';

const threeSteps = [
  newTask(),
  newStep({ input: 'a' }, 's1'),
  newStep({ input: 'b' }, 's2'),
  newStep({ input: 'c' }, 's3'),
];
const threeTasks = [
  newTask({ input: 'a' }, 't1'),
  newTask({ input: 'b' }, 't2'),
  newTask({ input: 'c' }, 't3'),
];
const max = CONFORMANCE_LIMITS.maxPageSize;

/** `current_page` and `page_size` on the three lists. */
export const paginationCases: ConformanceCase[] = [
  {
    name: 'pagination: page_size=1 comes back as the number 1, with one item',
    setup: threeSteps,
    given: get(STEPS, { page_size: '1' }),
    want: {
      status: 200,
      json: { steps: [{ step_id: '{s1}' }], pagination: pagination(3, 3, 1, 1) },
    },
  },
  {
    name: 'pagination: current_page=2&page_size=1 holds the second item',
    setup: threeSteps,
    given: get(STEPS, { current_page: '2', page_size: '1' }),
    want: {
      status: 200,
      json: { steps: [{ step_id: '{s2}', input: 'b' }], pagination: pagination(3, 3, 2, 1) },
    },
  },
  {
    name: 'pagination: the last, partial page',
    setup: threeSteps,
    given: get(STEPS, { current_page: '2', page_size: '2' }),
    want: {
      status: 200,
      json: { steps: [{ step_id: '{s3}' }], pagination: pagination(3, 2, 2, 2) },
    },
  },
  {
    name: 'pagination: a page beyond the end is empty, with the right totals',
    setup: threeSteps,
    given: get(STEPS, { current_page: '5', page_size: '2' }),
    want: { status: 200, json: { steps: [], pagination: pagination(3, 2, 5, 2) } },
  },
  {
    name: `pagination: a huge page_size is served as the server's maximum (${max}) and says so`,
    setup: threeSteps,
    given: get(STEPS, { page_size: '100000' }),
    want: { status: 200, json: { steps: { $length: 3 }, pagination: pagination(3, 1, 1, max) } },
  },
  {
    name: 'pagination: defaults are current_page 1 and page_size 10',
    setup: threeSteps,
    given: get(STEPS),
    want: { status: 200, json: { steps: { $length: 3 }, pagination: pagination(3, 1, 1, 10) } },
  },
  {
    name: 'pagination: page_size=abc is 422 naming page_size',
    setup: [newTask()],
    given: get(STEPS, { page_size: 'abc' }),
    want: { status: 422, json: invalid('page_size', 'query') },
  },
  {
    name: 'pagination: page_size=0 is 422',
    given: get(TASKS, { page_size: '0' }),
    want: { status: 422, json: invalid('page_size', 'query', 'minimum') },
  },
  {
    name: 'pagination: page_size=-1 is 422',
    given: get(TASKS, { page_size: '-1' }),
    want: { status: 422, json: invalid('page_size', 'query') },
  },
  {
    name: 'pagination: page_size=1.5 is 422',
    given: get(TASKS, { page_size: '1.5' }),
    want: { status: 422, json: invalid('page_size', 'query') },
  },
  {
    name: 'pagination: page_size=0x10 (not a decimal integer) is 422',
    given: get(TASKS, { page_size: '0x10' }),
    want: { status: 422, json: invalid('page_size', 'query') },
  },
  {
    name: 'pagination: page_size beyond int32 is 422',
    given: get(TASKS, { page_size: '3000000000' }),
    want: { status: 422, json: invalid('page_size', 'query') },
  },
  {
    name: 'pagination: current_page=0 is 422 naming current_page',
    given: get(TASKS, { current_page: '0' }),
    want: { status: 422, json: invalid('current_page', 'query', 'minimum') },
  },
  {
    name: 'pagination: current_page=two is 422',
    given: get(TASKS, { current_page: 'two' }),
    want: { status: 422, json: invalid('current_page', 'query') },
  },
  {
    name: 'pagination: tasks, second page of two',
    setup: threeTasks,
    given: get(TASKS, { current_page: '2', page_size: '2' }),
    want: {
      status: 200,
      json: { tasks: [{ task_id: '{t3}', input: 'c' }], pagination: pagination(3, 2, 2, 2) },
    },
  },
  {
    name: 'pagination: tasks, beyond the end',
    setup: threeTasks,
    given: get(TASKS, { current_page: '3', page_size: '3' }),
    want: { status: 200, json: { tasks: [], pagination: pagination(3, 1, 3, 3) } },
  },
  {
    name: 'pagination: artifacts, page_size=1',
    setup: [
      newTask(),
      newUpload([file('one', 'one.txt')], 'a1'),
      newUpload([file('two', 'two.txt'), field('relative_path', 'dir')], 'a2'),
    ],
    given: get(ARTIFACTS, { current_page: '2', page_size: '1' }),
    want: {
      status: 200,
      json: {
        artifacts: [{ artifact_id: '{a2}', file_name: 'two.txt', relative_path: 'dir' }],
        pagination: pagination(2, 2, 2, 1),
      },
    },
  },
  {
    name: 'pagination: artifacts, non-numeric page_size is 422',
    setup: [newTask()],
    given: get(ARTIFACTS, { page_size: 'ten' }),
    want: { status: 422, json: invalid('page_size', 'query') },
  },
];
