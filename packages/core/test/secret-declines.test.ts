import { afterEach, describe, expect, it } from 'vitest';
import { defineAgent, type StepHandlerArgs } from '../src/agent.js';
import { SecretDeclinedError } from '../src/pause.js';
import { startCore, type Harness } from './harness.js';

/** What each run of the handler saw: how a refusal reaches `require` and `request`. */
const seen: unknown[] = [];

const agent = defineAgent({
  info: { name: 'declines', version: '1' },
  secrets: { SLACK: { name: 'Slack', description: 'To post the summary' } },
  async onStep({ input, ctx }: StepHandlerArgs) {
    if (input === 'optional') {
      const values = await ctx.secrets.request('SLACK', {
        key: 'MAIL',
        name: 'Mail',
        description: 'To mail it',
      });
      seen.push(values);
      return { output: `slack: ${values.SLACK ?? 'none'}, mail: ${values.MAIL ?? 'none'}` };
    }
    try {
      await ctx.secrets.require('SLACK');
      return { output: 'posted' };
    } catch (error) {
      seen.push(error);
      if (error instanceof SecretDeclinedError) return { output: `without ${error.keys.join()}` };
      throw error;
    }
  },
});

let h: Harness;
afterEach(async () => {
  await h.close();
  seen.length = 0;
});

describe('declining a secret demand', () => {
  it('require rejects with SecretDeclinedError naming the key; the task remembers it', async () => {
    h = await startCore({ agent });
    const task = (await h.call('POST', '/ap/v1/agent/tasks', { input: 't' })).json;
    const steps = `/ap/v1/agent/tasks/${task.task_id}/steps`;
    expect((await h.call('POST', steps, { input: 'post it' })).json.secret_demands).toHaveLength(1);
    const declined = await h.call('POST', steps, { declined_secrets: ['SLACK'] });
    expect(declined.json).toMatchObject({ output: 'without SLACK', declined_secrets: ['SLACK'] });
    expect(seen.at(-1)).toBeInstanceOf(SecretDeclinedError);
    expect((seen.at(-1) as SecretDeclinedError).keys).toEqual(['SLACK']);
    // Remembered across steps and a restart: the refusal travels with the task's steps.
    await h.restart();
    expect((await h.call('POST', steps, { input: 'again' })).json.output).toBe('without SLACK');
    const other = (await h.call('POST', '/ap/v1/agent/tasks', { input: 'u' })).json;
    const asked = await h.call('POST', `/ap/v1/agent/tasks/${other.task_id}/steps`, {
      input: 'post it',
    });
    expect(asked.json.secret_demands).toEqual([
      { key: 'SLACK', name: 'Slack', description: 'To post the summary' },
    ]);
  });

  it('request gives undefined for a declined key and still pauses for the others', async () => {
    h = await startCore({ agent });
    const task = (await h.call('POST', '/ap/v1/agent/tasks', { input: 't' })).json;
    const steps = `/ap/v1/agent/tasks/${task.task_id}/steps`;
    const paused = await h.call('POST', steps, { input: 'optional' });
    expect(paused.json.secret_demands.map((d: { key: string }) => d.key)).toEqual([
      'SLACK',
      'MAIL',
    ]);
    const one = await h.call('POST', steps, { declined_secrets: ['SLACK'] });
    expect(one.json.secret_demands.map((d: { key: string }) => d.key)).toEqual(['MAIL']);
    await h.call('POST', '/ap/v1/agent/secrets', { secret_key: 'MAIL', secret_value: 'm-123' });
    const done = await h.call('POST', steps, {});
    expect(done.json).toMatchObject({ output: 'slack: none, mail: m-123' });
    expect(seen.at(-1)).toEqual({ SLACK: undefined, MAIL: 'm-123' });
  });

  it('refuses to decline what no paused step waits for, recording nothing', async () => {
    h = await startCore({ agent });
    const task = (await h.call('POST', '/ap/v1/agent/tasks', { input: 't' })).json;
    const steps = `/ap/v1/agent/tasks/${task.task_id}/steps`;
    const refused = await h.call('POST', steps, { declined_secrets: ['SLACK'] });
    expect(refused.status).toBe(409);
    expect(refused.json).toMatchObject({ code: 'conflict' });
    await h.call('POST', steps, { input: 'post it' });
    expect((await h.call('POST', steps, { declined_secrets: ['OTHER'] })).status).toBe(409);
    expect((await h.call('GET', steps)).json.pagination.total_items).toBe(1);
  });
});
