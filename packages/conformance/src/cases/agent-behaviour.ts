import type { ConformanceCase } from '../case.js';
import { pagination, stepShape } from '../shapes.js';
import { ARTIFACTS, get, newStep, newTask, post, STEPS, TASK } from './requests.js';

const DOWNLOAD = `${ARTIFACTS}/{artifact_id}`;

/** What the reference agent does through the server: artifacts it writes, last steps, failures. */
export const agentBehaviourCases: ConformanceCase[] = [
  {
    name: 'a step that writes a file: the artifact is in the step, the task and the list, with the exact bytes',
    setup: [newTask()],
    given: post(STEPS, { input: "Write 'Washington' to the file 'output.txt'." }),
    want: {
      status: 200,
      json: {
        ...stepShape,
        name: 'write_file',
        output: "Hello. Wrote 10 bytes to 'output.txt'.",
        artifacts: [
          {
            artifact_id: { $type: 'string' },
            agent_created: true,
            file_name: 'output.txt',
            relative_path: null,
          },
        ],
      },
    },
    bind: { artifact_id: 'artifacts.0.artifact_id', step_id: 'step_id' },
    then: [
      {
        given: get(DOWNLOAD),
        want: {
          status: 200,
          headers: { 'content-type': /^application\/octet-stream/, 'content-length': '10' },
          bodyBytes: 'Washington',
        },
      },
      {
        given: get(ARTIFACTS),
        want: {
          status: 200,
          json: {
            artifacts: [
              { artifact_id: '{artifact_id}', agent_created: true, file_name: 'output.txt' },
            ],
            pagination: pagination(1, 1, 1, 10),
          },
        },
      },
      {
        given: get(TASK),
        want: {
          status: 200,
          json: { artifacts: [{ artifact_id: '{artifact_id}', agent_created: true }] },
        },
      },
      {
        given: get(`${STEPS}/{step_id}`),
        want: {
          status: 200,
          json: { artifacts: [{ artifact_id: '{artifact_id}', file_name: 'output.txt' }] },
        },
      },
    ],
  },
  {
    name: 'write with double quotes, upper-case verb and a directory: relative_path holds the directory',
    setup: [newTask()],
    given: post(STEPS, { input: 'WRITE "a \'quoted\' line" TO FILE "out/notes.md"' }),
    want: {
      status: 200,
      json: { artifacts: [{ agent_created: true, file_name: 'notes.md', relative_path: 'out' }] },
    },
    bind: { artifact_id: 'artifacts.0.artifact_id' },
    then: [{ given: get(DOWNLOAD), want: { status: 200, bodyBytes: "a 'quoted' line" } }],
  },
  {
    name: 'write non-ASCII text: the artifact holds its UTF-8 bytes',
    setup: [newTask()],
    given: post(STEPS, { input: "write 'héllo ✓ 日本' to file 'utf8.txt'" }),
    want: { status: 200, json: { output: "Hello. Wrote 17 bytes to 'utf8.txt'." } },
    bind: { artifact_id: 'artifacts.0.artifact_id' },
    then: [{ given: get(DOWNLOAD), want: { status: 200, bodyBytes: 'héllo ✓ 日本' } }],
  },
  {
    name: 'a finish step: is_last is true',
    setup: [newTask()],
    given: post(STEPS, { input: 'finish' }),
    want: {
      status: 200,
      json: {
        ...stepShape,
        name: 'finish',
        output: 'Hello. Done.',
        is_last: true,
        status: 'completed',
      },
    },
  },
  {
    name: 'a step after the last step is still answered 200',
    setup: [newTask(), newStep({ input: 'finish' })],
    given: post(STEPS, {}),
    want: { status: 200, json: { ...stepShape, status: 'completed', is_last: false } },
  },
  {
    name: 'a step whose handler throws: 200 with the step completed, outcome failed, step_failed without the cause; the task takes the next step',
    setup: [newTask(), newStep({ input: 'before' }, 'before')],
    given: post(STEPS, { input: 'fail' }),
    want: {
      status: 200,
      json: {
        ...stepShape,
        input: 'fail',
        status: 'completed',
        outcome: 'failed',
        output: null,
        is_last: false,
        error: { $and: [{ $keys: ['code', 'message'] }, { code: 'step_failed' }] },
      },
    },
    bind: { failed: 'step_id' },
    then: [
      {
        given: post(STEPS, { input: 'after' }),
        want: { status: 200, json: { input: 'after', status: 'completed', outcome: 'succeeded' } },
      },
      {
        given: get(STEPS),
        want: {
          status: 200,
          json: {
            steps: [
              { step_id: '{before}', input: 'before', outcome: 'succeeded' },
              { step_id: '{failed}', input: 'fail', outcome: 'failed' },
              { input: 'after', outcome: 'succeeded' },
            ],
            pagination: pagination(3, 1, 1, 10),
          },
        },
      },
    ],
  },
  {
    name: 'a step that writes a file and then throws: outcome failed, and the artifact is discarded',
    setup: [newTask()],
    given: post(STEPS, { input: "write 'half' to file 'half.txt' and fail" }),
    want: {
      status: 200,
      json: { outcome: 'failed', error: { code: 'step_failed' }, artifacts: [] },
    },
    then: [
      {
        given: get(ARTIFACTS),
        want: { status: 200, json: { artifacts: [], pagination: pagination(0, 0, 1, 10) } },
      },
      { given: get(TASK), want: { status: 200, json: { artifacts: [] } } },
      {
        given: get(STEPS),
        want: { status: 200, json: { steps: [{ outcome: 'failed', artifacts: [] }] } },
      },
      {
        given: post(STEPS, { input: 'still usable' }),
        want: { status: 200, json: { output: 'Hello. You said: still usable' } },
      },
    ],
  },
];
