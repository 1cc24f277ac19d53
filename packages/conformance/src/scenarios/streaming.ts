import { setTimeout as sleep } from 'node:timers/promises';
import type { Step, Task } from '@agent-protocol/core';
import type { CaseRequest } from '../case.js';
import { ACCEPT_EVENT_STREAM, RESPOND_ASYNC } from '../cases/background-steps.js';
import { get, post, TASKS } from '../cases/requests.js';
import { demandOf } from '../cases/secrets.js';
import { match } from '../match.js';
import { CONFORMANCE_STREAMS } from '../limits.js';
import { LEAK_MARKER } from '../reference-agent.js';
import { send, type Observed } from '../send.js';
import { artifactShape, error as errorBody, stepShape } from '../shapes.js';
import { describeRead, readEvents, type ReadEventsOptions, type SseRead } from '../sse.js';
import { ensure, ensureEqual, ensureSuccess, ok, type Scenario } from './scenario.js';

/**
 * Long-running steps (PROTOCOL.md section 8) over HTTP: background steps polled to completion,
 * the event stream (order, ids, replay with `Last-Event-ID` and `?after=`, keep-alive comments,
 * headers, delivery before the step ends), a step streamed in its own POST, cancellation,
 * failures, and a restart while a background step runs.
 *
 * The reference agent's words they drive: `stream <n> <ms>` (n deltas "1 ", "2 ", … one every
 * ms milliseconds, output "1 2 … n "), `fail`, `delay_ms`, `write … to file …`, `use secret …`.
 */

/** One parsed event: integer id, name, JSON data, arrival times. */
interface Ev {
  id: number;
  event: string;
  data: unknown;
  /** ms after its request was sent. */
  at: number;
  /** `performance.now()` at arrival. */
  time: number;
}

const EVENT_NAMES = new Set([
  'step.created',
  'step.running',
  'output.delta',
  'artifact.created',
  'step.paused',
  'step.completed',
]);
const TERMINAL = 'step.completed';
const EVENT_STREAM = /^text\/event-stream\b/i;
const NO_CACHE = /(?:^|,)\s*no-cache\s*(?:,|$)/i;

const stepsPath = (taskId: string) => `${TASKS}/${taskId}/steps`;
const stepPath = (taskId: string, stepId: string) => `${stepsPath(taskId)}/${stepId}`;
const eventsUrl = (baseUrl: string, taskId: string, stepId: string, query = '') =>
  `${baseUrl}${stepPath(taskId, stepId)}/events${query}`;
const withHeaders = (request: CaseRequest, headers: Record<string, string>): CaseRequest => ({
  ...request,
  headers: { ...request.headers, ...headers },
});
/** "1 ", "2 ", … "n ": what `stream <n> <ms>` writes. */
const counting = (n: number) => Array.from({ length: n }, (_, i) => `${i + 1} `);

function ensureMatch(actual: unknown, want: unknown, what: string): void {
  const problems = match(actual, want);
  ensure(
    problems.length === 0,
    `${what}:\n  ${problems.join('\n  ')}\n  in ${JSON.stringify(actual)}`,
  );
}

/** How a failed step says so: exactly a code and a message naming no internals. */
const failedWith = (code: string) => ({
  $and: [
    { $keys: ['code', 'message'] },
    {
      code,
      message: { $and: [{ $type: 'string' }, { $not: '' }, { $not: { $includes: LEAK_MARKER } }] },
    },
  ],
});

async function newTask(baseUrl: string, json: unknown = { input: 'streaming' }): Promise<Task> {
  return ok<Task>(baseUrl, post(TASKS, json));
}

async function getStep(baseUrl: string, taskId: string, stepId: string): Promise<Step> {
  return ok<Step>(baseUrl, get(stepPath(taskId, stepId)));
}

/**
 * `POST …/steps` with `Prefer: respond-async`: must be a 202 with `Preference-Applied`, a
 * `Location` that reads the step back, and the step `running` or `created`. A `quick` step
 * (`fail`, `write …`, `use secret …`: no delay) may be answered as it is once done: completed.
 */
async function startBackground(
  baseUrl: string,
  taskId: string,
  json: unknown,
  { quick = false }: { quick?: boolean } = {},
): Promise<Step> {
  const request = withHeaders(post(stepsPath(taskId), json), RESPOND_ASYNC);
  const observed = await send(baseUrl, request);
  ensure(
    observed.status === 202,
    `POST ${request.path} with Prefer: respond-async (${JSON.stringify(json)}): expected 202, got ${observed.status || observed.error}: ${observed.body.toString('utf8').slice(0, 300)}`,
  );
  const step = observed.json as Step;
  ensureMatch(
    step,
    quick
      ? { ...stepShape, task_id: taskId }
      : {
          ...stepShape,
          task_id: taskId,
          status: /^(running|created)$/,
          outcome: { $absent: true },
          error: { $absent: true },
        },
    'the 202 body',
  );
  ensure(
    observed.headers['preference-applied'] === 'respond-async',
    `Preference-Applied: expected respond-async, got ${observed.headers['preference-applied'] ?? '(absent)'}`,
  );
  const location = observed.headers.location;
  ensure(location, 'the 202 has no Location header');
  const resolved = new URL(location, `${baseUrl}/`);
  ensure(
    resolved.pathname.endsWith(stepPath(taskId, step.step_id)),
    `Location ${location} does not name the step ${stepPath(taskId, step.step_id)}`,
  );
  const viaLocation = await send('', get(resolved.href));
  ensure(
    viaLocation.status === 200 && (viaLocation.json as Step).step_id === step.step_id,
    `GET on the Location (${resolved.href}): expected 200 with the step, got ${viaLocation.status || viaLocation.error}`,
  );
  return step;
}

