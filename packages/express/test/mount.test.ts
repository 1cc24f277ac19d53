import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CONFORMANCE_LIMITS,
  conformanceCases,
  createReferenceAgent,
  runConformance,
  type CaseRequest,
  type ConformanceCase,
  type StartServer,
} from '@agent-protocol/conformance';
import express, { type Express } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentRouter, type AgentRouter } from '../src/index.js';
import { listen, type Listening } from './listen.js';

/** Builds the app around the router; `prefix` is where the router is mounted. */
function startWith(
  prefix: string,
  build: (app: Express, router: AgentRouter) => void,
): StartServer {
  // Every option, whole (auth included): never a pick of the ones known today.
  return async (options) => {
    const router = agentRouter({ ...options });
    const app = express();
    build(app, router);
    const server = await listen(app);
    return {
      baseUrl: `${server.url}${prefix}`,
      async close() {
        await server.close();
        await router.protocol.close();
      },
    };
  };
}

// Mounted under a prefix, the router serves exactly what it serves at the root.
runConformance(
  'express, mounted at /agent',
  startWith('/agent', (app, router) => app.use('/agent', router)),
);

/**
 * Behind `express.json()` the app's parser reads JSON bodies first, so bodies it rejects itself
 * (malformed, not an object, over its own limit) are the app's to answer. Every other case must
 * come out the same.
 */
function appParserAnswersFirst(c: ConformanceCase): boolean {
  const requests: CaseRequest[] = [
    c.given,
    ...(c.setup ?? []).map((s) => s.given),
    ...(c.then ?? []).map((t) => t.given),
  ];
  return requests.some((r) => {
    const rawJson = r.rawBody !== undefined && /json/.test(r.headers?.['content-type'] ?? '');
    const nonObject =
      r.json !== undefined &&
      (typeof r.json !== 'object' || r.json === null || Array.isArray(r.json));
    const large = r.json !== undefined && JSON.stringify(r.json).length > 100 * 1024;
    return rawJson || nonObject || large;
  });
}

runConformance(
  'express, behind express.json()',
  startWith('', (app, router) => {
    app.use(express.json());
    app.use(router);
  }),
  { cases: conformanceCases.filter((c) => !appParserAnswersFirst(c)), scenarios: [] },
);

describe('express, mounted next to the app’s own routes', () => {
  let root: string;
  let server: Listening;
  let router: AgentRouter;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'ap-express-mount-'));
    router = agentRouter({
      agent: createReferenceAgent(),
      dataDir: join(root, 'data'),
      limits: CONFORMANCE_LIMITS,
    });
    const app = express();
    app.get('/agent/health', (_req, res) => {
      res.json({ ok: true });
    });
    app.use('/agent', express.json(), router);
    app.get('/agent/after', (_req, res) => {
      res.type('text').send('app route after the router');
    });
    app.get('/elsewhere', (_req, res) => {
      res.type('text').send('app route');
    });
    server = await listen(app);
  });

  afterAll(async () => {
    await server.close();
    await router.protocol.close();
    await rm(root, { recursive: true, force: true });
  });

  it('serves /agent/ap/v1/agent/tasks', async () => {
    const created = await fetch(`${server.url}/agent/ap/v1/agent/tasks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ input: 'mounted' }),
    });
    expect(created.status).toBe(200);
    const task = (await created.json()) as { task_id: string };
    const step = await fetch(`${server.url}/agent/ap/v1/agent/tasks/${task.task_id}/steps`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ input: 'through express.json()' }),
    });
    expect(step.status).toBe(200);
    expect(await step.json()).toMatchObject({ output: 'Hello. You said: through express.json()' });
    const listed = await fetch(`${server.url}/agent/ap/v1/agent/tasks`);
    expect(await listed.json()).toMatchObject({ tasks: [{ task_id: task.task_id }] });
  });

  it('does not serve the protocol outside its mount point', async () => {
    const response = await fetch(`${server.url}/ap/v1/agent/tasks`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).not.toMatch(/json/);
  });

  it('leaves paths outside /ap/ to the app, before and after the router', async () => {
    expect(await (await fetch(`${server.url}/agent/health`)).json()).toEqual({ ok: true });
    expect(await (await fetch(`${server.url}/agent/after`)).text()).toBe(
      'app route after the router',
    );
    expect(await (await fetch(`${server.url}/elsewhere`)).text()).toBe('app route');
  });

  it('answers protocol errors itself, as JSON, not through the app’s error handler', async () => {
    const response = await fetch(`${server.url}/agent/ap/v1/agent/nothing`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toMatchObject({ code: 'not_found' });
  });
});
