import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { createReferenceAgent } from '@agent-protocol/conformance';
import type { Logger } from '@agent-protocol/core';
import { createAgentServer, type AgentServer } from '@agent-protocol/node';
import { afterAll, expect, it } from 'vitest';
import { PostgresStore } from '../src/store.js';
import { throwawayCluster, type ThrowawayCluster } from './throwaway-cluster.js';

const PASSWORD = 'pw-Do-Not-Log-7731';

let cluster: ThrowawayCluster | undefined;
let server: AgentServer | undefined;
afterAll(async () => {
  await server?.close().catch(() => undefined);
  await cluster?.destroy();
});

interface Answer {
  status: number;
  ms: number;
  contentType: string | null;
  retryAfter: string | null;
  body: unknown;
}

async function call(url: string, init?: RequestInit): Promise<Answer> {
  const started = performance.now();
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(20_000) });
  const text = await response.text();
  return {
    status: response.status,
    ms: performance.now() - started,
    contentType: response.headers.get('content-type'),
    retryAfter: response.headers.get('retry-after'),
    body: text ? (JSON.parse(text) as unknown) : null,
  };
}

it('while PostgreSQL restarts under load: JSON 503s with Retry-After in bounded time, /readyz not ready, then back by itself with nothing acknowledged lost', async () => {
  cluster = await throwawayCluster();
  const lines: string[] = [];
  const logger: Logger = {
    info: (message) => void lines.push(message),
    error: (message, error) =>
      void lines.push(
        `${message} ${error instanceof Error ? `${error.message} ${error.stack}` : String(error)}`,
      ),
  };
  const store = await PostgresStore.connect({
    connectionString: cluster.url(PASSWORD),
    poolSize: 4,
    leaseMs: 2_000,
    logger,
  });
  server = createAgentServer({
    agent: createReferenceAgent(),
    store,
    secretsKey: { key: randomBytes(32).toString('base64') },
    logger,
  });
  await server.listen(0, '127.0.0.1');
  const { port } = server.server.address() as { port: number };
  const base = `http://127.0.0.1:${port}`;
  const json = (body: unknown): RequestInit => ({
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

  const acknowledged: { task: string; steps: string[] }[] = [];
  const answers: Answer[] = [];
  let stop = false;
  const client = async () => {
    while (!stop) {
      const created = await call(`${base}/ap/v1/agent/tasks`, json({ input: 'hello' }));
      answers.push(created);
      if (created.status !== 200) {
        await sleep(100);
        continue;
      }
      const entry = { task: (created.body as { task_id: string }).task_id, steps: [] as string[] };
      acknowledged.push(entry);
      const step = await call(
        `${base}/ap/v1/agent/tasks/${entry.task}/steps`,
        json({ input: 'hi' }),
      );
      answers.push(step);
      if (step.status === 200) entry.steps.push((step.body as { step_id: string }).step_id);
    }
  };
  const clients = [client(), client(), client(), client()];
  await sleep(500);

  await cluster.stop();
  const readiness = await call(`${base}/readyz`);
  expect(readiness.status).toBe(503);
  expect(readiness.retryAfter).toBe('5');
  expect(readiness.body).toMatchObject({ status: 'not_ready' });
  await sleep(2_000);
  await cluster.start();

  // Back by itself: no restart of the replica, no manual reconnect.
  const deadline = Date.now() + 15_000;
  while ((await call(`${base}/readyz`)).status !== 200) {
    expect(Date.now()).toBeLessThan(deadline);
    await sleep(200);
  }
  await sleep(500);
  stop = true;
  await Promise.all(clients);

  const failures = answers.filter((a) => a.status !== 200);
  expect(failures.length).toBeGreaterThan(0);
  for (const answer of answers) {
    // Every answer is either a success or the store's 503, JSON, with Retry-After; none hangs.
    expect(answer.ms).toBeLessThan(8_000);
    if (answer.status === 200) continue;
    expect(answer.status).toBe(503);
    expect(answer.contentType).toMatch(/^application\/json/);
    expect(answer.retryAfter).toBe('5');
    expect(answer.body).toEqual({
      code: 'unavailable',
      message: 'The database is not answering; retry shortly.',
    });
  }
  expect(answers.slice(-4).every((a) => a.status === 200)).toBe(true);

  // Nothing acknowledged was lost.
  for (const { task, steps } of acknowledged) {
    expect((await call(`${base}/ap/v1/agent/tasks/${task}`)).status).toBe(200);
    for (const step of steps) {
      const read = await call(`${base}/ap/v1/agent/tasks/${task}/steps/${step}`);
      expect(read.status).toBe(200);
      expect(read.body).toMatchObject({ status: 'completed' });
    }
  }
  expect(lines.length).toBeGreaterThan(0);
  expect(lines.filter((l) => l.includes(PASSWORD))).toEqual([]);
}, 90_000);
