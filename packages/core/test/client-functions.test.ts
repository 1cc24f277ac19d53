import { afterEach, describe, expect, it } from 'vitest';
import { defineAgent } from '../src/agent.js';
import { FunctionCallError } from '../src/pause.js';
import { startCore, type Harness } from './harness.js';

const sendEmail = {
  name: 'send_email',
  description: "Send an email from the user's account.",
  parameters: {
    type: 'object',
    properties: { to: { type: 'string' }, subject: { type: 'string' } },
    required: ['to', 'subject'],
  },
};
const lookup = { name: 'lookup', description: 'Look a word up.', parameters: { type: 'object' } };

let runs = 0;
const agent = defineAgent({
  info: { name: 'mailer', version: '1' },
  clientFunctions: [sendEmail, lookup],
  async onStep({ input, ctx }) {
    runs++;
    if (input === 'two at once') {
      const [a, b] = await Promise.all([
        ctx.functions.call('lookup', { w: 'a' }),
        ctx.functions.call('lookup', { w: 'b' }),
      ]);
      return { output: `${a} ${b}` };
    }
    if (input === 'bad args') await ctx.functions.call('send_email', { to: 1 });
    if (!ctx.functions.available('send_email')) return { output: 'cannot send email here' };
    try {
      const receipt = await ctx.functions.call('send_email', {
        to: 'sarah@example.com',
        subject: String(input),
      });
      return { output: `sent: ${JSON.stringify(receipt)}`, is_last: true };
    } catch (error) {
      if (error instanceof FunctionCallError) return { output: `not sent (${error.reason})` };
      throw error;
    }
  },
});

let h: Harness | undefined;
afterEach(async () => h?.close());

async function optedInTask(functions = ['send_email']) {
  const task = await h!.call('POST', '/ap/v1/agent/tasks', {
    input: 'mail',
    client_functions: functions,
  });
  expect(task.status).toBe(200);
  return task.json.task_id as string;
}

const step = (taskId: string, body: unknown) =>
  h!.call('POST', `/ap/v1/agent/tasks/${taskId}/steps`, body);

describe('client-executed functions', () => {
  it('call → result → continue, across a restart, and the result is accepted only once', async () => {
    h = await startCore({ agent });
    const id = await optedInTask();
    const paused = await step(id, { input: 'hello' });
    expect(paused.json.is_last).toBe(false);
    expect(paused.json.function_calls).toEqual([
      {
        id: expect.any(String),
        name: 'send_email',
        arguments: { to: 'sarah@example.com', subject: 'hello' },
      },
    ]);
    const callId = paused.json.function_calls[0].id as string;
    await h.restart();
    const done = await step(id, {
      function_results: [{ id: callId, output: { message_id: 'm-1' } }],
    });
    expect(done.json).toMatchObject({ output: 'sent: {"message_id":"m-1"}', is_last: true });
    const twice = await step(id, { function_results: [{ id: callId, output: 'again' }] });
    expect(twice.status).toBe(409);
    const unknown = await step(id, { function_results: [{ id: 'nope', output: 1 }] });
    expect(unknown.status).toBe(409);
    expect(unknown.json.message).toContain('nope');
  });

  it('a refusal and an error reach the handler; malformed results are 422', async () => {
    h = await startCore({ agent });
    for (const [result, output] of [
      [{ refused: true }, 'not sent (refused)'],
      [{ error: 'SMTP down' }, 'not sent (error)'],
    ] as const) {
      const id = await optedInTask();
      const callId = (await step(id, { input: 'x' })).json.function_calls[0].id;
      expect((await step(id, { function_results: [{ id: callId, ...result }] })).json.output).toBe(
        output,
      );
    }
    const id = await optedInTask();
    const callId = (await step(id, { input: 'x' })).json.function_calls[0].id;
    const both = await step(id, { function_results: [{ id: callId, output: 1, error: 'e' }] });
    expect(both.status).toBe(422);
    expect((await step(id, { function_results: [{ id: callId, output: 1 }] })).status).toBe(200);
  });

  it('a task that did not opt in never receives a call; unknown names are 422', async () => {
    h = await startCore({ agent });
    const plain = (await h.call('POST', '/ap/v1/agent/tasks', { input: 'v1 client' })).json.task_id;
    const res = await step(plain, { input: 'hello' });
    expect(res.json.output).toBe('cannot send email here');
    expect(res.json.function_calls).toBeUndefined();
    const bad = await h.call('POST', '/ap/v1/agent/tasks', {
      client_functions: ['launch_rockets'],
    });
    expect(bad.status).toBe(422);
    expect(bad.json.errors[0]).toMatchObject({ field: 'client_functions.0', rule: 'enum' });
  });

  it('calls made together pause together; a plain v1 client moving on is not stuck', async () => {
    h = await startCore({ agent });
    const id = await optedInTask(['lookup', 'send_email']);
    const paused = await step(id, { input: 'two at once' });
    expect(paused.json.function_calls.map((c: { arguments: unknown }) => c.arguments)).toEqual([
      { w: 'a' },
      { w: 'b' },
    ]);
    const [a, b] = paused.json.function_calls.map((c: { id: string }) => c.id);
    const half = await step(id, { function_results: [{ id: a, output: 'A' }] });
    expect(half.json.function_calls).toEqual([expect.objectContaining({ id: b })]);
    expect((await step(id, { function_results: [{ id: b, output: 'B' }] })).json.output).toBe(
      'A B',
    );

    const other = await optedInTask();
    await step(other, { input: 'first' });
    const moved = await step(other, { input: 'something else' }); // new input: the pause is dropped
    expect(moved.json.function_calls[0].arguments.subject).toBe('something else');
  });

  it('arguments that break the declared schema fail the step, not the task', async () => {
    h = await startCore({ agent });
    const id = await optedInTask();
    const before = runs;
    const res = await step(id, { input: 'bad args' });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ outcome: 'failed', error: { code: 'step_failed' } });
    expect(runs).toBe(before + 1);
    // The failed step is kept, and the task takes the next one.
    expect(
      (await h.call('GET', `/ap/v1/agent/tasks/${id}/steps`)).json.pagination.total_items,
    ).toBe(1);
  });

  it('the info endpoint lists the functions and secrets the agent declares', async () => {
    h = await startCore({ agent });
    const info = await h.call('GET', '/ap/v1/agent/info');
    expect(info.json.client_functions).toEqual([sendEmail, lookup]);
  });
});
