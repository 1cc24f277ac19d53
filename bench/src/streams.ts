/**
 * `--only streams`: long-running steps (PROTOCOL.md section 8) on the node:http adapter with the
 * default store, each measurement in a fresh server child:
 *
 * 1. fan-out: many SSE subscribers on one streaming background step (server RSS, CPU per
 *    delivered event, every event once and in order);
 * 2. a subscriber that stops reading: the server drops it instead of buffering (RSS against a
 *    reading subscriber), and it resumes with `Last-Event-ID`;
 * 3. many background steps queued on many tasks: throughput, CPU per step, per-task order.
 */
import { Agent } from 'node:http';
import { performance } from 'node:perf_hooks';
import { expectJson, SseSubscriber, type SseEnd, type SseEvent } from './http-client.js';
import type { BenchOptions } from './options.js';
import type { ChildConfig } from './protocol.js';
import type { ServerProcess } from './server-process.js';
import { floodDelta } from './servers/node-streams.js';

const TASKS = '/ap/v1/agent/tasks';
const ASYNC = { prefer: 'respond-async' };
const MiB = 1024 * 1024;

export const STREAM_TARGETS = {
  /** Peak RSS growth of the server with all subscribers connected and streaming. */
  fanOutRssMiB: 64,
  /** What a stalled subscriber may add to the peak RSS over a reading one (1 MiB unread + slack). */
  stalledExtraRssMiB: 4,
};

interface Step {
  step_id: string;
  status: 'created' | 'running' | 'completed';
  output: string | null;
  outcome?: 'succeeded' | 'failed' | 'cancelled';
  additional_output?: { step_index?: number; in_flight?: number } | null;
}

export interface FanOutRun {
  subscribers: number;
  /** Events each subscriber got once subscribed: step.running, the deltas, step.completed. */
  liveEvents: number;
  /** Connecting every subscriber until each had its replayed step.created. */
  connectMs: number;
  connectCpuMicros: number;
  /** From the blocking step's cancel (the streaming step starts) to the last stream's end. */
  streamMs: number;
  streamCpuMicros: number;
  /** Server peak RSS (sampled every 20 ms) minus its RSS after a GC before any subscriber. */
  rssGrowth: number;
  /** Subscribers that got every event once, in order, then step.completed and the end. */
  complete: number;
  problems: string[];
}

export interface StalledRun {
  paused: boolean;
  /** Bytes of output the step wrote. */
  outputBytes: number;
  stepMs: number;
  /**
   * Peak RSS growth while the deltas streamed: the last peak read (every 50 ms) before the step
   * was seen completed; where a subscriber's unread output would pile up.
   */
  rssGrowthStreaming: number;
  /** Peak RSS growth including the step's completion (its final Step carries all the output). */
  rssGrowth: number;
  /** When the server's connection count fell to 0 (the stalled subscriber dropped), from the flood's start. */
  droppedAtMs?: number;
  /** What the stalled subscriber found on resuming: the events and bytes the kernel had kept. */
  firstConnection?: { events: number; bytes: number; end: SseEnd };
  /** The reconnection with `Last-Event-ID`: its events and how it ended. */
  resumed?: { lastEventId: number; events: number; end: SseEnd };
  complete: boolean;
  problems: string[];
}

export interface QueueRun {
  tasks: number;
  stepsPerTask: number;
  /** Until the last 202. */
  acknowledgedMs: number;
  /** Until every task's last step had completed (its event stream's step.completed). */
  completedMs: number;
  cpuMicros: number;
  /** Tasks whose steps all completed, listed in the order posted with step_index 1..n. */
  inOrder: number;
  problems: string[];
}

export interface StreamsResults {
  /** Round i: `single[i]` (one subscriber, the warm-up) then `runs[i]`, in the same fresh child. */
  fanOut: { step: string; single: FanOutRun[]; runs: FanOutRun[] };
  stalled: { step: string; reading: StalledRun; stalled: StalledRun };
  queue: QueueRun;
}

export type StartChild = (name: string, config: ChildConfig) => Promise<ServerProcess>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `fn` over `items`, at most `limit` at a time; results in the order of `items`. */
async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

