import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { defineAgent } from '../src/agent.js';
import type { CoreRequest, CoreResponse } from '../src/http/types.js';
import { createAgentProtocol, type AgentProtocol } from '../src/protocol.js';

// The core answers requests in process, with no server: what every adapter builds on.

const agent = defineAgent({
  info: { name: 'echo', version: '1.0.0' },
  configOptions: {
    mood: { type: 'string', default: 'calm', description: 'mood', options: ['calm', 'loud'] },
  },
  async onStep({ input, ctx }) {
    if (input === 'boom') throw new Error('secret internals');
    if (input === 'file') await ctx.artifacts.create({ fileName: 'out.txt', data: 'bytes' });
    return { output: `${ctx.config.mood}: ${input}`, is_last: input === 'finish' };
  },
});

let protocol: AgentProtocol;
let dataDir: string;
afterEach(async () => {
  await protocol?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function setup() {
  dataDir = await mkdtemp(join(tmpdir(), 'core-protocol-'));
  protocol = createAgentProtocol({ agent, dataDir });
}

function request(method: string, url: string, body?: unknown): CoreRequest {
  const [path, query = ''] = url.split('?');
  const raw = body === undefined ? '' : JSON.stringify(body);
  return {
    method,
    path: path!,
    query,
    headers: { 'content-type': 'application/json' },
    body: Readable.from(raw ? [Buffer.from(raw)] : []),
  };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read loose JSON
type Json = Record<string, any>;

async function call(method: string, url: string, body?: unknown) {
  const response: CoreResponse = await protocol.handle(request(method, url, body));
  const value = response.body?.kind === 'json' ? response.body.value : undefined;
  return { status: response.status, headers: response.headers, json: value as Json };
}

describe('createAgentProtocol().handle', () => {
  it('says in its info what it can do beyond v1, so a client picks background steps and streams', async () => {
    await setup();
    const info = await call('GET', '/ap/v1/agent/info');
    expect(info.status).toBe(200);
    expect(info.json.capabilities).toEqual({
      background_steps: true,
      step_events: true,
      step_cancel: true,
    });
  });

  it('creates a task, runs steps with resolved config, and pages them', async () => {
    await setup();
    const task = await call('POST', '/ap/v1/agent/tasks', {
      input: 'hi',
      additional_input: { mood: 'loud' },
    });
    expect(task.status).toBe(200);
    const id = task.json.task_id as string;
    const step = await call('POST', `/ap/v1/agent/tasks/${id}/steps`, { input: 'one' });
    expect(step.json).toMatchObject({
      status: 'completed',
      output: 'loud: one',
      is_last: false,
      artifacts: [],
    });
    await call('POST', `/ap/v1/agent/tasks/${id}/steps`, { input: 'file' });
    const list = await call('GET', `/ap/v1/agent/tasks/${id}/steps?page_size=1&current_page=2`);
    expect(list.json.pagination).toEqual({
      total_items: 2,
      total_pages: 2,
      current_page: 2,
      page_size: 1,
    });
    expect(list.json.steps[0].artifacts[0].file_name).toBe('out.txt');
  });

  it('answers 422 naming the field and rule, 404 and 405 as JSON', async () => {
    await setup();
    const bad = await call('GET', '/ap/v1/agent/tasks?page_size=abc');
    expect(bad.status).toBe(422);
    expect(bad.json.errors[0]).toMatchObject({
      location: 'query',
      field: 'page_size',
      rule: 'type',
    });
    const badOption = await call('POST', '/ap/v1/agent/tasks', {
      additional_input: { mood: 'angry' },
    });
    expect(badOption.status).toBe(422);
    expect(badOption.json.errors[0]).toMatchObject({
      field: 'additional_input.mood',
      rule: 'enum',
    });
    expect((await call('GET', '/ap/v1/agent/tasks/nope')).status).toBe(404);
    const wrong = await call('DELETE', '/ap/v1/agent/tasks');
    expect(wrong.status).toBe(405);
    expect(wrong.headers.allow).toBe('GET, POST');
  });

  it('a failing handler completes the step as failed, hiding its message; the task goes on', async () => {
    await setup();
    const id = (await call('POST', '/ap/v1/agent/tasks', {})).json.task_id as string;
    const failed = await call('POST', `/ap/v1/agent/tasks/${id}/steps`, { input: 'boom' });
    expect(failed.status).toBe(200);
    expect(failed.json).toMatchObject({
      status: 'completed',
      outcome: 'failed',
      error: { code: 'step_failed' },
    });
    expect(JSON.stringify(failed.json)).not.toContain('secret internals');
    expect((await call('GET', `/ap/v1/agent/tasks/${id}/steps`)).json.pagination.total_items).toBe(
      1,
    );
    expect((await call('POST', `/ap/v1/agent/tasks/${id}/steps`, { input: 'ok' })).status).toBe(
      200,
    );
  });

  it('serves the agent info at both paths', async () => {
    await setup();
    for (const path of ['/ap/v1/agent/info', '/ap/v2/agent/info']) {
      const info = await call('GET', path);
      expect(info.json).toMatchObject({ name: 'echo', version: '1.0.0', protocol: 1 });
      expect(info.json.config_options.mood.default).toBe('calm');
    }
  });
});
