import { referenceAgent } from '@agent-protocol/conformance';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { createRequestListener } from '../src/index.js';

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => cleanup?.());

it('serves under a base path, and answers JSON 404 outside it', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'node-adapter-'));
  const listener = createRequestListener({ agent: referenceAgent, dataDir, basePath: '/agent/' });
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanup = async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await listener.protocol.close();
    await rm(dataDir, { recursive: true, force: true });
  };
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const created = await fetch(`${base}/agent/ap/v1/agent/tasks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"input":"hi"}',
  });
  expect(created.status).toBe(200);
  const task = (await created.json()) as { task_id: string };
  expect((await fetch(`${base}/agent/ap/v1/agent/tasks/${task.task_id}?x=1`)).status).toBe(200);

  for (const outside of ['/ap/v1/agent/tasks', '/agentx/ap/v1/agent/tasks', '/']) {
    const res = await fetch(`${base}${outside}`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(((await res.json()) as { message: string }).message).toContain(outside);
  }
});
