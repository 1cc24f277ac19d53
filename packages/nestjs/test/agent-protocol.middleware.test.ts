import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createReferenceAgent } from '@agent-protocol/conformance';
import { Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { afterEach, expect, it } from 'vitest';
import { AgentProtocolModule } from '../src/index.js';
import { listen, type Listening } from './listen.js';

const DISCOVERY = '/.well-known/agent-protocol';

let server: Listening | undefined;
let dataDir = '';
afterEach(async () => {
  await server?.close();
  server = undefined;
  await rm(dataDir, { recursive: true, force: true });
});

async function start(path?: string, setup?: (app: INestApplication) => void): Promise<string> {
  dataDir = await mkdtemp(join(tmpdir(), 'ap-nestjs-middleware-'));
  @Module({
    imports: [AgentProtocolModule.forRoot({ agent: createReferenceAgent(), dataDir, path })],
  })
  class AppModule {}
  const app = await NestFactory.create(AppModule, { logger: false });
  setup?.(app);
  server = await listen(app);
  return server.url;
}

it('serves the discovery document at the root', async () => {
  const url = await start();
  const response = await fetch(`${url}${DISCOVERY}`);
  expect(response.status).toBe(200);
  expect(response.headers.get('cache-control')).toBe('public, max-age=300');
  expect(await response.json()).toMatchObject({
    name: 'reference-agent',
    endpoints: { v1: '/ap/v1' },
  });
});

it('serves none under a global prefix or a path: Nest’s JSON 404 there', async () => {
  const url = await start('agent', (app) => app.setGlobalPrefix('api'));
  expect((await fetch(`${url}/api/agent/ap/v1/agent/info`)).status).toBe(200);
  for (const path of [DISCOVERY, `/api/agent${DISCOVERY}`, `/api${DISCOVERY}`]) {
    const response = await fetch(`${url}${path}`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  }
});

it('leaves what is not the protocol’s to Nest, whose 404 is JSON naming the path (HEAD too)', async () => {
  const url = await start();
  for (const [method, path] of [
    ['GET', '/nope'],
    ['POST', '//ap/v1/agent/tasks'],
  ] as const) {
    const response = await fetch(`${url}${path}`, { method });
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(((await response.json()) as { message: string }).message).toContain(path);
  }
  const head = await fetch(`${url}/AP/V1/AGENT/TASKS`, { method: 'HEAD' });
  expect(head.status).toBe(404);
  expect(head.headers.get('content-type')).toMatch(/^application\/json/);
});
