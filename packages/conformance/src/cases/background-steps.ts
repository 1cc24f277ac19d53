import type { CaseRequest, ConformanceCase, SetupRequest } from '../case.js';
import { LEAK_MARKER } from '../reference-agent.js';
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

/**
 * Long-running steps (PROTOCOL.md section 8), where one request and its response say it all:
 * `Prefer: respond-async` (202, `Preference-Applied`, `Location`, a step `running` or `created`),
 * how a completed step ended (`outcome`, `error`), a failing synchronous step (200, kept),
 * cancellation answers (202, 409, 404) and the event stream's headers and refusals. What takes
 * waiting, streaming or a restart is in `scenarios/streaming.ts`.
 *
 * Decided here (the protocol leaves it open): the server writes `outcome: "succeeded"` on every
 * completed step, synchronous ones included (absent still reads as succeeded, for steps stored
 * before outcomes existed); `outcome` and `error` are absent while a step is `created` or
 * `running`; `error` is present only when the outcome is `failed`; an `after` query parameter
 * or `Last-Event-ID` header that is not an integer ≥ 0 is a 422 naming it (as the spec now says).
 */

const STEP = `${STEPS}/{step_id}`;
const CANCEL = `${STEP}/cancel`;
const EVENTS = `${STEP}/events`;

/** RFC 7240: ask for background execution. */
export const RESPOND_ASYNC = { prefer: 'respond-async' } as const;
/** Ask for the step's events in the response itself. */
export const ACCEPT_EVENT_STREAM = { accept: 'text/event-stream' } as const;

/** `POST .../steps` with headers (`Prefer: respond-async`, `Accept: text/event-stream`). */
export const postWith = (
  headers: Record<string, string>,
  json: unknown,
  path = STEPS,
): CaseRequest => ({ method: 'POST', path, json, headers: { ...headers } });

/** A background step of `{task_id}`, acknowledged with a 202; binds its id as `as`. */
export function newBackgroundStep(json: unknown, as: string): SetupRequest {
  return { given: postWith(RESPOND_ASYNC, json), status: 202, bind: { [as]: 'step_id' } };
}

