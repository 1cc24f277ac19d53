import { referenceAgent } from '@agent-protocol/conformance';
import Router from '@koa/router';
import Koa from 'koa';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentNotFound, agentRouter, type AgentRouter } from '../src/index.js';

let base: string;
let stop: () => Promise<void>;

beforeAll(async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'koa-not-found-'));
  const agent: AgentRouter = agentRouter({ agent: referenceAgent, dataDir });
  const app = new Router();
  app.get('/health', (ctx) => {
    ctx.body = { ok: true };
  });
  const koa = new Koa().use(agentNotFound()).use(agent.routes()).use(app.routes());
  const server = koa.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  stop = async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await agent.protocol.close();
    await rm(dataDir, { recursive: true, force: true });
  };
});

afterAll(() => stop());

async function expectJsonError(response: Response, status: number, code: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  const body = (await response.json()) as { message: string; code: string };
  expect(body.code).toBe(code);
  return body.message;
}

describe('agentNotFound()', () => {
  it('answers what nothing else answered with the core’s JSON 404, naming method and path', async () => {
    for (const [method, path] of [
      ['GET', '/nope'],
      ['POST', '//ap/v1/agent/tasks'],
      ['PUT', '/.well-known/other'],
    ] as const) {
      const message = await expectJsonError(
        await fetch(`${base}${path}?q=1`, { method }),
        404,
        'not_found',
      );
      expect(message).toBe(`No operation at ${method} ${path}.`);
    }
  });

  it('answers HEAD with the 404 status and the JSON content type, and no body', async () => {
    const head = await fetch(`${base}/AP/V1/AGENT/TASKS`, { method: 'HEAD' });
    expect(head.status).toBe(404);
    expect(head.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await head.text()).toBe('');
  });

  it('leaves the app’s routes and the protocol’s own answers alone', async () => {
    expect(await (await fetch(`${base}/health`)).json()).toEqual({ ok: true });
    await expectJsonError(
      await fetch(`${base}/ap/v1/agent/tasks`, { method: 'DELETE' }),
      405,
      'method_not_allowed',
    );
    await expectJsonError(await fetch(`${base}/ap/v1/nothing`), 404, 'not_found');
    const discovery = await fetch(`${base}/.well-known/agent-protocol`);
    expect(discovery.status).toBe(200);
    expect(discovery.headers.get('cache-control')).toBe('public, max-age=300');
    expect(await discovery.json()).toMatchObject({ endpoints: { v1: '/ap/v1' } });
  });
});

it('serves the discovery document only at the root, not under a prefix or an outer router', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'koa-discovery-'));
  const atRoot = agentRouter({ agent: referenceAgent, dataDir });
  const prefixed = agentRouter({ protocol: atRoot.protocol, prefix: '/agent' });
  const outer = new Router();
  outer.use('/outer', atRoot.routes());
  const koa = new Koa().use(agentNotFound()).use(outer.routes()).use(prefixed.routes());
  const server = koa.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    expect((await fetch(`${url}/agent/ap/v1/agent/info`)).status).toBe(200);
    expect((await fetch(`${url}/outer/ap/v1/agent/info`)).status).toBe(200);
    for (const path of [
      '/.well-known/agent-protocol',
      '/agent/.well-known/agent-protocol',
      '/outer/.well-known/agent-protocol',
    ]) {
      const message = await expectJsonError(await fetch(`${url}${path}`), 404, 'not_found');
      expect(message).toBe(`No operation at GET ${path}.`);
    }
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await atRoot.protocol.close();
    await rm(dataDir, { recursive: true, force: true });
  }
});
