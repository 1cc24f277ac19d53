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

it('serves the discovery document at the origin root, naming the base path in endpoints.v1', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'node-adapter-'));
  const listener = createRequestListener({ agent: referenceAgent, dataDir, basePath: '/agent' });
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanup = async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await listener.protocol.close();
    await rm(dataDir, { recursive: true, force: true });
  };
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const found = await fetch(`${base}/.well-known/agent-protocol`);
  expect(found.status).toBe(200);
  expect(found.headers.get('cache-control')).toBe('public, max-age=300');
  const document = (await found.json()) as { name: string; endpoints: { v1: string } };
  expect(document).toMatchObject({ name: 'reference-agent', endpoints: { v1: '/agent/ap/v1' } });
  // What endpoints.v1 names is where the API is.
  expect((await fetch(`${base}${document.endpoints.v1}/agent/info`)).status).toBe(200);

  const below = await fetch(`${base}/agent/.well-known/agent-protocol?x=1`);
  expect(below.status).toBe(404);
  expect(await below.json()).toEqual({
    message: 'No operation at GET /agent/.well-known/agent-protocol.',
    code: 'not_found',
  });
  const head = await fetch(`${base}/AP/V1/AGENT/TASKS`, { method: 'HEAD' });
  expect(head.status).toBe(404);
  expect(head.headers.get('content-type')).toMatch(/^application\/json/);
});