/** The 202 header: the one preference the server honours (the spec makes it a constant). */
const APPLIED = 'respond-async';
/** `Location` of the new step: root-relative or absolute, ending with its path. */
const STEP_LOCATION = /\/ap\/v1\/agent\/tasks\/[^/?#]+\/steps\/[^/?#]+$/;
const EVENT_STREAM = /^text\/event-stream\b/i;
/** `Cache-Control` that forbids a cache (and so a buffering proxy) from holding the stream. */
const NO_CACHE = /(?:^|,)\s*no-cache\s*(?:,|$)/i;
/** The headers of every event stream answer. */
const STREAM_HEADERS = {
  'content-type': EVENT_STREAM,
  'cache-control': NO_CACHE,
  'x-accel-buffering': /^no$/i,
};

/** A step not yet completed: no outcome, no error. */
const unfinished = (status: RegExp | string) => ({
  ...stepShape,
  status,
  outcome: { $absent: true },
  error: { $absent: true },
});

/** How a failed step says so: exactly a code and a message, the message naming no internals. */
const stepFailed = {
  $and: [
    { $keys: ['code', 'message'] },
    {
      code: 'step_failed',
      message: { $and: [{ $type: 'string' }, { $not: '' }, { $not: { $includes: LEAK_MARKER } }] },
    },
  ],
};

/**
 * A request refused before anything runs is answered at once as JSON, whichever mode it asked
 * for: 422 for a bad body (nothing recorded), 404 for an unknown task.
 */
function refusedAtOnce(
  headers: Record<string, string>,
  what: string,
  note: string,
): ConformanceCase[] {
  return [
    {
      name:
        note === ''
          ? `${what} with an invalid body (input 42): 422 naming input, no step recorded`
          : `${what} and an invalid body: 422${note} no step recorded`,
      setup: [newTask()],
      given: postWith(headers, { input: 42 }),
      want: { status: 422, json: invalid('input', 'body', 'type') },
      then: [noStepRecorded],
    },
    {
      name: `${what} on an unknown task: 404${note === '' ? '' : ' JSON'}`,
      given: postWith(headers, { input: 'x' }, `${TASKS}/${UNKNOWN_ID}/steps`),
      want: { status: 404, json: error('not_found') },
    },
  ];
}

const backgroundCases: ConformanceCase[] = [
  {
    name: 'background step: Prefer: respond-async → 202 at once, Preference-Applied, Location, the step running',
    setup: [newTask()],
    given: postWith(RESPOND_ASYNC, { input: 'stream 3 100' }),
    want: {
      status: 202,
      headers: { 'preference-applied': APPLIED, location: STEP_LOCATION },
      json: {
        ...unfinished(/^(running|created)$/),
        task_id: '{task_id}',
        step_id: UUID,
        input: 'stream 3 100',
        artifacts: [],
        is_last: false,
      },
    },
    bind: { step_id: 'step_id' },
    then: [
      {
        given: get(STEP),
        want: { status: 200, json: { ...stepShape, step_id: '{step_id}', input: 'stream 3 100' } },
      },
      {
        given: get(STEPS),
        want: {
          status: 200,
          json: { steps: [{ step_id: '{step_id}' }], pagination: pagination(1, 1, 1, 10) },
        },
      },
    ],
  },
  {
    // Not `wait=`: with it (RFC 7240 section 4.1) a server may answer a quick step synchronously.
    name: 'background step: respond-async among other preferences (handling=lenient, respond-async) → 202',
    setup: [newTask()],
    given: postWith({ prefer: 'handling=lenient, respond-async' }, { input: 'stream 2 100' }),
    want: {
      status: 202,
      headers: { 'preference-applied': APPLIED, location: STEP_LOCATION },
      json: unfinished(/^(running|created)$/),
    },
  },
  {
    name: 'background step: the preference is matched case-insensitively (Prefer: Respond-Async) → 202',
    setup: [newTask()],
    given: postWith({ prefer: 'Respond-Async' }, { input: 'stream 2 100' }),
    want: {
      status: 202,
      headers: { 'preference-applied': APPLIED, location: STEP_LOCATION },
      json: unfinished(/^(running|created)$/),
    },
  },
  {
    name: 'background step behind a running one: 202 with the step created (queued), both listed in order',
    setup: [newTask(), newBackgroundStep({ input: 'stream 10 200' }, 'first')],
    given: postWith(RESPOND_ASYNC, { input: 'queued' }),
    want: {
      status: 202,
      headers: { 'preference-applied': APPLIED, location: STEP_LOCATION },
      json: { ...unfinished('created'), input: 'queued', output: { $not: { $type: 'string' } } },
    },
    bind: { step_id: 'step_id' },
    then: [
      {
        given: get(STEPS),
        want: {
          status: 200,
          json: {
            steps: [
              { ...unfinished('running'), step_id: '{first}' },
              { ...unfinished('created'), step_id: '{step_id}' },
            ],
            pagination: pagination(2, 1, 1, 10),
          },
        },
      },
      { given: get(STEP), want: { status: 200, json: unfinished('created') } },
    ],
  },
  ...refusedAtOnce(RESPOND_ASYNC, 'background step', ''),
];

const outcomeCases: ConformanceCase[] = [
  {
    name: 'a synchronous step (no Prefer) is answered completed with outcome succeeded, and reads back so',
    setup: [newTask()],
    given: post(STEPS, { input: 'hi' }),
    want: {
      status: 200,
      json: {
        ...stepShape,
        status: 'completed',
        output: 'Hello. You said: hi',
        outcome: 'succeeded',
        error: { $absent: true },
      },
    },
    bind: { step_id: 'step_id' },
    then: [
      { given: get(STEP), want: { status: 200, sameJsonAs: 'given' } },
      {
        given: get(STEPS),
        want: {
          status: 200,
          json: { steps: [{ step_id: '{step_id}', outcome: 'succeeded' }] },
        },
      },
    ],
  },
  {
    name: 'a synchronous step whose handler fails: 200, completed, outcome failed, error step_failed naming no internals; kept; the task takes the next step',
    setup: [newTask(), newStep({ input: 'before' }, 'before')],
    given: post(STEPS, { input: 'fail' }),
    want: {
      status: 200,
      json: {
        ...stepShape,
        task_id: '{task_id}',
        input: 'fail',
        status: 'completed',
        outcome: 'failed',
        error: stepFailed,
        output: null,
        is_last: false,
      },
    },
    bind: { step_id: 'step_id' },
    then: [
      { given: get(STEP), want: { status: 200, sameJsonAs: 'given' } },
      {
        given: post(STEPS, { input: 'after' }),
        want: {
          status: 200,
          json: { input: 'after', status: 'completed', outcome: 'succeeded' },
        },
        bind: { after: 'step_id' },
      },
      {
        given: get(STEPS),
        want: {
          status: 200,
          json: {
            steps: [
              { step_id: '{before}', input: 'before', outcome: 'succeeded' },
              { step_id: '{step_id}', input: 'fail', status: 'completed', outcome: 'failed' },
              { step_id: '{after}', input: 'after', outcome: 'succeeded' },
            ],
            pagination: pagination(3, 1, 1, 10),
          },
        },
      },
    ],
    // The reference agent's error message holds this marker: it must reach no response.
    secrets: [LEAK_MARKER],
  },
  {
    name: 'a background step whose handler fails: 202 (the failure comes later, on the step)',
    setup: [newTask()],
    given: postWith(RESPOND_ASYNC, { input: 'fail' }),
    want: {
      status: 202,
      headers: { 'preference-applied': APPLIED, location: STEP_LOCATION },
      json: { ...stepShape, input: 'fail', status: /^(running|created|completed)$/ },
    },
    secrets: [LEAK_MARKER],
  },
];

const cancelCases: ConformanceCase[] = [
  {
    name: 'cancel a running background step: 202 with the step',
    setup: [newTask(), newBackgroundStep({ input: 'stream 20 100' }, 'step_id')],
    given: post(CANCEL),
    want: {
      status: 202,
      json: {
        ...stepShape,
        task_id: '{task_id}',
        step_id: '{step_id}',
        input: 'stream 20 100',
        status: /^(running|completed)$/,
      },
    },
  },
  {
    name: 'cancel a queued background step: 202 with the step completed at once, outcome cancelled, output null; the step before it runs on',
    setup: [
      newTask(),
      newBackgroundStep({ input: 'stream 10 200' }, 'first'),
      newBackgroundStep({ input: 'never runs' }, 'step_id'),
    ],
    given: post(CANCEL),
    want: {
      status: 202,
      json: {
        ...stepShape,
        step_id: '{step_id}',
        input: 'never runs',
        status: 'completed',
        outcome: 'cancelled',
        error: { $absent: true },
        output: null,
      },
    },
    bind: { step_id: 'step_id' },
    then: [
      { given: get(STEP), want: { status: 200, sameJsonAs: 'given' } },
      {
        given: get(STEPS),
        want: {
          status: 200,
          json: {
            steps: [
              { ...unfinished('running'), step_id: '{first}' },
              { step_id: '{step_id}', status: 'completed', outcome: 'cancelled' },
            ],
          },
        },
      },
    ],
  },
  {
    name: 'cancel a completed step: 409 JSON, and the step is unchanged',
    setup: [newTask(), newStep({ input: 'done already' }, 'step_id')],
    given: post(CANCEL),
    want: { status: 409, json: error('conflict') },
    then: [
      {
        given: get(STEP),
        want: {
          status: 200,
          json: {
            step_id: '{step_id}',
            status: 'completed',
            outcome: 'succeeded',
            output: 'Hello. You said: done already',
          },
        },
      },
    ],
  },
  {
    name: 'cancel a failed step: 409 JSON (it is finished)',
    setup: [newTask(), newStep({ input: 'fail' }, 'step_id')],
    given: post(CANCEL),
    want: { status: 409, json: error('conflict') },
    then: [{ given: get(STEP), want: { status: 200, json: { outcome: 'failed' } } }],
    secrets: [LEAK_MARKER],
  },
  {
    name: 'cancel a step paused on a secret demand: 409 (a paused step is completed)',
    setup: [newTask(), newStep({ input: 'use secret CANCEL_ME' }, 'step_id')],
    given: post(CANCEL, {}),
    want: { status: 409, json: error('conflict') },
    then: [
      {
        given: get(STEP),
        want: { status: 200, json: { status: 'completed', outcome: 'succeeded' } },
      },
    ],
  },
  {
    name: 'cancel an unknown step of a known task: 404',
    setup: [newTask()],
    given: post(`${STEPS}/${UNKNOWN_ID}/cancel`),
    want: { status: 404, json: error('not_found') },
  },
  {
    name: 'cancel a step of an unknown task: 404',
    given: post(`${TASKS}/${UNKNOWN_ID}/steps/${UNKNOWN_ID}/cancel`),
    want: { status: 404, json: error('not_found') },
  },
  {
    name: "cancel another task's step through this task: 404, and that step runs on",
    setup: [
      newTask({ input: 'a' }, 'a'),
      newTask({ input: 'b' }, 'b'),
      {
        given: postWith(RESPOND_ASYNC, { input: 'stream 5 100' }, `${TASKS}/{b}/steps`),
        status: 202,
        bind: { b_step: 'step_id' },
      },
    ],
    given: post(`${TASKS}/{a}/steps/{b_step}/cancel`),
    want: { status: 404, json: error('not_found') },
    then: [
      {
        given: get(`${TASKS}/{b}/steps/{b_step}`),
        want: {
          status: 200,
          json: { status: /^(created|running|completed)$/, outcome: { $not: 'cancelled' } },
        },
      },
    ],
  },
];

const streamCases: ConformanceCase[] = [
  {
    name: 'events of a completed step: 200 text/event-stream, Cache-Control no-cache, X-Accel-Buffering no',
    setup: [newTask(), newStep({ input: 'hi' }, 'step_id')],
    given: { ...get(EVENTS), headers: { ...ACCEPT_EVENT_STREAM } },
    want: { status: 200, headers: STREAM_HEADERS },
  },
  {
    name: 'events without an Accept header: still text/event-stream',
    setup: [newTask(), newStep({ input: 'hi' }, 'step_id')],
    given: get(EVENTS),
    want: { status: 200, headers: STREAM_HEADERS },
  },
  {
    name: 'events of a completed step with ?after= past its end: 200 text/event-stream (nothing to send)',
    setup: [newTask(), newStep({ input: 'hi' }, 'step_id')],
    given: { ...get(EVENTS, { after: '1000' }), headers: { ...ACCEPT_EVENT_STREAM } },
    want: { status: 200, headers: STREAM_HEADERS },
  },
  {
    name: 'events with ?after=abc: 422 naming after (query)',
    setup: [newTask(), newStep({ input: 'hi' }, 'step_id')],
    given: { ...get(EVENTS, { after: 'abc' }), headers: { ...ACCEPT_EVENT_STREAM } },
    want: { status: 422, json: invalid('after', 'query') },
  },
  {
    name: 'events with ?after=-1: 422 naming after (query)',
    setup: [newTask(), newStep({ input: 'hi' }, 'step_id')],
    given: { ...get(EVENTS, { after: '-1' }), headers: { ...ACCEPT_EVENT_STREAM } },
    want: { status: 422, json: invalid('after', 'query') },
  },
  {
    name: 'events with Last-Event-ID: abc: 422 naming the header',
    setup: [newTask(), newStep({ input: 'hi' }, 'step_id')],
    given: { ...get(EVENTS), headers: { ...ACCEPT_EVENT_STREAM, 'last-event-id': 'abc' } },
    want: {
      status: 422,
      json: error('validation_failed', {
        errors: { $contains: { field: /^last-event-id$/i, location: 'header' } },
      }),
    },
  },
  {
    name: 'events of an unknown step of a known task: 404 JSON, not a stream',
    setup: [newTask()],
    given: { ...get(`${STEPS}/${UNKNOWN_ID}/events`), headers: { ...ACCEPT_EVENT_STREAM } },
    want: { status: 404, json: error('not_found') },
  },
  {
    name: 'events of a step of an unknown task: 404 JSON',
    given: {
      ...get(`${TASKS}/${UNKNOWN_ID}/steps/${UNKNOWN_ID}/events`),
      headers: { ...ACCEPT_EVENT_STREAM },
    },
    want: { status: 404, json: error('not_found') },
  },
  {
    name: "events of another task's step through this task: 404",
    setup: [
      newTask({ input: 'a' }, 'a'),
      newTask({ input: 'b' }, 'b'),
      newStep({ input: 'of b' }, 'b_step', 'b'),
    ],
    given: {
      ...get(`${TASKS}/{a}/steps/{b_step}/events`),
      headers: { ...ACCEPT_EVENT_STREAM },
    },
    want: { status: 404, json: error('not_found') },
  },
  {
    name: 'POST steps with Accept: text/event-stream: 200 text/event-stream, and the step is recorded completed',
    setup: [newTask()],
    given: postWith(ACCEPT_EVENT_STREAM, { input: 'hi' }),
    want: { status: 200, headers: STREAM_HEADERS },
    then: [
      {
        given: get(STEPS),
        want: {
          status: 200,
          json: {
            steps: [
              {
                ...stepShape,
                input: 'hi',
                status: 'completed',
                outcome: 'succeeded',
                output: 'Hello. You said: hi',
              },
            ],
            pagination: pagination(1, 1, 1, 10),
          },
        },
      },
    ],
  },
  {
    name: 'POST steps with Accept: text/event-stream and Prefer: respond-async: the stream wins (200 text/event-stream)',
    setup: [newTask()],
    given: postWith({ ...ACCEPT_EVENT_STREAM, ...RESPOND_ASYNC }, { input: 'hi' }),
    want: { status: 200, headers: STREAM_HEADERS },
    then: [
      {
        given: get(STEPS),
        want: {
          status: 200,
          json: { steps: [{ input: 'hi', status: 'completed', outcome: 'succeeded' }] },
        },
      },
    ],
  },
  {
    name: 'POST steps with Accept: */* (what many v1 clients send): the v1 answer, 200 JSON completed',
    setup: [newTask()],
    given: postWith({ accept: '*/*' }, { input: 'hi' }),
    want: {
      status: 200,
      headers: { 'content-type': /^application\/json\b/i },
      json: {
        ...stepShape,
        status: 'completed',
        outcome: 'succeeded',
        output: 'Hello. You said: hi',
      },
    },
  },
  ...refusedAtOnce(
    ACCEPT_EVENT_STREAM,
    'POST steps with Accept: text/event-stream',
    ' JSON, not a stream;',
  ),
];

/**
 * The long-running step cases (PROTOCOL.md section 8) that fit one request and one response.
 * Not registered in `conformanceCases` until the core serves section 8.
 */
export const backgroundStepCases: ConformanceCase[] = [
  ...backgroundCases,
  ...outcomeCases,
  ...cancelCases,
  ...streamCases,
];