/** Polls `getAgentTaskStep` until the step is completed; the statuses seen only move forward. */
async function waitForCompletion(
  baseUrl: string,
  taskId: string,
  stepId: string,
  timeoutMs = 15_000,
): Promise<Step> {
  const order = ['created', 'running', 'completed'];
  const deadline = Date.now() + timeoutMs;
  let last = 'created';
  for (;;) {
    const step = await getStep(baseUrl, taskId, stepId);
    ensure(
      order.indexOf(step.status) >= order.indexOf(last),
      `step ${stepId} went back from ${last} to ${step.status}`,
    );
    last = step.status;
    if (step.status === 'completed') return step;
    ensure(
      Date.now() < deadline,
      `step ${stepId} (${step.input}) not completed after ${timeoutMs} ms: ${JSON.stringify(step)}`,
    );
    await sleep(50);
  }
}

/** A stream answer: 200, `text/event-stream`, no caching, no proxy buffering. */
function ensureStreamHeaders(read: SseRead, what: string): void {
  ensure(read.status === 200, `${what}: expected 200, got ${describeRead(read)}`);
  const h = read.headers;
  ensure(
    EVENT_STREAM.test(h['content-type'] ?? ''),
    `${what}: content-type: expected text/event-stream, got ${h['content-type'] ?? '(absent)'}`,
  );
  ensure(
    NO_CACHE.test(h['cache-control'] ?? ''),
    `${what}: cache-control: expected no-cache, got ${h['cache-control'] ?? '(absent)'}`,
  );
  ensure(
    /^no$/i.test(h['x-accel-buffering'] ?? ''),
    `${what}: x-accel-buffering: expected no, got ${h['x-accel-buffering'] ?? '(absent)'}`,
  );
}

/**
 * The events of a stream, each checked: a known name, an integer id, ids increasing, JSON data;
 * no event after the terminal one; nothing that leaks the agent's internals.
 */
function parseEvents(read: SseRead, what: string): Ev[] {
  ensure(
    !read.text.includes(LEAK_MARKER),
    `${what}: the stream carries the agent's internal error message`,
  );
  const out: Ev[] = [];
  for (const [i, e] of read.events.entries()) {
    const label = `${what}: event ${i + 1} (${e.event}, id ${e.id ?? '(none)'})`;
    ensure(EVENT_NAMES.has(e.event), `${label}: not an event of the protocol`);
    ensure(e.id !== undefined && /^\d+$/.test(e.id), `${label}: the id is not an integer`);
    const id = Number(e.id);
    ensure(Number.isSafeInteger(id), `${label}: the id is not an integer`);
    const previous = out.at(-1);
    ensure(
      !previous || id > previous.id,
      `${label}: ids must increase (after ${previous?.id}): ${describeRead(read)}`,
    );
    ensure(
      previous?.event !== TERMINAL,
      `${label}: an event after step.completed: ${describeRead(read)}`,
    );
    let data: unknown;
    try {
      data = JSON.parse(e.data);
    } catch {
      throw new Error(`${label}: the data is not JSON: ${e.data.slice(0, 200)}`);
    }
    out.push({ id, event: e.event, data, at: e.at, time: e.time });
  }
  return out;
}

const deltasOf = (events: Ev[]) =>
  events.filter((e) => e.event === 'output.delta').map((e) => (e.data as { text: string }).text);
const byId = (events: Ev[]) => events.map(({ id, event, data }) => ({ id, event, data }));
const countDeltas = (events: readonly { event: string }[]) =>
  events.filter((e) => e.event === 'output.delta').length;

/** The end of a stream: it ends with one `step.completed`, and the server closed it. */
function ensureTerminal(read: SseRead, events: Ev[], what: string): Step {
  ensure(
    read.stoppedBy === 'server' && read.closedByServer,
    `${what}: the server must close the stream after step.completed: ${describeRead(read)}`,
  );
  const terminals = events.filter((e) => e.event === TERMINAL);
  ensure(
    terminals.length === 1 && events.at(-1)?.event === TERMINAL,
    `${what}: expected exactly one step.completed, last: ${describeRead(read)}`,
  );
  const final = events.at(-1)!.data as Step;
  ensureMatch(
    final,
    { ...stepShape, status: 'completed', outcome: /^(succeeded|failed|cancelled)$/ },
    `${what}: the step.completed data`,
  );
  return final;
}

interface WholeStream {
  events: Ev[];
  deltas: string[];
  final: Step;
}

/**
 * A stream read from its start to its end: step.created first; step.running next when the step
 * ran (before any delta, artifact or pause), none when it never ran; the deltas `{"text"}`, whose
 * concatenation is the final output; one terminal step.completed; closed by the server.
 */
