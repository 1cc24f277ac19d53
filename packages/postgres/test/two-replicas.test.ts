import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { createReferenceAgent } from '@agent-protocol/conformance';
import { createAgentServer, type AgentServer } from '@agent-protocol/node';
import { afterAll, expect, it } from 'vitest';
import { PostgresStore } from '../src/store.js';
import { useTestDatabases } from './database.js';

// Two replicas in one process, each with its own store (pool, LISTEN connection, coordination)
// on one database: what holds across processes holds here, and quicker to set up.
const database = useTestDatabases();
const servers: AgentServer[] = [];
const KEY = randomBytes(32).toString('base64');
const TOKENS = 'alice-token:alice,bob-token:bob';

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

async function replica(): Promise<string> {
  const store = await PostgresStore.connect({ connectionString: database.url, leaseMs: 2_000 });
  const server = createAgentServer({
    agent: createReferenceAgent(),
    store,
    secretsKey: { key: KEY },
    auth: {
      strategy: 'bearer',
      tokens: Object.fromEntries(TOKENS.split(',').map((pair) => pair.split(':'))),
      maxConcurrentStepsPerPrincipal: 1,
    },
  });
  servers.push(server);
  await server.listen(0, '127.0.0.1');
  return `http://127.0.0.1:${(server.server.address() as { port: number }).port}/ap/v1/agent`;
}

function post(url: string, token: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

async function get<T>(url: string, token: string): Promise<T> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  expect(response.status).toBe(200);
  return (await response.json()) as T;
}

interface Step {
  step_id: string;
  status: string;
  output: string | null;
  name: string | null;
  outcome?: string;
  secret_demands?: { key: string }[];
}

it('the per-principal step limit counts the steps running on every replica', async () => {
  const [a, b] = [await replica(), await replica()];
  const task = (await (await post(`${a}/tasks`, 'alice-token', {})).json()) as { task_id: string };
  const other = (await (await post(`${b}/tasks`, 'alice-token', {})).json()) as {
    task_id: string;
  };
  const running = await post(
    `${a}/tasks/${task.task_id}/steps`,
    'alice-token',
    { input: 'stream 10 100' },
    { prefer: 'respond-async' },
  );
  expect(running.status).toBe(202);
  const step = (await running.json()) as Step;

  // Alice's one place is taken on replica A: replica B refuses her, not Bob.
  const refused = await post(`${b}/tasks/${other.task_id}/steps`, 'alice-token', { input: 'hi' });
  expect(refused.status).toBe(429);
  expect(refused.headers.get('retry-after')).toBe('1');
  expect(await refused.json()).toMatchObject({ code: 'too_many_requests' });
  const bobs = (await (await post(`${b}/tasks`, 'bob-token', {})).json()) as { task_id: string };
  expect(
    (await post(`${b}/tasks/${bobs.task_id}/steps`, 'bob-token', { input: 'hi' })).status,
  ).toBe(200);

  // Once the step on A completes, B takes her step.
  for (;;) {
    const now = await get<Step>(`${b}/tasks/${task.task_id}/steps/${step.step_id}`, 'alice-token');
    if (now.status === 'completed') break;
    await sleep(100);
  }
  const accepted = await post(`${b}/tasks/${other.task_id}/steps`, 'alice-token', { input: 'hi' });
  expect(accepted.status).toBe(200);
});

it('a step paused for a secret on one replica resumes on another once the secret is stored through a third', async () => {
  const [a, b, c] = [await replica(), await replica(), await replica()];
  const task = (await (await post(`${a}/tasks`, 'bob-token', {})).json()) as { task_id: string };
  const paused = (await (
    await post(`${a}/tasks/${task.task_id}/steps`, 'bob-token', { input: 'use secret MAIL_KEY' })
  ).json()) as Step;
  expect(paused.secret_demands?.map((d) => d.key)).toEqual(['MAIL_KEY']);
  const stored = await post(`${c}/secrets`, 'bob-token', {
    secret_key: 'MAIL_KEY',
    secret_value: 'v'.repeat(12),
  });
  expect(stored.status).toBe(200);
  const resumed = (await (
    await post(`${b}/tasks/${task.task_id}/steps`, 'bob-token', {})
  ).json()) as Step;
  expect(resumed).toMatchObject({
    name: 'use_secret',
    output: 'Hello. Secret MAIL_KEY is available (12 characters).',
  });
});
