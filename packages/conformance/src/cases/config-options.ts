import type { ConformanceCase } from '../case.js';
import { invalid } from '../shapes.js';
import { get, newTask, post, STEPS, TASKS } from './requests.js';

/**
 * Configuration options (PROTOCOL.md section 2), through the reference agent's `greeting`
 * (string, task and step), `verbosity` (quiet | normal | loud, step only) and `delay_ms`
 * (integer, task and step).
 */
export const configOptionCases: ConformanceCase[] = [
  {
    name: 'config: a step without options gets the defaults',
    setup: [newTask()],
    given: post(STEPS, { input: 'x' }),
    want: { status: 200, json: { output: 'Hello. You said: x' } },
  },
  {
    name: 'config: a step sets a string option',
    setup: [newTask()],
    given: post(STEPS, { input: 'x', additional_input: { greeting: 'Hi' } }),
    want: {
      status: 200,
      json: { output: 'Hi. You said: x', additional_input: { greeting: 'Hi' } },
    },
  },
  {
    name: 'config: a step sets an option with allowed values (loud)',
    setup: [newTask()],
    given: post(STEPS, { input: 'x', additional_input: { verbosity: 'loud' } }),
    want: { status: 200, json: { output: 'HELLO. YOU SAID: X' } },
  },
  {
    name: 'config: quiet drops the greeting',
    setup: [newTask()],
    given: post(STEPS, { input: 'x', additional_input: { verbosity: 'quiet', greeting: 'Hi' } }),
    want: { status: 200, json: { output: 'You said: x' } },
  },
  {
    name: "config: a task's options apply to its steps",
    setup: [newTask({ input: 't', additional_input: { greeting: 'Bonjour' } })],
    given: post(STEPS, { input: 'x' }),
    want: { status: 200, json: { output: 'Bonjour. You said: x' } },
  },
  {
    name: "config: a step's option overrides its task's",
    setup: [newTask({ input: 't', additional_input: { greeting: 'Bonjour' } })],
    given: post(STEPS, { input: 'x', additional_input: { greeting: 'Hola' } }),
    want: { status: 200, json: { output: 'Hola. You said: x' } },
    then: [
      {
        given: post(STEPS, { input: 'y' }),
        want: { status: 200, json: { output: 'Bonjour. You said: y' } },
      },
    ],
  },
  {
    name: 'config: an integer option accepts an integer',
    setup: [newTask()],
    given: post(STEPS, { input: 'x', additional_input: { delay_ms: 1 } }),
    want: { status: 200, json: { output: 'Hello. You said: x' } },
  },
  {
    name: 'config: unknown keys stay allowed and are kept',
    setup: [newTask({ input: 't', additional_input: { anything: [1, 2] } })],
    given: post(STEPS, { input: 'x', additional_input: { not_an_option: { deep: true } } }),
    want: {
      status: 200,
      json: { output: 'Hello. You said: x', additional_input: { not_an_option: { deep: true } } },
    },
  },
  {
    name: 'config: a string option given a number: 422 naming it',
    setup: [newTask()],
    given: post(STEPS, { input: 'x', additional_input: { greeting: 42 } }),
    want: { status: 422, json: invalid('additional_input.greeting', 'body', 'type') },
    then: [{ given: get(STEPS), want: { status: 200, json: { steps: [] } } }],
  },
  {
    name: 'config: an integer option given a string: 422',
    setup: [newTask()],
    given: post(STEPS, { input: 'x', additional_input: { delay_ms: '10' } }),
    want: { status: 422, json: invalid('additional_input.delay_ms', 'body', 'type') },
  },
  {
    name: 'config: an integer option given a fraction: 422',
    setup: [newTask()],
    given: post(STEPS, { input: 'x', additional_input: { delay_ms: 1.5 } }),
    want: { status: 422, json: invalid('additional_input.delay_ms', 'body', 'type') },
  },
  {
    name: 'config: a value not among the options: 422',
    setup: [newTask()],
    given: post(STEPS, { input: 'x', additional_input: { verbosity: 'shout' } }),
    want: { status: 422, json: invalid('additional_input.verbosity', 'body', 'enum') },
  },
  {
    name: 'config: a step-only option set on a task: 422, and no task created',
    given: post(TASKS, { input: 't', additional_input: { verbosity: 'loud' } }),
    want: { status: 422, json: invalid('additional_input.verbosity', 'body', 'scope') },
    then: [{ given: get(TASKS), want: { status: 200, json: { tasks: [] } } }],
  },
  {
    name: 'config: a task option of the wrong type: 422',
    given: post(TASKS, { input: 't', additional_input: { greeting: ['Hi'] } }),
    want: { status: 422, json: invalid('additional_input.greeting', 'body', 'type') },
  },
];