function ensureWholeStream(
  read: SseRead,
  what: string,
  stepId: string | undefined,
  { ran = true }: { ran?: boolean } = {},
): WholeStream {
  ensureStreamHeaders(read, what);
  const events = parseEvents(read, what);
  const final = ensureTerminal(read, events, what);
  const id = stepId ?? final.step_id;
  ensure(
    events[0]?.event === 'step.created',
    `${what}: the first event must be step.created: ${describeRead(read)}`,
  );
  ensureMatch(
    events[0]!.data,
    { ...stepShape, step_id: id, status: 'created' },
    `${what}: the step.created data`,
  );
  if (ran) {
    ensure(
      events[1]?.event === 'step.running',
      `${what}: step.running must come right after step.created, before any delta: ${describeRead(read)}`,
    );
    ensureMatch(
      events[1]!.data,
      { ...stepShape, step_id: id, status: 'running' },
      `${what}: the step.running data`,
    );
    ensure(
      events.filter((e) => e.event === 'step.running').length === 1,
      `${what}: more than one step.running: ${describeRead(read)}`,
    );
  } else {
    ensure(
      !events.some((e) => e.event !== 'step.created' && e.event !== TERMINAL),
      `${what}: a step that never ran has only step.created and step.completed: ${describeRead(read)}`,
    );
  }
  for (const e of events.filter((x) => x.event === 'output.delta')) {
    ensureMatch(
      e.data,
      { $and: [{ $keys: ['text'] }, { text: { $type: 'string' } }] },
      `${what}: output.delta ${e.id}`,
    );
  }
  ensure(final.step_id === id, `${what}: step.completed names step ${final.step_id}, not ${id}`);
  const deltas = deltasOf(events);
  ensureEqual(
    deltas.join(''),
    final.output ?? '',
    `${what}: the deltas, concatenated, are the final output`,
  );
  return { events, deltas, final };
}

/** A stream resumed after `after`: only later ids, ending with the one step.completed. */
function ensureTail(read: SseRead, what: string, after: number): { events: Ev[]; final: Step } {
  ensureStreamHeaders(read, what);
  const events = parseEvents(read, what);
  ensure(
    events.every((e) => e.id > after),
    `${what}: replays events at or before ${after}: ${describeRead(read)}`,
  );
  return { events, final: ensureTerminal(read, events, what) };
}

function ensureSameEvents(actual: Ev[], expected: Ev[], what: string): void {
  ensureEqual(byId(actual), byId(expected), what);
}

const untilDeltas =
  (n: number): ReadEventsOptions['until'] =>
  (_e, all) =>
    countDeltas(all) >= n;

/** The first delta came well before the step ended: the stream was not held back. */
function ensureLive(events: Ev[], minSpreadMs: number, what: string): void {
  const first = events.find((e) => e.event === 'output.delta');
  const last = events.at(-1);
  ensure(first && last, `${what}: no delta`);
  const spread = last.at - first.at;
  ensure(
    spread >= minSpreadMs,
    `${what}: the first delta arrived only ${Math.round(spread)} ms before step.completed (expected ≥ ${minSpreadMs}): the events were held back until the step ended (buffering, compression?)`,
  );
}

async function cancel(baseUrl: string, taskId: string, stepId: string): Promise<Observed> {
  return send(baseUrl, post(`${stepPath(taskId, stepId)}/cancel`));
}

function ensureCancelAccepted(observed: Observed, stepId: string, what: string): void {
  ensure(
    observed.status === 202,
    `${what}: expected 202, got ${observed.status || observed.error}: ${observed.body.toString('utf8').slice(0, 300)}`,
  );
  ensure(
    /^application\/json\b/i.test(observed.headers['content-type'] ?? ''),
    `${what}: expected the step as JSON, got ${observed.headers['content-type'] ?? '(no content-type)'}`,
  );
  ensureMatch(observed.json, { ...stepShape, step_id: stepId }, `${what}: the 202 body`);
}

function ensureConflict(observed: Observed, what: string): void {
  ensure(
    observed.status === 409,
    `${what}: expected 409, got ${observed.status || observed.error}`,
  );
  ensure(
    /^application\/json\b/i.test(observed.headers['content-type'] ?? ''),
    `${what}: expected a JSON error`,
  );
  ensureMatch(observed.json, errorBody('conflict'), `${what}: the 409 body`);
}

const listSteps = (baseUrl: string, taskId: string) =>
  ok<{ steps: Step[] }>(baseUrl, get(stepsPath(taskId), { page_size: '100' }));

// ---------------------------------------------------------------------------------------------

const polled: Scenario = {
  name: 'background step: 202 with Preference-Applied and a Location that reads it; polled, it moves on to completed with outcome succeeded',
  async run({ baseUrl }) {
    const task = await newTask(baseUrl);
    const step = await startBackground(baseUrl, task.task_id, { input: 'stream 3 100' });
    const done = await waitForCompletion(baseUrl, task.task_id, step.step_id);
    ensureMatch(
      done,
      {
        ...stepShape,
        task_id: task.task_id,
        step_id: step.step_id,
        input: 'stream 3 100',
        status: 'completed',
        output: '1 2 3 ',
        outcome: 'succeeded',
        error: { $absent: true },
        is_last: false,
      },
      'the completed background step',
    );
    const listed = await listSteps(baseUrl, task.task_id);
    ensureEqual(listed.steps, [done], 'the steps list after completion');
  },
};

const streamed: Scenario = {
  name: 'the stream of "stream 5 100": created and running before the deltas "1 " to "5 " (their concatenation is the output), one terminal step.completed, increasing ids, closed by the server; the first delta arrives well before the step ends',
  async run({ baseUrl }) {
    const task = await newTask(baseUrl);
    const step = await startBackground(baseUrl, task.task_id, { input: 'stream 5 100' });
    const read = await readEvents(eventsUrl(baseUrl, task.task_id, step.step_id));
    const what = 'the stream of "stream 5 100"';
    const whole = ensureWholeStream(read, what, step.step_id);
    ensureEqual(whole.deltas, counting(5), `${what}: the output.delta texts, in order`);
    ensureMatch(
      whole.final,
      {
        input: 'stream 5 100',
        outcome: 'succeeded',
        output: '1 2 3 4 5 ',
        error: { $absent: true },
      },
      `${what}: step.completed`,
    );
    // Five deltas 100 ms apart: at least 400 ms from the first to the last.
    ensureLive(whole.events, 200, what);
    ensureEqual(
      await getStep(baseUrl, task.task_id, step.step_id),
      whole.final,
      'the step read back after its stream ended, against the step.completed data',
    );
  },
};

