import { referenceAgent } from '@agent-protocol/conformance';
import Router from '@koa/router';
import Koa from 'koa';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { agentRouter } from '../src/index.js';

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => cleanup?.());

async function serve(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any Koa app, whatever its context
  app: Koa<any, any>,
  close: () => Promise<void>,
  dataDir: string,
): Promise<string> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  cleanup = async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await close();
    await rm(dataDir, { recursive: true, force: true });
  };
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const post = (url: string, body: unknown) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

it('mounts under a prefix and inside an outer router, leaving other routes to the app', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'koa-adapter-'));
  const agent = agentRouter({ agent: referenceAgent, dataDir, prefix: '/agent' });
  const outer = new Router();
  outer.use('/outer', agent.routes());
  outer.get('/hello', (ctx) => {
    ctx.body = 'app route';
  });
  const app = new Koa().use(agent.routes()).use(outer.routes());
  const base = await serve(app, () => agent.protocol.close(), dataDir);

  const task = (await (await post(`${base}/agent/ap/v1/agent/tasks`, { input: 'x' })).json()) as {
    task_id: string;
  };
  const viaOuter = await fetch(`${base}/outer/agent/ap/v1/agent/tasks/${task.task_id}`);
  expect(viaOuter.status).toBe(200);
  expect(await (await fetch(`${base}/hello`)).text()).toBe('app route');
  const unknown = await fetch(`${base}/agent/ap/v1/nope`);
  expect(unknown.status).toBe(404);
  expect(unknown.headers.get('content-type')).toMatch(/^application\/json/);
});

it('works behind a body parser that already read the JSON', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'koa-adapter-'));
  const agent = agentRouter({ agent: referenceAgent, dataDir });
  const app = new Koa();
  // A minimal body parser, as koa-bodyparser would do: read, parse, keep on ctx.request.body.
  app.use(async (ctx, next) => {
    if (ctx.is('application/json')) {
      let raw = '';
      for await (const chunk of ctx.req) raw += chunk;
      (ctx.request as { body?: unknown }).body = JSON.parse(raw);
    }
    await next();
  });
  app.use(agent.routes());
  const base = await serve(app, () => agent.protocol.close(), dataDir);
  const created = await post(`${base}/ap/v1/agent/tasks`, { input: 'parsed upstream' });
  expect(created.status).toBe(200);
  expect(((await created.json()) as { input: string }).input).toBe('parsed upstream');
});

it('serves under a prefix with a parameter', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'koa-adapter-'));
  const agent = agentRouter({ agent: referenceAgent, dataDir, prefix: '/t/:tenant' });
  const outer = new Router();
  outer.use('/orgs/:org', agent.routes());
  const base = await serve(
    new Koa().use(agent.routes()).use(outer.routes()),
    () => agent.protocol.close(),
    dataDir,
  );
  const created = await post(`${base}/t/acme/ap/v1/agent/tasks`, { input: 'x' });
  expect(created.status).toBe(200);
  const { task_id } = (await created.json()) as { task_id: string };
  expect((await fetch(`${base}/orgs/o1/t/acme/ap/v1/agent/tasks/${task_id}`)).status).toBe(200);
});