async function createTask(base: string, agent: Agent | false = false): Promise<string> {
  const { body } = await expectJson<{ task_id: string }>(
    200,
    `${base}${TASKS}`,
    'POST',
    { input: 'streams bench' },
    {},
    agent,
  );
  return body.task_id;
}

async function postAsync(steps: string, input: string, agent: Agent | false = false) {
  return (await expectJson<Step>(202, steps, 'POST', { input }, ASYNC, agent)).body;
}

/**
 * Checks one subscriber's events against what the step must send: ids 1, 2, 3, … with no gap
 * and no repeat, step.created, step.running, the deltas (`delta(i)` is the i-th delta's `data`),
 * then step.completed (checked by `completed`) and nothing after it.
 */
class EventCheck {
  /** The id due next (one more than the last good event's). */
  next = 1;
  problem: string | undefined;
  completed = false;
  /** Events received, good or not. */
  events = 0;

  constructor(
    private readonly deltas: number,
    private readonly delta: (i: number) => string,
    private readonly onCompleted: (step: Step) => string | undefined,
  ) {}

  readonly onEvent = (e: SseEvent): void => {
    this.events++;
    if (this.problem) return;
    const fail = (why: string) => (this.problem = `event id ${e.id} (${e.event}): ${why}`);
    if (this.completed) return void fail('after step.completed');
    if (e.id !== this.next) return void fail(`id ${this.next} was due`);
    this.next++;
    const last = this.deltas + 3;
    const name =
      e.id === 1
        ? 'step.created'
        : e.id === 2
          ? 'step.running'
          : e.id < last
            ? 'output.delta'
            : 'step.completed';
    if (e.event !== name) return void fail(`${name} was due`);
    if (name === 'output.delta' && e.data !== this.delta(e.id - 2))
      return void fail(`delta ${e.id - 2} is not what the agent wrote`);
    if (name === 'step.completed') {
      this.completed = true;
      const why = this.onCompleted(JSON.parse(e.data) as Step);
      if (why) fail(why);
    }
  };

  /** Why this subscriber's stream was not complete, or undefined. */
  verdict(end: SseEnd): string | undefined {
    if (this.problem) return this.problem;
    if (!this.completed) return `no step.completed (last id ${this.next - 1}, ${end})`;
    if (end !== 'end') return 'the stream was cut after step.completed';
    return undefined;
  }
}

const completedWith =
  (output: string) =>
  (step: Step): string | undefined => {
    if (step.status !== 'completed') return `status ${step.status}`;
    if (step.outcome !== undefined && step.outcome !== 'succeeded')
      return `outcome ${step.outcome}`;
    if (step.output !== output)
      return `output of ${step.output?.length ?? 0} chars, ${output.length} expected`;
    return undefined;
  };

/**
 * One fan-out round on a new task: a blocking step (`stream 1 99999`) holds the task while the
 * streaming step waits behind it (`created`), every subscriber connects to the waiting step and
 * gets its step.created; then the blocker is cancelled and the step streams to all at once.
 */
