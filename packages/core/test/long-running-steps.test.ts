import { setTimeout as sleep } from 'node:timers/promises';
import type { PassThrough, Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { defineAgent } from '../src/agent.js';
import { startCore, type Harness } from './harness.js';

/** Writes `n` deltas of `size` characters, as fast as the store takes them; or waits on its signal. */
const agent = defineAgent({
  info: { name: 'long', version: '1' },
  async onStep({ input, ctx }) {
    const big = /^big (\d+) (\d+)$/.exec(input ?? '');
    if (big) {
      for (let i = 0; i < Number(big[1]); i++) await ctx.output.write('x'.repeat(Number(big[2])));
      return {};
    }
    if (input === 'chunks') {
      return (async function* () {
        yield 'a';
        yield 'b';
        yield 'c';
      })();
    }
    if (input === 'wait') {
      await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve));
      return { output: 'stopped' };
    }
    return { output: `said ${input}` };
  },
});

let h: Harness;
afterEach(async () => {
  await h.close();
});

async function newTask(): Promise<string> {
  return (await h.call('POST', '/ap/v1/agent/tasks', { input: 't' })).json.task_id as string;
}

async function streamOf(taskId: string, stepId: string): Promise<Readable> {
  const response = await h.protocol.handle({
    method: 'GET',
    path: `/ap/v1/agent/tasks/${taskId}/steps/${stepId}/events`,
    query: '',
    headers: {},
    body: (await import('node:stream')).Readable.from([]),
  });
  if (response.body?.kind !== 'stream') throw new Error(`no stream: ${response.status}`);
  return response.body.stream;
}

describe('long-running steps in the core', () => {
  it('drops a subscriber that stops reading once its unread bytes pass the limit; the log keeps everything', async () => {
    h = await startCore({ agent, streams: { maxBufferedBytes: 64 * 1024 } });
    const taskId = await newTask();
    const step = await h.call(
      'POST',
      `/ap/v1/agent/tasks/${taskId}/steps`,
      { input: 'big 200 4096' },
      { prefer: 'respond-async' },
    );
    const stalled = await streamOf(taskId, step.json.step_id as string);
    // Never read: the server must not hold 800 KiB of events for it.
    const closed = new Promise((resolve) => stalled.once('close', resolve));
    await closed;
    expect(stalled.destroyed).toBe(true);
    // At most the limit, the stream's own 16 KiB read buffer and the event that crossed the limit.
    const buffered = stalled as PassThrough;
    expect(buffered.readableLength + buffered.writableLength).toBeLessThan(
      64 * 1024 + 16 * 1024 + 8192,
    );
    // Nothing is lost: a new subscriber replays every delta from the durable log.
    while (
      (await h.call('GET', `/ap/v1/agent/tasks/${taskId}/steps/${step.json.step_id}`)).json
        .status !== 'completed'
    ) {
      await sleep(20);
    }
    const replay = await streamOf(taskId, step.json.step_id as string);
    let text = '';
    for await (const chunk of replay) text += String(chunk);
    expect(text.match(/event: output\.delta/g)).toHaveLength(200);
    expect(text).toContain('event: step.completed');
  });

  it('writes each chunk of an async iterable as a delta; the output is their concatenation', async () => {
    h = await startCore({ agent });
    const taskId = await newTask();
    const done = await h.call('POST', `/ap/v1/agent/tasks/${taskId}/steps`, { input: 'chunks' });
    expect(done.json).toMatchObject({ output: 'abc', outcome: 'succeeded' });
    const step = await h.call(
      'POST',
      `/ap/v1/agent/tasks/${taskId}/steps`,
      { input: 'chunks' },
      { prefer: 'respond-async' },
    );
    let text = '';
    for await (const chunk of await streamOf(taskId, step.json.step_id as string))
      text += String(chunk);
    const deltas = [...text.matchAll(/event: output\.delta\ndata: (.*)\n/g)].map(
      (m) => JSON.parse(m[1]!).text,
    );
    expect(deltas).toEqual(['a', 'b', 'c']);
  });

  it('on stop: new steps get 503, a running step gets the grace period, then completes interrupted', async () => {
    const errors: { message: string; error: unknown }[] = [];
    const logger = {
      info: () => undefined,
      error: (message: string, error?: unknown) => void errors.push({ message, error }),
    };
    h = await startCore({ agent, shutdownGraceMs: 100, logger });
    const taskId = await newTask();
    const steps = `/ap/v1/agent/tasks/${taskId}/steps`;
    const running = await h.call('POST', steps, { input: 'wait' }, { prefer: 'respond-async' });
    const stream = await streamOf(taskId, running.json.step_id as string);
    let text = '';
    const ended = (async () => {
      for await (const chunk of stream) text += String(chunk);
    })();
    const stopping = h.protocol.stop();
    const refused = await h.call('POST', steps, { input: 'late' });
    expect(refused.status).toBe(503);
    expect(refused.json.code).toBe('unavailable');
    expect(refused.headers['retry-after']).toBeDefined();
    // A refusal while stopping is expected: no error line, no stack, for it.
    expect(errors.filter((e) => e.message.includes('POST'))).toEqual([]);
    await stopping;
    await ended;
    const stepped = await h.call('GET', `${steps}/${running.json.step_id}`);
    expect(stepped.json).toMatchObject({
      status: 'completed',
      outcome: 'failed',
      error: { code: 'interrupted' },
    });
    // Its stream ended properly, with the terminal event.
    expect(text.trim().split('\n\n').at(-1)).toMatch(/^id: \d+\nevent: step\.completed\n/);
  });
});