function reconnecting(how: 'Last-Event-ID' | '?after='): Scenario {
  return {
    name: `reconnect with ${how} <k> while the step runs: exactly the events after k, none twice, then the live ones to the end`,
    async run({ baseUrl }) {
      const task = await newTask(baseUrl);
      const step = await startBackground(baseUrl, task.task_id, { input: 'stream 8 150' });
      const url = eventsUrl(baseUrl, task.task_id, step.step_id);
      const first = await readEvents(url, { until: untilDeltas(2) });
      ensure(first.stoppedBy === 'until', `the first connection: ${describeRead(first)}`);
      ensureStreamHeaders(first, 'the first connection');
      const seen = parseEvents(first, 'the first connection');
      const k = seen.at(-1)!.id;
      const meanwhile = await getStep(baseUrl, task.task_id, step.step_id);
      ensure(
        meanwhile.status === 'running',
        `the step should still run when the client reconnects, it is ${meanwhile.status}`,
      );

      const second = await readEvents(
        how === '?after=' ? `${url}?after=${k}` : url,
        how === '?after=' ? {} : { headers: { 'last-event-id': String(k) } },
      );
      const what = `the stream resumed with ${how} ${k}`;
      const tail = ensureTail(second, what, k);
      ensure(
        countDeltas(tail.events) > 0,
        `${what}: expected the deltas written after k: ${describeRead(second)}`,
      );
      ensureLive(tail.events, 300, `${what} (live, not a burst at the end)`);

      const full = await readEvents(url);
      const whole = ensureWholeStream(full, 'the whole stream, read after the end', step.step_id);
      ensureEqual(whole.deltas, counting(8), 'the deltas of the whole stream');
      ensureMatch(
        whole.final,
        { outcome: 'succeeded', output: '1 2 3 4 5 6 7 8 ' },
        'step.completed (a client that disconnects does not cancel the step)',
      );
      ensureSameEvents(
        [...seen, ...tail.events],
        whole.events,
        `the events before and after the reconnection (${how} ${k}), against the whole stream`,
      );
    },
  };
}

const laterPositionWins: Scenario = {
  name: 'Last-Event-ID and ?after= both sent: the later position wins, whichever carries it',
  async run({ baseUrl }) {
    const task = await newTask(baseUrl);
    const step = await startBackground(baseUrl, task.task_id, { input: 'stream 5 20' });
    await waitForCompletion(baseUrl, task.task_id, step.step_id);
    const url = eventsUrl(baseUrl, task.task_id, step.step_id);
    const whole = ensureWholeStream(await readEvents(url), 'the whole stream', step.step_id);
    ensure(whole.events.length >= 6, 'expected at least six events');
    const early = whole.events[1]!.id;
    const late = whole.events[4]!.id;
    const expected = whole.events.filter((e) => e.id > late);
    for (const [query, header] of [
      [early, late],
      [late, early],
    ] as const) {
      const what = `?after=${query} with Last-Event-ID: ${header}`;
      const read = await readEvents(`${url}?after=${query}`, {
        headers: { 'last-event-id': String(header) },
        timeoutMs: 5000,
      });
      ensureSameEvents(ensureTail(read, what, late).events, expected, `${what}: the events sent`);
    }
  },
};

const finishedReplay: Scenario = {
  name: 'a finished step: its stream replays every event and closes, the same each time; ?after=<last id> and Last-Event-ID: <last id> send nothing and close; a synchronous step has a stream too',
  async run({ baseUrl }) {
    const task = await newTask(baseUrl);
    const step = await startBackground(baseUrl, task.task_id, { input: 'stream 3 20' });
    const done = await waitForCompletion(baseUrl, task.task_id, step.step_id);
    const url = eventsUrl(baseUrl, task.task_id, step.step_id);
    const once = ensureWholeStream(
      await readEvents(url, { timeoutMs: 5000 }),
      'a replay',
      step.step_id,
    );
    const twice = ensureWholeStream(
      await readEvents(url, { timeoutMs: 5000 }),
      'a second replay',
      step.step_id,
    );
    ensureSameEvents(twice.events, once.events, 'two replays of a finished step');
    ensureEqual(once.deltas, counting(3), 'the replayed deltas');
    ensureEqual(once.final, done, 'the replayed step.completed, against the step read back');

    const last = once.events.at(-1)!.id;
    for (const [what, target, options] of [
      [`?after=${last}`, `${url}?after=${last}`, {}],
      [`Last-Event-ID: ${last}`, url, { headers: { 'last-event-id': String(last) } }],
    ] as const) {
      const read = await readEvents(target, { ...options, timeoutMs: 5000 });
      ensureStreamHeaders(read, what);
      ensure(
        read.events.length === 0 && read.closedByServer,
        `${what} on a finished step: expected no event and the stream closed, got ${describeRead(read)}`,
      );
    }

    const sync = await ok<Step>(baseUrl, post(stepsPath(task.task_id), { input: 'hi' }));
    const syncStream = ensureWholeStream(
      await readEvents(eventsUrl(baseUrl, task.task_id, sync.step_id), { timeoutMs: 5000 }),
      'the stream of a synchronous step',
      sync.step_id,
    );
    ensureEqual(syncStream.deltas.join(''), 'Hello. You said: hi', 'its deltas, concatenated');
    ensureEqual(syncStream.final, sync, 'its step.completed, against the 200 answer');
  },
};

