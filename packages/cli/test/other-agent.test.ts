import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineAgent } from '@agent-protocol/core';
import { createAgentServer, type AgentServer } from '@agent-protocol/node';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli } from './cli.js';

/** An agent that is not the reference agent: it shouts back, and ends the task on "done". */
const shouting = defineAgent({
  info: { name: 'shouting-echo', version: '2.0.0' },
  async onStep({ input }) {
    const text = typeof input === 'string' ? input : '';
    return { output: text.toUpperCase() || 'NOTHING TO SAY', is_last: text === 'done' };
  },
});

let server: AgentServer;
let dataDir: string;
let baseUrl: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'cli-other-agent-'));
  // Under a prefix: the cases at the origin root (discovery) cannot run there, and say so.
  server = createAgentServer({ agent: shouting, dataDir, basePath: '/agent' });
  const { port } = await server.listen(0, '127.0.0.1');
  baseUrl = `http://127.0.0.1:${port}/agent`;
});
afterAll(async () => {
  await server.close();
  await rm(dataDir, { recursive: true, force: true });
});

it('conformance judges any agent on the protocol: the reference agent’s group is skipped with a notice, the rest passes', async () => {
  const result = await runCli(['conformance', '--url', baseUrl]);
  expect(result.stdout).toContain(`Conformance of ${baseUrl} (shouting-echo 2.0.0)`);
  expect(result.stdout).not.toContain('Failed');
  expect(result.code).toBe(0);
  expect(result.stdout).toMatch(/^reference-agent\s+0\s+0\s+[1-9]\d*$/m);
  expect(result.stdout).toMatch(/^tasks\s+[1-9]\d*\s+0\s+\d+$/m);
  expect(result.stdout).toContain('is not the reference agent');
  expect(result.stdout).toContain('mounted at /agent');
});

it('run drives it the benchmark way until a step is the last', async () => {
  const result = await runCli([
    'run',
    '--url',
    baseUrl,
    '--json',
    '--task',
    await newTask(),
    'done',
  ]);
  expect(result.code).toBe(0);
  expect(JSON.parse(result.stdout)).toMatchObject({
    ended: 'finished',
    steps: [{ output: 'DONE' }],
  });
});

async function newTask(): Promise<string> {
  const response = await fetch(`${baseUrl}/ap/v1/agent/tasks`, { method: 'POST' });
  return ((await response.json()) as { task_id: string }).task_id;
}
