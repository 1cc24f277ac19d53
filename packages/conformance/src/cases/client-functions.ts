import type { ConformanceCase, Expected, FollowUp, SetupRequest } from '../case.js';
import { REFERENCE_CLIENT_FUNCTIONS } from '../reference-agent.js';
import { error, functionCall, invalid, pagination, stepShape } from '../shapes.js';
import { get, newStep, newTask, post, STEPS, TASK, TASKS, UNKNOWN_ID } from './requests.js';

/** The arguments the cases call `send_email` with, and the step input that does it. */
export const EMAIL_ARGS = { to: 'sarah@example.com', subject: 'Strategy call' };
export const CALL_EMAIL = `call send_email ${JSON.stringify(EMAIL_ARGS)}`;

/** A task whose client opted in to `functions` (both of the reference agent's by default). */
export function optedInTask(
  functions: string[] = ['send_email', 'get_time'],
  as = 'task_id',
): SetupRequest {
  return newTask({ input: 'client functions', client_functions: functions }, as);
}

/** The step that asks for `send_email`; binds the call's id as `{call_id}`. */
export const pausedOnEmail: SetupRequest = {
  given: post(STEPS, { input: CALL_EMAIL }),
  bind: { call_id: 'function_calls.0.id', paused_step: 'step_id' },
};

/** A step request answering `{call_id}` (or another id) with one result. */
export const answer = (result: Record<string, unknown>, id = '{call_id}') =>
  post(STEPS, { function_results: [{ id, ...result }] });

/** A step that paused on a call: a completed v1 step, not the last, naming the call. */
export function calling(
  name: string,
  args: Record<string, unknown>,
  input: string | null,
  id?: string,
): Expected {
  return {
    status: 200,
    json: {
      ...stepShape,
      status: 'completed',
      is_last: false,
      input,
      // A client that reads only `output` learns, in words, what is asked.
      output: { $includes: name },
      function_calls: [functionCall(name, args, id)],
      secret_demands: { $absent: true },
    },
  };
}

/** A step that continued the work with the call's outcome. */
const continued = (output: string, result: Record<string, unknown>): Expected => ({
  status: 200,
  json: {
    ...stepShape,
    name: 'call_function',
    status: 'completed',
    input: null,
    output: `Hello. ${output}`,
    is_last: false,
    function_calls: { $absent: true },
    // The step request's own fields, as for any step.
    function_results: [{ id: '{call_id}', ...result }],
  },
});

/** How many steps the task has: a refused request recorded none. */
const stepCount = (n: number): FollowUp => ({
  given: get(STEPS),
  want: { status: 200, json: { pagination: pagination(n, n === 0 ? 0 : 1, 1, 10) } },
});

/** The call is still outstanding: a proper answer is taken. */
const stillOutstanding: FollowUp = {
  given: answer({ output: 'late' }),
  want: continued('send_email returned "late".', { output: 'late' }),
};

/** A step that answers in words and makes no call. */
const answered = (output: string): Expected => ({
  status: 200,
  json: {
    name: 'call_function',
    output: `Hello. ${output}`,
    function_calls: { $absent: true },
    secret_demands: { $absent: true },
  },
});

const conflict: Expected = { status: 409, json: error('conflict') };

/** Opting in: createAgentTask's `client_functions` (PROTOCOL.md §5). */
const optInCases: ConformanceCase[] = [
  {
    name: 'client functions: the info lists the functions the agent declares (name, description, parameters)',
    given: get('/ap/v1/agent/info'),
    want: {
      status: 200,
      json: {
        client_functions: REFERENCE_CLIENT_FUNCTIONS.map((fn) => ({
          $and: [{ $keys: ['name', 'description', 'parameters'] }, fn],
        })),
      },
    },
  },
  {
    name: 'client functions: a task opting in to send_email: 200, the task names its functions',
    given: post(TASKS, { input: 'mail', client_functions: ['send_email'] }),
    want: { status: 200, json: { input: 'mail', client_functions: ['send_email'] } },
    bind: { task_id: 'task_id' },
    then: [{ given: get(TASK), want: { status: 200, json: { client_functions: ['send_email'] } } }],
  },
  {
    name: 'client functions: opting in to a function the agent does not declare: 422 naming client_functions.1, no task',
    given: post(TASKS, { input: 'x', client_functions: ['send_email', 'launch_rockets'] }),
    want: { status: 422, json: invalid('client_functions.1', 'body', 'enum') },
    then: [{ given: get(TASKS), want: { status: 200, json: { tasks: [] } } }],
  },
  {
    name: 'client functions: opting in with a name no function can have: 422',
    given: post(TASKS, { client_functions: ['send email!'] }),
    want: { status: 422, json: invalid('client_functions.0', 'body', 'pattern') },
  },
  {
    name: 'client functions: client_functions that is not an array: 422',
    given: post(TASKS, { client_functions: 'send_email' }),
    want: { status: 422, json: invalid('client_functions', 'body', 'type') },
  },
];