async function fanOutRound(
  server: ServerProcess,
  subscribers: number,
  deltas: number,
  deltaMs: number,
): Promise<FanOutRun> {
  const taskId = await createTask(server.url);
  const steps = `${server.url}${TASKS}/${taskId}/steps`;
  const blocker = await postAsync(steps, 'stream 1 99999');
  const step = await postAsync(steps, `stream ${deltas} ${deltaMs}`);
  const problems: string[] = [];
  if (step.status !== 'created') problems.push(`the step was ${step.status}, not queued`);
  const data = Array.from({ length: deltas + 1 }, (_, i) => JSON.stringify({ text: `${i} ` }));
  const output = data
    .slice(1)
    .map((_, i) => `${i + 1} `)
    .join('');
  const url = `${steps}/${step.step_id}/events`;

  await server.resetRss();
  const cpu0 = await server.cpuMicros();
  const t0 = performance.now();
  const checks = Array.from(
    { length: subscribers },
    () => new EventCheck(deltas, (i) => data[i]!, completedWith(output)),
  );
  // Connected in waves, so the listen backlog never overflows into SYN retries.
  const subs = await mapLimit(checks, 100, async (check) => {
    let created!: () => void;
    const first = new Promise<void>((resolve) => (created = resolve));
    const sub = new SseSubscriber(url, (e) => {
      check.onEvent(e);
      if (e.id === 1) created();
    });
    await sub.opened;
    await Promise.race([first, sub.closed]);
    return sub;
  });
  const cpu1 = await server.cpuMicros();
  const t1 = performance.now();
  await expectJson(202, `${steps}/${blocker.step_id}/cancel`, 'POST');
  const ends = await Promise.all(subs.map((s) => s.closed));
  const t2 = performance.now();
  const cpu2 = await server.cpuMicros();
  const rss = await server.peakRss();

  let complete = 0;
  ends.forEach((end, i) => {
    const why = checks[i]!.verdict(end);
    if (why === undefined) complete++;
    else if (problems.length < 5) problems.push(`subscriber ${i + 1}: ${why}`);
  });
  return {
    subscribers,
    liveEvents: deltas + 2,
    connectMs: t1 - t0,
    connectCpuMicros: cpu1 - cpu0,
    streamMs: t2 - t1,
    streamCpuMicros: cpu2 - cpu1,
    rssGrowth: rss.peak - rss.baseline,
    complete,
    problems,
  };
}

/**
 * One subscriber on a flood of large deltas: reading (the control), or stalled (`res.pause()`,
 * never read while the step runs; then read what was kept, and reconnect with Last-Event-ID).
 */
async function floodRun(
  server: ServerProcess,
  deltas: number,
  bytes: number,
  paused: boolean,
): Promise<StalledRun> {
  const taskId = await createTask(server.url);
  const steps = `${server.url}${TASKS}/${taskId}/steps`;
  const blocker = await postAsync(steps, 'wait');
  const step = await postAsync(steps, `flood ${deltas} ${bytes}`);
  const stepUrl = `${steps}/${step.step_id}`;
  const output = Array.from({ length: deltas }, (_, i) => floodDelta(i + 1, bytes)).join('');
  const check = new EventCheck(
    deltas,
    (i) => JSON.stringify({ text: floodDelta(i, bytes) }),
    completedWith(output),
  );
  const problems: string[] = [];

  await server.resetRss();
  const sub = new SseSubscriber(`${stepUrl}/events`, check.onEvent, { paused });
  await sub.opened;
  // The requests before it had sockets of their own, closed with their answers (almost at once).
  let open = await server.connections();
  for (let i = 0; open !== 1 && i < 20; i++) {
    await sleep(50);
    open = await server.connections();
  }
  if (open !== 1) problems.push(`${open} connections open with one subscriber`);
  const t0 = performance.now();
  await expectJson(202, `${steps}/${blocker.step_id}/cancel`, 'POST');
  let droppedAtMs: number | undefined;
  let stepMs: number | undefined;
  let streamingPeak = (await server.peakRss()).peak;
  // Every request here has a socket of its own that closes with its answer, so 0 open
  // connections means the subscriber's is gone; counted before each poll, never during one.
  while (stepMs === undefined) {
    if (performance.now() - t0 > 120_000) throw new Error('the flood step took over 2 minutes');
    await sleep(50);
    if (paused && droppedAtMs === undefined && (await server.connections()) === 0)
      droppedAtMs = performance.now() - t0;
    const { peak } = await server.peakRss();
    const { body } = await expectJson<Step>(200, stepUrl, 'GET');
    if (body.status === 'completed') stepMs = performance.now() - t0;
    else streamingPeak = peak;
  }
  const rss = await server.peakRss();
  const run: StalledRun = {
    paused,
    outputBytes: output.length,
    stepMs,
    rssGrowthStreaming: streamingPeak - rss.baseline,
    rssGrowth: rss.peak - rss.baseline,
    ...(droppedAtMs === undefined ? {} : { droppedAtMs }),
    complete: false,
    problems,
  };
  if (!paused) {
    const why = check.verdict(await sub.closed);
    if (why) problems.push(why);
    run.complete = why === undefined;
    return run;
  }
  if (droppedAtMs === undefined) problems.push('the server never closed the stalled connection');
  sub.resume();
  const end = await sub.closed;
  run.firstConnection = { events: check.events, bytes: sub.bytes, end };
  if (check.problem) problems.push(`first connection: ${check.problem}`);
  if (check.completed)
    problems.push('the stalled subscriber got step.completed: it was not dropped');
  if (end !== 'aborted') problems.push(`the first connection ended with ${end}, not cut`);
  const lastEventId = check.next - 1;
  const before = check.events;
  const again = new SseSubscriber(`${stepUrl}/events`, check.onEvent, { lastEventId });
  const end2 = await again.closed;
  run.resumed = { lastEventId, events: check.events - before, end: end2 };
  const why = check.verdict(end2);
  if (why) problems.push(`after reconnecting: ${why}`);
  run.complete = problems.length === 0;
  return run;
}

