import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createReferenceAgent } from '@agent-protocol/conformance';
import express, { type Express } from 'express';
import { afterEach, expect, it } from 'vitest';
import { agentNotFound, agentRouter, type AgentRouter } from '../src/index.js';
import { listen, type Listening } from './listen.js';

const DISCOVERY = '/.well-known/agent-protocol';

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

async function serve(mount: (app: Express, router: AgentRouter) => void): Promise<Listening> {
  const root = await mkdtemp(join(tmpdir(), 'ap-express-discovery-'));
  const router = agentRouter({ agent: createReferenceAgent(), dataDir: join(root, 'data') });
  const app = express();
  mount(app, router);
  app.use(agentNotFound());
  const server = await listen(app);
  cleanup = async () => {
    await server.close();
    await router.protocol.close();
    await rm(root, { recursive: true, force: true });
  };
  return server;
}

it('serves the discovery document when mounted at the root', async () => {
  const server = await serve((app, router) => app.use(router));
  const response = await fetch(`${server.url}${DISCOVERY}`);
  expect(response.status).toBe(200);
  expect(response.headers.get('cache-control')).toBe('public, max-age=300');
  expect(await response.json()).toMatchObject({
    name: 'reference-agent',
    endpoints: { v1: '/ap/v1' },
  });
});

it('serves none when mounted under a prefix: not at the origin root, not below the prefix', async () => {
  const server = await serve((app, router) => app.use('/agent', router));
  expect((await fetch(`${server.url}/agent/ap/v1/agent/info`)).status).toBe(200);
  for (const path of [DISCOVERY, `/agent${DISCOVERY}`]) {
    const response = await fetch(`${server.url}${path}`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      message: `No operation at GET ${path}.`,
      code: 'not_found',
    });
  }
});