/** A call, its result, and how the work continues. */
const callCases: ConformanceCase[] = [
  {
    name: 'client functions: a call: the step pauses with the call (id, name, arguments) and is not the last',
    setup: [optedInTask()],
    given: post(STEPS, { input: CALL_EMAIL }),
    want: calling('send_email', EMAIL_ARGS, CALL_EMAIL),
    bind: { step_id: 'step_id', call_id: 'function_calls.0.id' },
    then: [
      // Read back, the paused step is the same, call id included.
      {
        given: get(`${STEPS}/{step_id}`),
        want: {
          status: 200,
          json: { function_calls: [functionCall('send_email', EMAIL_ARGS, '{call_id}')] },
        },
      },
    ],
  },
  {
    name: 'client functions: call → result → the next step continues with the result',
    setup: [optedInTask(), pausedOnEmail],
    given: answer({ output: { message_id: 'm-1', accepted: true } }),
    want: continued('send_email returned {"message_id":"m-1","accepted":true}.', {
      output: { message_id: 'm-1', accepted: true },
    }),
    then: [
      {
        given: get(STEPS),
        want: {
          status: 200,
          json: {
            steps: [
              {
                input: CALL_EMAIL,
                function_calls: [functionCall('send_email', EMAIL_ARGS, '{call_id}')],
              },
              { input: null, name: 'call_function', function_calls: { $absent: true } },
            ],
            pagination: pagination(2, 1, 1, 10),
          },
        },
      },
    ],
  },
  {
    name: 'client functions: a function without arguments (get_time): called with {}, its output used',
    setup: [optedInTask()],
    given: post(STEPS, { input: 'call get_time' }),
    want: calling('get_time', {}, 'call get_time'),
    bind: { call_id: 'function_calls.0.id' },
    then: [
      {
        given: answer({ output: '09:30' }),
        want: continued('get_time returned "09:30".', { output: '09:30' }),
      },
    ],
  },
  {
    name: 'client functions: a null output is an output',
    setup: [optedInTask(), pausedOnEmail],
    given: answer({ output: null }),
    want: continued('send_email returned null.', { output: null }),
  },
  {
    name: 'client functions: a refusal: the step says the user refused',
    setup: [optedInTask(), pausedOnEmail],
    given: answer({ refused: true }),
    want: continued('The user refused to run send_email.', { refused: true }),
  },
  {
    name: 'client functions: an error result: the step says it failed, with the error',
    setup: [optedInTask(), pausedOnEmail],
    given: answer({ error: 'SMTP server unreachable' }),
    want: continued('send_email failed on the client: SMTP server unreachable', {
      error: 'SMTP server unreachable',
    }),
  },
  {
    name: 'client functions: an empty step asks for the outstanding call again, under the same id',
    setup: [optedInTask(), pausedOnEmail],
    given: post(STEPS, {}),
    want: calling('send_email', EMAIL_ARGS, null, '{call_id}'),
    then: [stillOutstanding],
  },
  {
    name: 'client functions: a new input drops the outstanding call; its result is then a 409',
    setup: [optedInTask(), pausedOnEmail],
    given: post(STEPS, { input: 'y' }),
    want: {
      status: 200,
      json: { name: 'echo', output: 'Hello. You said: y', function_calls: { $absent: true } },
    },
    then: [{ given: answer({ output: 'too late' }), want: conflict }, stepCount(2)],
  },
  {
    name: 'client functions: a new input that fails while a call is outstanding: a failed step, and the call it dropped is no longer outstanding',
    setup: [optedInTask(), pausedOnEmail],
    given: post(STEPS, { input: 'fail' }),
    want: { status: 200, json: { outcome: 'failed', error: { code: 'step_failed' } } },
    then: [stepCount(2), { given: answer({ output: 'late' }), want: conflict }],
  },
];