/**
 * Background steps queued on many tasks: every task gets its steps posted one after the other
 * (each after the previous 202, so the server receives them in order), all tasks at once over 64
 * keep-alive sockets; each task's last step is then followed on its event stream to
 * step.completed. Afterwards (not timed) every task's steps are listed and checked.
 */
async function queueRun(
  server: ServerProcess,
  tasks: number,
  stepsPerTask: number,
): Promise<QueueRun> {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const problems: string[] = [];
  try {
    const taskIds = await mapLimit(Array.from({ length: tasks }), 16, () =>
      createTask(server.url, agent),
    );
    const cpu0 = await server.cpuMicros();
    const t0 = performance.now();
    let acknowledged = t0;
    const posted = await mapLimit(taskIds, tasks, async (taskId) => {
      const steps = `${server.url}${TASKS}/${taskId}/steps`;
      const ids: string[] = [];
      for (let k = 0; k < stepsPerTask; k++) ids.push((await postAsync(steps, 'y', agent)).step_id);
      acknowledged = Math.max(acknowledged, performance.now());
      let completed = false;
      const sub = new SseSubscriber(`${steps}/${ids.at(-1)}/events`, (e) => {
        if (e.event === 'step.completed') completed = true;
      });
      const end = await sub.closed;
      if (!completed && problems.length < 5)
        problems.push(
          `task ${taskId}: its last step's stream ended (${end}) before step.completed`,
        );
      return ids;
    });
    const completedMs = performance.now() - t0;
    const cpuMicros = (await server.cpuMicros()) - cpu0;

    const verdicts = await mapLimit(taskIds, 16, async (taskId, t) => {
      const { body } = await expectJson<{ steps: Step[] }>(
        200,
        `${server.url}${TASKS}/${taskId}/steps?current_page=1&page_size=100`,
        'GET',
        undefined,
        {},
        agent,
      );
      const ids = posted[t]!;
      if (body.steps.length !== ids.length) return `${body.steps.length} steps listed`;
      for (const [k, step] of body.steps.entries()) {
        const at = `step ${k + 1} (${step.step_id})`;
        if (step.step_id !== ids[k]) return `${at} listed where ${ids[k]} was posted`;
        if (step.status !== 'completed') return `${at} is ${step.status}`;
        if (step.outcome !== undefined && step.outcome !== 'succeeded')
          return `${at} ended ${step.outcome}`;
        if (step.additional_output?.step_index !== k + 1)
          return `${at} ran as step_index ${step.additional_output?.step_index}`;
        if (step.additional_output?.in_flight !== 1)
          return `${at} ran with ${step.additional_output?.in_flight} steps of its task at once`;
      }
      return undefined;
    });
    let inOrder = 0;
    verdicts.forEach((why, t) => {
      if (why === undefined) inOrder++;
      else if (problems.length < 10) problems.push(`task ${taskIds[t]}: ${why}`);
    });
    return {
      tasks,
      stepsPerTask,
      acknowledgedMs: acknowledged - t0,
      completedMs,
      cpuMicros,
      inOrder,
      problems,
    };
  } finally {
    agent.destroy();
  }
}

