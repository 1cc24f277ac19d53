// The events iterator across dropped connections: a proxy in front of a real server cuts the
// first connections mid-stream, and the client resumes each time with Last-Event-ID.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createClient, type StepEvent } from '@agent-protocol/client';
import { startCuttingProxy, type CuttingProxy } from './helpers/cutting-proxy.js';
import { startApp, type RunningApp } from './helpers/example-app.js';

let app: RunningApp;
let proxy: CuttingProxy;

beforeAll(async () => {
  app = await startApp('example-express');
  // The first three connections are cut after 700 bytes of answer: the headers and an event or
  // two, often in the middle of one.
  proxy = await startCuttingProxy(new URL(app.baseUrl), (n) => (n < 3 ? 700 : undefined));
});
afterAll(async () => {
  await proxy?.close();
  await app?.stop();
});

it('reconnects with Last-Event-ID when the connection drops, missing nothing and seeing nothing twice', async () => {
  const direct = createClient({ baseUrl: app.baseUrl });
  const task = await direct.tasks.create();
  const step = await direct.steps.start(task.task_id, { input: 'stream 10 40' });

  const throughProxy = createClient({ baseUrl: proxy.url });
  const seen: StepEvent[] = [];
  for await (const event of throughProxy.steps.events(task.task_id, step.step_id)) seen.push(event);

  // Everything the server logged for the step, read whole on a connection nobody cuts.
  const all: StepEvent[] = [];
  for await (const event of direct.steps.events(task.task_id, step.step_id)) all.push(event);
  expect(all.at(-1)?.event).toBe('step.completed');
  expect(all).toHaveLength(13);

  expect(seen).toEqual(all);
  // (undici may open a spare connection that carries nothing: only those with a request count.)
  const used = proxy.connections.filter((c) => c.requests.length > 0);
  expect(used.filter((c) => c.cut)).toHaveLength(3);
  expect(used.flatMap((c) => c.requests).every((r) => r.endsWith('/events'))).toBe(true);
  // Each reconnection asked for what came after the last event it had, further each time.
  const resumed = used.slice(1).map((c) => Number(c.lastEventId));
  expect(resumed).toHaveLength(3);
  expect(resumed.every((id) => id >= 1)).toBe(true);
  expect(new Set(resumed).size).toBe(3);
  expect(resumed).toEqual([...resumed].sort((a, b) => a - b));
});
