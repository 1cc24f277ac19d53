import type { ConformanceCase } from '../case.js';
import { pagination, stepShape } from '../shapes.js';
import { demanding, SECRET_VALUES, using, ADHOC_KEY } from './secrets.js';
import { ARTIFACTS, get, newStep, newTask, post, STEPS, storeSecret } from './requests.js';

const INSTRUCTIONS = "write 'Washington' to file 'output.txt'";
const nothing = {
  status: 200,
  json: { name: 'echo', output: 'Hello. You said nothing.', is_last: false },
};

/**
 * How benchmarks drive an agent (PROTOCOL.md section 11): a task holding the instructions, then
 * empty steps until `is_last`. The first empty step acts on the task's input and ends the task,
 * unless it pauses; the work resumed after such a pause ends it. Any other empty step says nothing.
 */
export const benchmarkFlowCases: ConformanceCase[] = [
  {
    name: 'benchmark flow: the first empty step acts on the task input and ends the task',
    setup: [newTask({ input: INSTRUCTIONS })],
    given: post(STEPS, {}),
    want: {
      status: 200,
      json: {
        ...stepShape,
        name: 'write_file',
        input: null,
        output: "Hello. Wrote 10 bytes to 'output.txt'.",
        is_last: true,
        artifacts: [{ agent_created: true, file_name: 'output.txt', relative_path: null }],
      },
    },
    bind: { artifact_id: 'artifacts.0.artifact_id' },
    then: [
      { given: get(`${ARTIFACTS}/{artifact_id}`), want: { status: 200, bodyBytes: 'Washington' } },
      {
        given: get(STEPS),
        want: {
          status: 200,
          json: { steps: [{ is_last: true }], pagination: pagination(1, 1, 1, 10) },
        },
      },
    ],
  },
  {
    name: 'benchmark flow: a first step with no body at all, or input null, acts on the task input too',
    setup: [newTask({ input: 'finish' })],
    given: { method: 'POST', path: STEPS },
    want: {
      status: 200,
      json: { name: 'finish', input: null, output: 'Hello. Done.', is_last: true },
    },
  },
  {
    name: 'benchmark flow: an empty step after the task ended says nothing',
    setup: [newTask({ input: INSTRUCTIONS }), newStep({})],
    given: post(STEPS, {}),
    want: nothing,
  },
  {
    name: 'an empty first step on a task without input says nothing and does not end it',
    setup: [newTask({})],
    given: post(STEPS, {}),
    want: nothing,
  },
  {
    name: 'an empty first step on a task whose input is blank says nothing',
    setup: [newTask({ input: '   ' })],
    given: post(STEPS, { input: null }),
    want: nothing,
  },
  {
    name: 'an empty step after a step that acted says nothing (the task input is not used)',
    setup: [newTask({ input: INSTRUCTIONS }), newStep({ input: 'y' })],
    given: post(STEPS, {}),
    want: nothing,
    then: [{ given: get(ARTIFACTS), want: { status: 200, json: { artifacts: [] } } }],
  },
  {
    name: 'benchmark flow: a task input that pauses pauses the step (not the last); the resumed work ends the task',
    setup: [newTask({ input: `use secret ${ADHOC_KEY}` })],
    given: post(STEPS, {}),
    want: demanding(ADHOC_KEY, null),
    then: [
      { given: storeSecret(ADHOC_KEY, SECRET_VALUES.first), want: { status: 200 } },
      {
        given: post(STEPS, {}),
        want: {
          ...using(ADHOC_KEY, SECRET_VALUES.first, null),
          json: { ...using(ADHOC_KEY, SECRET_VALUES.first, null).json, is_last: true },
        },
      },
      { given: post(STEPS, {}), want: nothing },
    ],
    secrets: [SECRET_VALUES.first],
  },
];
