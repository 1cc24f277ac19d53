// The runner against upstream's own JavaScript SDK server, `agent-protocol@1.0.5` (npm): no info
// endpoint (a 404), so plain v1 synchronous steps, until its step handler says is_last.
import { createRequire } from 'node:module';
import { createServer, type Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AgentProtocolClientError, createClient, type RunEvent } from '../src/index.js';

// The SDK is CommonJS: loaded with require, as its README's users do.
const require = createRequire(import.meta.url);
const sdk = require('agent-protocol') as typeof import('agent-protocol');
type StepHandler = import('agent-protocol').StepHandler;

let server: Server;
let baseUrl = '';
let workspace = '';

beforeAll(async () => {
  workspace = await mkdtemp(join(tmpdir(), 'client-upstream-'));
  // A tiny upstream agent: each task answers twice, the second time as its last step.
  async function taskHandler(): Promise<StepHandler> {
    let steps = 0;
    return async (input) => {
      steps += 1;
      return { output: `step ${steps} of 2 (input: ${input ?? 'none'})`, is_last: steps === 2 };
    };
  }
  // `build()` is the SDK's Express app without its `listen` on every interface.
  const app = sdk.default.handleTask(taskHandler, { workspace }).build();
  server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await rm(workspace, { recursive: true, force: true });
});

it('runs a task to its last step with v1 steps (no info endpoint, so no background steps)', async () => {
  const requests: string[] = [];
  const client = createClient({
    baseUrl,
    fetch: (input, init) => {
      const request = input as Request;
      const prefer = request.headers.get('prefer');
      requests.push(
        `${request.method} ${new URL(request.url).pathname}${prefer ? ` (${prefer})` : ''}`,
      );
      return fetch(input, init);
    },
  });
  const info = await client.info().catch((error: unknown) => error);
  expect(info).toBeInstanceOf(AgentProtocolClientError);
  expect((info as AgentProtocolClientError).status).toBe(404);

  const events: RunEvent[] = [];
  const result = await client.run('summarise', { onEvent: (event) => events.push(event) });
  expect(result.ended).toBe('finished');
  expect(result.task).toMatchObject({ input: 'summarise' });
  expect(result.steps.map((s) => [s.output, s.is_last])).toEqual([
    ['step 1 of 2 (input: none)', false],
    ['step 2 of 2 (input: none)', true],
  ]);
  expect(result.artifacts).toEqual([]);
  expect(
    events.filter((e) => e.type === 'output').map((e) => e.type === 'output' && e.text),
  ).toEqual(['step 1 of 2 (input: none)', 'step 2 of 2 (input: none)']);
  // Plain v1: steps waited for, never a background step or an event stream.
  const steps = requests.filter((r) => r.includes('/steps'));
  expect(steps).toHaveLength(2);
  expect(steps.every((r) => /^POST \/ap\/v1\/agent\/tasks\/[^/]+\/steps$/.test(r))).toBe(true);

  // The tasks list and a task are read from upstream's server too.
  const listed = [];
  for await (const task of client.tasks.list({ pageSize: 1 })) listed.push(task.task_id);
  expect(listed).toContain(result.task.task_id);
});
