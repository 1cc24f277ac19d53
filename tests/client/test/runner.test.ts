// The task runner against the reference agent of an example app (which runs background steps):
// secret demands, client functions in continuous and manual mode, streamed output, the bound on
// steps and cancellation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createClient,
  type AgentProtocolClient,
  type RunEvent,
  type Step,
} from '@agent-protocol/client';
import { startApp, type RunningApp } from './helpers/example-app.js';

let app: RunningApp;
let client: AgentProtocolClient;
/** The body of every step request the client sent. */
const stepBodies: string[] = [];

beforeAll(async () => {
  app = await startApp('example-express');
  client = createClient({
    baseUrl: app.baseUrl,
    fetch: async (input, init) => {
      const request = input as Request;
      if (request.method === 'POST' && request.url.endsWith('/steps'))
        stepBodies.push(await request.clone().text());
      return fetch(input, init);
    },
  });
});
afterAll(() => app?.stop());

/** Answers each step with the next of `inputs` (after the first, empty, step). */
const script = (inputs: string[]) => {
  const left = [...inputs];
  return () => left.shift() ?? 'finish';
};

const outputs = (steps: Step[]) => steps.map((s) => s.output ?? '');

it('reads the server capabilities: background steps and their events', async () => {
  expect((await client.info()).capabilities).toMatchObject({
    background_steps: true,
    step_events: true,
  });
});

describe('continuous mode', () => {
  it('stores secrets, runs functions, streams output in order and lists the artifacts', async () => {
    const events: RunEvent[] = [];
    const calls: unknown[] = [];
    const result = await client.run(null, {
      secrets: { CLIENT_RUN_KEY: 'value-never-in-a-step' },
      functions: {
        send_email: (args) => {
          calls.push(args);
          return { message_id: 'm-1' };
        },
        get_time: () => {
          throw new Error('the clock is broken');
        },
      },
      nextInput: script([
        'use secret CLIENT_RUN_KEY',
        'call send_email {"to":"sarah@example.com","subject":"Hi"}',
        'call get_time',
        "write 'the report' to file 'report.txt'",
        'stream 3 50',
      ]),
      onEvent: (event) => events.push(event),
    });

    expect(result.ended).toBe('finished');
    expect(result.task.client_functions).toEqual(['send_email', 'get_time']);
    const said = outputs(result.steps).join('\n');
    expect(said).toContain('Secret CLIENT_RUN_KEY is available (21 characters).');
    expect(said).toContain('send_email returned {"message_id":"m-1"}.');
    expect(said).toContain('get_time failed on the client: the clock is broken');
    expect(calls).toEqual([{ to: 'sarah@example.com', subject: 'Hi' }]);
    expect(result.artifacts.map((a) => a.file_name)).toEqual(['report.txt']);
    expect(result.steps.at(-1)).toMatchObject({ is_last: true });

    // The secret went to the secrets endpoint, never into a step.
    expect(stepBodies.join('\n')).not.toContain('value-never-in-a-step');
    expect(events).toContainEqual({ type: 'secret', key: 'CLIENT_RUN_KEY', provided: true });
    expect(events.filter((e) => e.type === 'function')).toEqual([
      { type: 'function', call: { id: expect.any(String), name: 'send_email' }, approved: true },
      { type: 'function', call: { id: expect.any(String), name: 'get_time' }, approved: true },
    ]);
    expect(events[0]).toMatchObject({ type: 'task' });
    expect(events.filter((e) => e.type === 'artifact')).toHaveLength(1);

    // The stream step's deltas, one event each, in order, between its start and its end.
    const streamed = result.steps.find((s) => s.input === 'stream 3 50')!;
    const ofStream = events.filter(
      (e) =>
        (e.type === 'output' && e.stepId === streamed.step_id) ||
        (e.type === 'step' && e.step.step_id === streamed.step_id),
    );
    expect(
      ofStream.map((e) => (e.type === 'output' ? e.text : e.type === 'step' && e.step.status)),
    ).toEqual(['running', '1 ', '2 ', '3 ', 'completed']);
  });

  it('ends a benchmark task (its input, then empty steps) when a step is last', async () => {
    const result = await client.run("write 'x' to file 'a.txt'");
    expect(result).toMatchObject({
      ended: 'finished',
      task: { input: "write 'x' to file 'a.txt'" },
    });
    expect(result.steps).toHaveLength(1);
    expect(result.artifacts.map((a) => a.file_name)).toEqual(['a.txt']);
  });
});

describe('manual mode', () => {
  it('asks before each call: an approved one runs, a declined one is refused; a declined secret is said', async () => {
    const asked: string[] = [];
    const events: RunEvent[] = [];
    const result = await client.run(null, {
      secrets: ({ key }) => (key === 'CLIENT_GIVEN' ? 'given-value' : undefined),
      functions: {
        send_email: () => ({ message_id: 'm-2' }),
        get_time: () => '12:00',
      },
      approve: (call) => {
        asked.push(call.name);
        return call.name === 'send_email';
      },
      nextInput: script([
        'use secret CLIENT_GIVEN',
        'use secret CLIENT_DECLINED',
        'call send_email {"to":"a@example.com","subject":"Yes"}',
        'call get_time',
      ]),
      onEvent: (event) => events.push(event),
    });
    expect(result.ended).toBe('finished');
    expect(asked).toEqual(['send_email', 'get_time']);
    const said = outputs(result.steps).join('\n');
    expect(said).toContain('Secret CLIENT_GIVEN is available');
    expect(said).toContain('No secret CLIENT_DECLINED provided: going on without it.');
    expect(said).toContain('send_email returned {"message_id":"m-2"}.');
    expect(said).toContain('The user refused to run get_time.');
    expect(events.filter((e) => e.type === 'secret')).toEqual([
      { type: 'secret', key: 'CLIENT_GIVEN', provided: true },
      { type: 'secret', key: 'CLIENT_DECLINED', provided: false },
    ]);
    expect(
      events.filter((e) => e.type === 'function').map((e) => e.type === 'function' && e.approved),
    ).toEqual([true, false]);
  });
});

describe('bounds', () => {
  it('stops after maxSteps steps', async () => {
    const result = await client.run(null, { nextInput: () => 'hello', maxSteps: 3 });
    expect(result.ended).toBe('max_steps');
    expect(result.steps).toHaveLength(3);
  });

  it('cancels the running step when the signal fires, and ends cancelled', async () => {
    const controller = new AbortController();
    const result = await client.run('stream 50 100', {
      signal: controller.signal,
      onEvent: (event) => {
        if (event.type === 'output') controller.abort();
      },
    });
    expect(result.ended).toBe('cancelled');
    expect(result.steps).toHaveLength(1);
    const stepId = result.steps[0]!.step_id;
    let last: Step | undefined;
    for await (const event of client.steps.events(result.task.task_id, stepId)) {
      if (event.event === 'step.completed') last = event.data;
    }
    expect(last).toMatchObject({ outcome: 'cancelled' });
    expect(last!.output!.length).toBeLessThan('1 2 3 4 5 6 7 8 9 10 '.length);
  });
});