export async function runStreams(
  options: BenchOptions,
  start: StartChild,
  dataDir: (name: string) => string,
  log: (line: string) => void,
): Promise<StreamsResults> {
  const s = options.streams;
  const child = (name: string, server: 'node-reference' | 'node-flood') =>
    start(name, { server, store: 'sqlite', seed: 0, auth: false, dataDir: dataDir(name) });
  const mib = (bytes: number) => `${(bytes / MiB).toFixed(1)} MiB`;

  // 1. Fan-out: each round in a fresh child (an RSS peak measures growth only once per process:
  // a heap already grown for an earlier round absorbs the next), warmed up by one subscriber on
  // the same kind of step, which is also what the step costs with no fan-out.
  const step = `stream ${s.deltas} ${s.deltaMs}`;
  const fanOut: StreamsResults['fanOut'] = { step, single: [], runs: [] };
  for (let round = 0; round < s.fanOutRounds; round++) {
    const server = await child(`streams fan-out ${round + 1}`, 'node-reference');
    try {
      fanOut.single.push(await fanOutRound(server, 1, s.deltas, s.deltaMs));
      const r = await fanOutRound(server, s.subscribers, s.deltas, s.deltaMs);
      fanOut.runs.push(r);
      log(
        `streams fan-out ${round + 1}/${s.fanOutRounds}: ${r.subscribers} subscribers connected in ` +
          `${(r.connectMs / 1000).toFixed(2)} s; \`${step}\` streamed in ${(r.streamMs / 1000).toFixed(2)} s, ` +
          `${(r.streamCpuMicros / (r.liveEvents * r.subscribers)).toFixed(2)} µs CPU per delivered event, ` +
          `+${mib(r.rssGrowth)} peak RSS; ${r.complete}/${r.subscribers} complete` +
          (r.problems.length ? `; ${r.problems.join('; ')}` : ''),
      );
    } finally {
      await server.stop();
    }
  }

  // 2. A subscriber that stops reading, against one that reads; each in a fresh child.
  const flood = `flood ${s.floodDeltas} ${s.floodBytes}`;
  const floodSide = async (paused: boolean) => {
    const server = await child(`streams ${paused ? 'stalled' : 'reading'}`, 'node-flood');
    try {
      const r = await floodRun(server, s.floodDeltas, s.floodBytes, paused);
      log(
        `streams ${paused ? 'stalled' : 'reading'} subscriber: \`${flood}\` (${mib(r.outputBytes)}) in ` +
          `${(r.stepMs / 1000).toFixed(2)} s, +${mib(r.rssGrowthStreaming)} peak RSS while streaming, ` +
          `+${mib(r.rssGrowth)} with the completion` +
          (paused
            ? `; dropped ${r.droppedAtMs === undefined ? 'never' : `at ${(r.droppedAtMs / 1000).toFixed(2)} s`}, ` +
              `first connection ${r.firstConnection?.events} events (${mib(r.firstConnection?.bytes ?? 0)}, ${r.firstConnection?.end}), ` +
              `resumed after id ${r.resumed?.lastEventId}: ${r.resumed?.events} events (${r.resumed?.end})`
            : '') +
          (r.problems.length ? `; ${r.problems.join('; ')}` : ''),
      );
      return r;
    } finally {
      await server.stop();
    }
  };
  const reading = await floodSide(false);
  const stalled = await floodSide(true);

  // 3. Background steps queued on many tasks.
  let queue: QueueRun;
  {
    const server = await child('streams queue', 'node-reference');
    try {
      queue = await queueRun(server, s.tasks, s.stepsPerTask);
      const n = queue.tasks * queue.stepsPerTask;
      log(
        `streams queue: ${n} steps on ${queue.tasks} tasks acknowledged in ${(queue.acknowledgedMs / 1000).toFixed(2)} s, ` +
          `completed in ${(queue.completedMs / 1000).toFixed(2)} s (${(n / (queue.completedMs / 1000)).toFixed(0)} steps/s, ` +
          `${(queue.cpuMicros / n).toFixed(0)} µs CPU per step); ${queue.inOrder}/${queue.tasks} tasks in order` +
          (queue.problems.length ? `; ${queue.problems.join('; ')}` : ''),
      );
    } finally {
      await server.stop();
    }
  }
  return { fanOut, stalled: { step: flood, reading, stalled }, queue };
}