/** Results the server must refuse: 409 for ids, 422 for shapes; neither records a step. */
const refusedResultCases: ConformanceCase[] = [
  {
    name: 'client functions: a result for an unknown call id: 409, nothing recorded, the call still outstanding',
    setup: [optedInTask(), pausedOnEmail],
    given: answer({ output: 'x' }, UNKNOWN_ID),
    want: conflict,
    then: [stepCount(1), stillOutstanding],
  },
  {
    name: 'client functions: a result for an already-answered call id: 409, nothing recorded',
    setup: [optedInTask(), pausedOnEmail, { given: answer({ output: 'first' }) }],
    given: answer({ output: 'second' }),
    want: conflict,
    then: [stepCount(2)],
  },
  {
    name: 'client functions: two results for the same call id in one request: 409, neither taken',
    setup: [optedInTask(), pausedOnEmail],
    given: post(STEPS, {
      function_results: [
        { id: '{call_id}', output: 'one' },
        { id: '{call_id}', output: 'two' },
      ],
    }),
    want: conflict,
    then: [stepCount(1), stillOutstanding],
  },
  {
    name: 'client functions: a result with one known and one unknown id: 409, neither taken',
    setup: [optedInTask(), pausedOnEmail],
    given: post(STEPS, {
      function_results: [
        { id: '{call_id}', output: 'one' },
        { id: UNKNOWN_ID, output: 'two' },
      ],
    }),
    want: conflict,
    then: [stepCount(1), stillOutstanding],
  },
  {
    name: 'client functions: results on a task that never asked for anything: 409',
    setup: [optedInTask(), newStep({ input: 'hi' })],
    given: answer({ output: 'x' }, UNKNOWN_ID),
    want: conflict,
    then: [stepCount(1)],
  },
  {
    name: 'client functions: results on a task with no steps: 409',
    setup: [optedInTask()],
    given: answer({ output: 'x' }, UNKNOWN_ID),
    want: conflict,
    then: [stepCount(0)],
  },
  ...(
    [
      ['both an output and an error', { output: 1, error: 'e' }, 'function_results.0', 'oneOf'],
      ['an output and a refusal', { output: 1, refused: true }, 'function_results.0', 'oneOf'],
      ['neither output, error nor refused', {}, 'function_results.0', 'oneOf'],
      ['refused: false', { refused: false }, 'function_results.0.refused', 'const'],
      ['an error that is not a string', { error: 500 }, 'function_results.0.error', 'type'],
    ] as const
  ).map(([what, result, field, rule]): ConformanceCase => ({
    name: `client functions: a malformed result (${what}): 422 naming ${field}, nothing recorded`,
    setup: [optedInTask(), pausedOnEmail],
    given: answer(result),
    want: { status: 422, json: invalid(field, 'body', rule) },
    then: [stepCount(1), stillOutstanding],
  })),
  {
    name: 'client functions: a malformed result (no id): 422 naming function_results.0.id',
    setup: [optedInTask(), pausedOnEmail],
    given: post(STEPS, { function_results: [{ output: 1 }] }),
    want: { status: 422, json: invalid('function_results.0.id', 'body', 'required') },
    then: [stepCount(1), stillOutstanding],
  },
  {
    name: 'client functions: function_results that is not an array: 422',
    setup: [optedInTask(), pausedOnEmail],
    given: post(STEPS, { function_results: { id: '{call_id}', output: 1 } }),
    want: { status: 422, json: invalid('function_results', 'body', 'type') },
    then: [stepCount(1), stillOutstanding],
  },
];

/** Only a client that opted in ever receives a call (and the agent answers bad calls in words). */
const noCallCases: ConformanceCase[] = [
  {
    name: 'client functions: a task that did not opt in never receives a call',
    setup: [newTask({ input: 'a v1 client' })],
    given: post(STEPS, { input: CALL_EMAIL }),
    want: answered(
      'This task did not opt in to send_email, so the client cannot be asked to run it.',
    ),
    then: [
      // Nothing is paused: an empty step is an empty step.
      {
        given: post(STEPS, {}),
        want: { status: 200, json: { name: 'echo', function_calls: { $absent: true } } },
      },
    ],
  },
  {
    name: 'client functions: a task that opted in to get_time only never receives a send_email call',
    setup: [optedInTask(['get_time'])],
    given: post(STEPS, { input: CALL_EMAIL }),
    want: answered(
      'This task did not opt in to send_email, so the client cannot be asked to run it.',
    ),
  },
  {
    name: 'client functions: a task that opted in to none (client_functions: []) never receives a call',
    setup: [optedInTask([])],
    given: post(STEPS, { input: 'call get_time' }),
    want: answered(
      'This task did not opt in to get_time, so the client cannot be asked to run it.',
    ),
  },
  {
    name: 'client functions: calling a function the agent does not declare: answered, no call',
    setup: [optedInTask()],
    given: post(STEPS, { input: 'call launch_rockets {}' }),
    want: answered('launch_rockets is not a function this agent declares.'),
  },
  {
    name: 'client functions: arguments that are not JSON: answered, no call, no 500',
    setup: [optedInTask()],
    given: post(STEPS, { input: 'call send_email {to: sarah}' }),
    want: answered('Cannot call send_email: the arguments are not valid JSON.'),
  },
  {
    name: 'client functions: arguments that are JSON but not an object: answered, no call',
    setup: [optedInTask()],
    given: post(STEPS, { input: 'call send_email ["sarah@example.com"]' }),
    want: answered('Cannot call send_email: the arguments must be a JSON object.'),
  },
  {
    name: "client functions: arguments that break the function's parameters: answered, no call",
    setup: [optedInTask()],
    given: post(STEPS, { input: 'call send_email {"to": "sarah@example.com"}' }),
    want: answered("Cannot call send_email: 'subject' is required."),
  },
];

/** Client-executed functions (seed 002), through the reference agent's `call <function> <json>`. */
export const clientFunctionCases: ConformanceCase[] = [
  ...optInCases,
  ...callCases,
  ...refusedResultCases,
  ...noCallCases,
];