const postStreamed: Scenario = {
  name: 'POST steps with Accept: text/event-stream starts the step and streams its events in the same response',
  async run({ baseUrl }) {
    const task = await newTask(baseUrl);
    const read = await readEvents(`${baseUrl}${stepsPath(task.task_id)}`, {
      method: 'POST',
      headers: { ...ACCEPT_EVENT_STREAM },
      json: { input: 'stream 4 100' },
    });
    const what = 'POST with Accept: text/event-stream';
    const whole = ensureWholeStream(read, what, undefined);
    ensureEqual(whole.deltas, counting(4), `${what}: the deltas`);
    ensureMatch(
      whole.final,
      { task_id: task.task_id, input: 'stream 4 100', outcome: 'succeeded', output: '1 2 3 4 ' },
      `${what}: step.completed`,
    );
    ensureLive(whole.events, 150, what);
    const listed = await listSteps(baseUrl, task.task_id);
    ensureEqual(listed.steps, [whole.final], 'the steps list: the streamed step, as it completed');
  },
};

const postDisconnected: Scenario = {
  name: 'a client that leaves a POST stream early does not cancel the step: it completes, and its stream resumes from the id of step.created',
  async run({ baseUrl }) {
    const task = await newTask(baseUrl);
    const read = await readEvents(`${baseUrl}${stepsPath(task.task_id)}`, {
      method: 'POST',
      headers: { ...ACCEPT_EVENT_STREAM },
      json: { input: 'stream 6 100' },
      until: untilDeltas(1),
    });
    ensure(read.stoppedBy === 'until', `the POST stream: ${describeRead(read)}`);
    ensureStreamHeaders(read, 'the POST stream');
    const seen = parseEvents(read, 'the POST stream');
    ensure(seen[0]?.event === 'step.created', `the POST stream: ${describeRead(read)}`);
    const stepId = (seen[0]!.data as Step).step_id;
    const k = seen.at(-1)!.id;
    const tail = ensureTail(
      await readEvents(eventsUrl(baseUrl, task.task_id, stepId), {
        headers: { 'last-event-id': String(k) },
      }),
      `the stream resumed with Last-Event-ID ${k}`,
      k,
    );
    ensureMatch(
      tail.final,
      { outcome: 'succeeded', output: '1 2 3 4 5 6 ' },
      'the step the client left: step.completed',
    );
    const whole = ensureWholeStream(
      await readEvents(eventsUrl(baseUrl, task.task_id, stepId), { timeoutMs: 5000 }),
      'its whole stream',
      stepId,
    );
    ensureSameEvents([...seen, ...tail.events], whole.events, 'left early + resumed = whole');
  },
};

const cancelRunning: Scenario = {
  name: 'cancel a running step: 202 with the step; its stream ends with step.completed, outcome cancelled, keeping the output produced; cancelling again is 409; the task goes on',
  async run({ baseUrl }) {
    const task = await newTask(baseUrl);
    const step = await startBackground(baseUrl, task.task_id, { input: 'stream 20 100' });
    let cancelling: Promise<Observed> | undefined;
    const read = await readEvents(eventsUrl(baseUrl, task.task_id, step.step_id), {
      onEvent: (_e, all) => {
        if (!cancelling && countDeltas(all) >= 2)
          cancelling = cancel(baseUrl, task.task_id, step.step_id);
      },
    });
    ensure(cancelling, `the stream never reached a second delta: ${describeRead(read)}`);
    ensureCancelAccepted(await cancelling, step.step_id, 'cancel while running');
    const what = 'the stream of the cancelled step';
    const whole = ensureWholeStream(read, what, step.step_id);
    ensureMatch(
      whole.final,
      { status: 'completed', outcome: 'cancelled', error: { $absent: true } },
      `${what}: step.completed`,
    );
    ensure(
      whole.deltas.length >= 2 && whole.deltas.length < 20,
      `${what}: expected the step to stop after the cancel, got ${whole.deltas.length} of 20 deltas`,
    );
    ensureEqual(whole.deltas, counting(whole.deltas.length), `${what}: the deltas produced`);
    ensureEqual(
      await getStep(baseUrl, task.task_id, step.step_id),
      whole.final,
      'the cancelled step read back',
    );
    ensureConflict(await cancel(baseUrl, task.task_id, step.step_id), 'cancelling it again');
    const next = await ok<Step>(baseUrl, post(stepsPath(task.task_id), { input: 'after cancel' }));
    ensureMatch(
      next,
      { status: 'completed', outcome: 'succeeded', output: 'Hello. You said: after cancel' },
      'the next step',
    );
  },
};