describe('the live feed of step events', () => {
  it('a subscriber that throws does not stop the step or the other subscribers', async () => {
    h = await startCore({ agent });
    const taskId = await newTask();
    const seen: string[] = [];
    const events = h.protocol.service.events;
    const step = await h.call(
      'POST',
      `/ap/v1/agent/tasks/${taskId}/steps`,
      { input: 'big 3 10' },
      { prefer: 'respond-async' },
    );
    const stepId = step.json.step_id as string;
    events.subscribe(stepId, {
      onEvent: () => {
        throw new Error('a broken subscriber');
      },
      onEnd: () => undefined,
    });
    events.subscribe(stepId, { onEvent: (e) => void seen.push(e.event), onEnd: () => undefined });
    let state = '';
    for (let i = 0; i < 100 && state !== 'completed'; i++) {
      await sleep(20);
      state = (await h.call('GET', `/ap/v1/agent/tasks/${taskId}/steps/${stepId}`)).json.status;
    }
    expect(state).toBe('completed');
    expect(seen.at(-1)).toBe('step.completed');
  });
});

describe('after a crash', () => {
  it('a step that was running completes failed/interrupted with what it had streamed; a queued one runs', async () => {
    h = await startCore({ agent });
    const taskId = await newTask();
    const steps = `/ap/v1/agent/tasks/${taskId}/steps`;
    const running = await h.call('POST', steps, { input: 'big 1 5' }, { prefer: 'respond-async' });
    const hanging = await h.call('POST', steps, { input: 'wait' }, { prefer: 'respond-async' });
    const queued = await h.call('POST', steps, { input: 'after' }, { prefer: 'respond-async' });
    expect(queued.json.status).toBe('created');
    let state = '';
    for (let i = 0; i < 100 && state !== 'running'; i++) {
      await sleep(20);
      state = (await h.call('GET', `${steps}/${hanging.json.step_id}`)).json.status;
    }
    // The process dies: nothing of it runs any more (its handler waits forever). A new process
    // opens the same data directory.
    const { createAgentProtocol } = await import('../src/protocol.js');
    h.protocol = createAgentProtocol({ agent, dataDir: h.dataDir });
    let after: Record<string, unknown> = {};
    for (let i = 0; i < 100 && after.status !== 'completed'; i++) {
      await sleep(20);
      after = (await h.call('GET', `${steps}/${queued.json.step_id}`)).json;
    }
    expect(after).toMatchObject({
      status: 'completed',
      outcome: 'succeeded',
      output: 'said after',
    });
    expect((await h.call('GET', `${steps}/${hanging.json.step_id}`)).json).toMatchObject({
      status: 'completed',
      outcome: 'failed',
      error: { code: 'interrupted' },
    });
    expect((await h.call('GET', `${steps}/${running.json.step_id}`)).json.outcome).toBe(
      'succeeded',
    );
    // Its stream ends with the terminal event.
    let text = '';
    for await (const chunk of await streamOf(taskId, hanging.json.step_id as string)) {
      text += String(chunk);
    }
    expect(text.trim().split('\n\n').at(-1)).toMatch(/event: step\.completed\n.*"interrupted"/);
  });
});