const cancelQueued: Scenario = {
  name: 'cancel a queued step: 202; it completes cancelled without running (output null, no step.running), and the agent never sees it',
  async run({ baseUrl }) {
    const task = await newTask(baseUrl);
    const first = await startBackground(baseUrl, task.task_id, {
      input: 'slow',
      additional_input: { delay_ms: 1000 },
    });
    const queued = await startBackground(baseUrl, task.task_id, { input: 'never runs' });
    ensure(
      queued.status === 'created',
      `a step behind a running one: expected created, got ${queued.status}`,
    );
    const answer = await cancel(baseUrl, task.task_id, queued.step_id);
    ensureCancelAccepted(answer, queued.step_id, 'cancel while queued');
    // A queued step is cancelled at once: it does not wait for its turn.
    ensureMatch(
      answer.json,
      { status: 'completed', outcome: 'cancelled', output: null },
      'the 202 body of the cancelled queued step',
    );
    const meanwhile = await getStep(baseUrl, task.task_id, first.step_id);
    ensure(
      meanwhile.status === 'running',
      `the step before it should still run (1 s), it is ${meanwhile.status}`,
    );
    const cancelled = await waitForCompletion(baseUrl, task.task_id, queued.step_id);
    ensureEqual(
      cancelled,
      answer.json,
      'the cancelled queued step read back, against the 202 body',
    );
    ensureMatch(
      cancelled,
      { status: 'completed', outcome: 'cancelled', output: null, error: { $absent: true } },
      'the cancelled queued step',
    );
    const read = await readEvents(eventsUrl(baseUrl, task.task_id, queued.step_id), {
      timeoutMs: 5000,
    });
    const stream = ensureWholeStream(
      read,
      'the stream of the cancelled queued step',
      queued.step_id,
      {
        ran: false,
      },
    );
    ensureEqual(stream.final, cancelled, 'its step.completed, against the step read back');

    const ran = await waitForCompletion(baseUrl, task.task_id, first.step_id);
    ensureMatch(
      ran,
      {
        outcome: 'succeeded',
        output: 'Hello. You said: slow',
        additional_output: { step_index: 1, in_flight: 1 },
      },
      'the step before it, undisturbed',
    );
    const next = await ok<Step>(baseUrl, post(stepsPath(task.task_id), { input: 'next' }));
    ensureMatch(
      next,
      { outcome: 'succeeded', additional_output: { step_index: 2, in_flight: 1 } },
      'the next step (step_index 2: the agent never ran the cancelled one)',
    );
    const listed = await listSteps(baseUrl, task.task_id);
    ensureEqual(
      listed.steps.map((s) => [s.input, s.outcome]),
      [
        ['slow', 'succeeded'],
        ['never runs', 'cancelled'],
        ['next', 'succeeded'],
      ],
      'the steps list',
    );
  },
};

const inOrder: Scenario = {
  name: 'two background steps on one task run one at a time, in order; a synchronous step sent meanwhile waits its turn',
  async run({ baseUrl }) {
    const task = await newTask(baseUrl, { input: 'order', additional_input: { delay_ms: 300 } });
    const a = await startBackground(baseUrl, task.task_id, { input: 'a' });
    const b = await startBackground(baseUrl, task.task_id, { input: 'b' });
    ensure(b.status === 'created', `the second background step: expected created, got ${b.status}`);
    const streams = [a, b].map((s) => readEvents(eventsUrl(baseUrl, task.task_id, s.step_id)));
    const c = await ok<Step>(baseUrl, post(stepsPath(task.task_id), { input: 'c' }));
    const [readA, readB] = await Promise.all(streams);
    const wholeA = ensureWholeStream(readA!, 'the stream of a', a.step_id);
    const wholeB = ensureWholeStream(readB!, 'the stream of b', b.step_id);
    const indexOf = (s: Step) =>
      (s.additional_output as { step_index?: number } | null)?.step_index;
    const inFlight = (s: Step) => (s.additional_output as { in_flight?: number } | null)?.in_flight;
    ensureEqual(
      [wholeA.final, wholeB.final, c].map((s) => [s.input, indexOf(s), inFlight(s), s.outcome]),
      [
        ['a', 1, 1, 'succeeded'],
        ['b', 2, 1, 'succeeded'],
        ['c', 3, 1, 'succeeded'],
      ],
      'the order the agent ran the steps in (step_index) and their overlap (in_flight)',
    );
    const runningB = wholeB.events.find((e) => e.event === 'step.running')!;
    const completedA = wholeA.events.at(-1)!;
    // Two connections: allow for scheduling, far less than a step's 300 ms.
    ensure(
      runningB.time >= completedA.time - 100,
      `b started running ${Math.round(completedA.time - runningB.time)} ms before a completed`,
    );
    const listed = await listSteps(baseUrl, task.task_id);
    ensureEqual(
      listed.steps.map((s) => s.step_id),
      [a.step_id, b.step_id, c.step_id],
      'the steps list, in the order received',
    );
  },
};

const failedBackground: Scenario = {
  name: 'a failed background step completes with outcome failed and error step_failed (no internals), is kept, and the next step runs',
  async run({ baseUrl }) {
    const task = await newTask(baseUrl);
    const failing = await startBackground(
      baseUrl,
      task.task_id,
      { input: 'fail' },
      { quick: true },
    );
    const next = await startBackground(
      baseUrl,
      task.task_id,
      { input: 'after the failure' },
      { quick: true },
    );
    const read = await readEvents(eventsUrl(baseUrl, task.task_id, failing.step_id));
    const whole = ensureWholeStream(read, 'the stream of the failing step', failing.step_id);
    ensureMatch(
      whole.final,
      { status: 'completed', outcome: 'failed', error: failedWith('step_failed'), output: null },
      'its step.completed',
    );
    ensureEqual(whole.deltas, [], 'its deltas');
    ensureEqual(
      await getStep(baseUrl, task.task_id, failing.step_id),
      whole.final,
      'the failed step read back',
    );
    const done = await waitForCompletion(baseUrl, task.task_id, next.step_id);
    ensureMatch(
      done,
      {
        outcome: 'succeeded',
        output: 'Hello. You said: after the failure',
        additional_output: { step_index: 2, in_flight: 1 },
      },
      'the step after it',
    );
    const listed = await listSteps(baseUrl, task.task_id);
    ensureEqual(
      listed.steps.map((s) => [s.input, s.outcome]),
      [
        ['fail', 'failed'],
        ['after the failure', 'succeeded'],
      ],
      'the steps list',
    );
  },
};

const headers: Scenario = {
  name: 'every event stream answers text/event-stream with Cache-Control: no-cache and X-Accel-Buffering: no (running, finished, POST with Accept)',
  async run({ baseUrl }) {
    const task = await newTask(baseUrl);
    const step = await startBackground(baseUrl, task.task_id, { input: 'stream 3 200' });
    const url = eventsUrl(baseUrl, task.task_id, step.step_id);
    const running = await readEvents(url, { until: () => true });
    ensureStreamHeaders(running, 'the stream of a running step');
    await waitForCompletion(baseUrl, task.task_id, step.step_id);
    ensureStreamHeaders(
      await readEvents(url, { timeoutMs: 5000 }),
      'the stream of a finished step',
    );
    const posted = await readEvents(`${baseUrl}${stepsPath(task.task_id)}`, {
      method: 'POST',
      json: { input: 'hi' },
    });
    ensureStreamHeaders(posted, 'POST steps with Accept: text/event-stream');
    const both = await readEvents(`${baseUrl}${stepsPath(task.task_id)}`, {
      method: 'POST',
      headers: { ...RESPOND_ASYNC },
      json: { input: 'hi' },
    });
    ensureStreamHeaders(
      both,
      'POST steps with Accept: text/event-stream and Prefer: respond-async',
    );
    ensure(
      both.headers['preference-applied'] === undefined,
      `with both, the stream wins: no Preference-Applied, got ${both.headers['preference-applied']}`,
    );
  },
};

/**
 * Needs the server started with a short keep-alive (`CONFORMANCE_STREAMS.keepAliveMs`, 200 ms):
 * with the protocol's default of at most 15 s, a silent second shows none.
 */
const keepAlive: Scenario = {
  name: `while a step is silent its stream carries ": keep-alive" comments (server started with keepAliveMs ${CONFORMANCE_STREAMS.keepAliveMs})`,
  async run({ baseUrl }) {
    const task = await newTask(baseUrl);
    const step = await startBackground(baseUrl, task.task_id, { input: 'stream 2 1000' });
    const read = await readEvents(eventsUrl(baseUrl, task.task_id, step.step_id));
    const whole = ensureWholeStream(read, 'the stream of "stream 2 1000"', step.step_id);
    ensureEqual(whole.deltas, counting(2), 'the deltas');
    const beforeEnd = read.comments.filter(
      (c) => c.text.trim() === 'keep-alive' && c.afterEvents < read.events.length,
    );
    ensure(
      beforeEnd.length > 0,
      `no ": keep-alive" comment in a second of silence: ${describeRead(read)}; comments: ${JSON.stringify(read.comments.map((c) => c.text))}`,
    );
    // Nothing silent for long: every gap between two items (events, comments) stays short.
    const times = [...read.events, ...read.comments].map((item) => item.at).sort((x, y) => x - y);
    const gap = Math.max(...times.slice(1).map((t, i) => t - times[i]!));
    ensure(
      gap < 4 * CONFORMANCE_STREAMS.keepAliveMs,
      `a ${Math.round(gap)} ms silence in the stream, with a keep-alive every ${CONFORMANCE_STREAMS.keepAliveMs} ms`,
    );
  },
};

const artifactEvent: Scenario = {
  name: 'a background step that writes a file: its stream carries artifact.created with the artifact, and the step lists it',
  async run({ baseUrl }) {
    const task = await newTask(baseUrl);
    const step = await startBackground(
      baseUrl,
      task.task_id,
      {
        input: "write 'streamed' to file 'out/streamed.txt'",
      },
      { quick: true },
    );
    const read = await readEvents(eventsUrl(baseUrl, task.task_id, step.step_id));
    const whole = ensureWholeStream(read, 'the stream of a step that writes a file', step.step_id);
    const created = whole.events.filter((e) => e.event === 'artifact.created');
    ensure(created.length === 1, `expected one artifact.created: ${describeRead(read)}`);
    const artifact = created[0]!.data as { artifact_id: string };
    ensureMatch(
      artifact,
      { ...artifactShape, agent_created: true, file_name: 'streamed.txt', relative_path: 'out' },
      'the artifact.created data',
    );
    ensureMatch(
      whole.final,
      { outcome: 'succeeded', artifacts: [{ artifact_id: artifact.artifact_id }] },
      'the step.completed data',
    );
    const download = await send(
      baseUrl,
      get(`${TASKS}/${task.task_id}/artifacts/${artifact.artifact_id}`),
    );
    ensureSuccess(download, get('the artifact'));
    ensureEqual(download.body.toString('utf8'), 'streamed', 'the artifact bytes');
  },
};

const pausedEvent: Scenario = {
  name: 'a background step that pauses on a secret demand: step.paused with the demand, then step.completed',
  async run({ baseUrl }) {
    const key = 'STREAMING_KEY';
    const task = await newTask(baseUrl);
    const step = await startBackground(
      baseUrl,
      task.task_id,
      { input: `use secret ${key}` },
      { quick: true },
    );
    const read = await readEvents(eventsUrl(baseUrl, task.task_id, step.step_id));
    const whole = ensureWholeStream(read, 'the stream of a step that pauses', step.step_id);
    const names = whole.events.map((e) => e.event);
    ensure(
      names.filter((n) => n === 'step.paused').length === 1 && names.at(-2) === 'step.paused',
      `expected one step.paused, right before step.completed: ${describeRead(read)}`,
    );
    ensureMatch(
      whole.events.at(-2)!.data,
      { ...stepShape, step_id: step.step_id, secret_demands: [demandOf(key)] },
      'the step.paused data',
    );
    ensureMatch(
      whole.final,
      {
        status: 'completed',
        outcome: 'succeeded',
        is_last: false,
        secret_demands: [demandOf(key)],
      },
      'the step.completed data',
    );
  },
};

/**
 * A step that outlives any shutdown grace (the core lets running steps finish for
 * `shutdownGraceMs`, 10 s by default, before it interrupts them): 600 deltas, one every 100 ms.
 * With the default grace the restart takes those 10 s; a server started with a short grace
 * (`CONFORMANCE_SHUTDOWN_GRACE_MS`) restarts at once.
 */
const LONG_STEP = 'stream 600 100';

const restart: Scenario = {
  name: 'restart while a background step runs: afterwards it is completed, outcome failed, error interrupted, its stream replays to step.completed keeping what was sent; the step queued behind it runs',
  async run(harness) {
    const task = await newTask(harness.baseUrl);
    const running = await startBackground(harness.baseUrl, task.task_id, {
      input: LONG_STEP,
    });
    const queued = await startBackground(harness.baseUrl, task.task_id, { input: 'stream 2 50' });
    ensure(
      queued.status === 'created',
      `a step behind a running one: expected created, got ${queued.status}`,
    );
    const before = await readEvents(eventsUrl(harness.baseUrl, task.task_id, running.step_id), {
      until: untilDeltas(2),
    });
    ensure(before.stoppedBy === 'until', `before the restart: ${describeRead(before)}`);
    const seen = parseEvents(before, 'the stream before the restart');
    const k = seen.at(-1)!.id;

    await harness.restart();
    const { baseUrl } = harness;

    const interrupted = await waitForCompletion(baseUrl, task.task_id, running.step_id);
    ensureMatch(
      interrupted,
      {
        ...stepShape,
        status: 'completed',
        outcome: 'failed',
        error: failedWith('interrupted'),
        input: LONG_STEP,
      },
      'the step that ran when the server stopped',
    );
    const url = eventsUrl(baseUrl, task.task_id, running.step_id);
    const tail = ensureTail(
      await readEvents(url, { headers: { 'last-event-id': String(k) }, timeoutMs: 5000 }),
      `its stream resumed with Last-Event-ID ${k} after the restart`,
      k,
    );
    ensureEqual(tail.final, interrupted, 'the resumed stream’s step.completed, against the step');
    const whole = ensureWholeStream(
      await readEvents(url, { timeoutMs: 5000 }),
      'its whole stream after the restart',
      running.step_id,
    );
    ensureSameEvents(
      whole.events.slice(0, seen.length),
      seen,
      'the events a client saw before the restart, replayed after it (nothing acknowledged is lost)',
    );
    ensureSameEvents(
      [...seen, ...tail.events],
      whole.events,
      'before the restart + resumed = whole',
    );
    ensure(
      whole.deltas.length >= 2 && whole.deltas.length < 600,
      `expected the output produced before the restart (≥ 2 of 600 deltas), got ${whole.deltas.length}`,
    );
    ensureEqual(whole.deltas, counting(whole.deltas.length), 'the deltas kept');

    const ran = await waitForCompletion(baseUrl, task.task_id, queued.step_id);
    ensureMatch(
      ran,
      { outcome: 'succeeded', output: '1 2 ', error: { $absent: true } },
      'the step queued behind it, after the restart',
    );
    const queuedStream = ensureWholeStream(
      await readEvents(eventsUrl(baseUrl, task.task_id, queued.step_id), { timeoutMs: 5000 }),
      'the stream of the queued step',
      queued.step_id,
    );
    ensureEqual(queuedStream.deltas, counting(2), 'its deltas');

    const next = await ok<Step>(baseUrl, post(stepsPath(task.task_id), { input: 'go on' }));
    ensureMatch(next, { outcome: 'succeeded', output: 'Hello. You said: go on' }, 'a new step');
    const listed = await listSteps(baseUrl, task.task_id);
    ensureEqual(
      listed.steps.map((s) => [s.step_id, s.outcome]),
      [
        [running.step_id, 'failed'],
        [queued.step_id, 'succeeded'],
        [next.step_id, 'succeeded'],
      ],
      'the steps list after the restart',
    );
  },
};

/**
 * The long-running step scenarios (PROTOCOL.md section 8). Not registered in
 * `conformanceScenarios` until the core serves section 8; `keepAliveScenario` also needs every
 * server started with `CONFORMANCE_STREAMS`.
 */
export const streamingScenarios: Scenario[] = [
  polled,
  streamed,
  reconnecting('Last-Event-ID'),
  reconnecting('?after='),
  laterPositionWins,
  finishedReplay,
  postStreamed,
  postDisconnected,
  cancelRunning,
  cancelQueued,
  inOrder,
  failedBackground,
  headers,
  keepAlive,
  artifactEvent,
  pausedEvent,
  restart,
];

export { keepAlive as keepAliveScenario };
