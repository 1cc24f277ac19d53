import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONFORMANCE_LIMITS, createReferenceAgent } from '@agent-protocol/conformance';
import { createAgentProtocol, type AgentProtocol } from '@agent-protocol/core';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentNotFound, agentRouter } from '../src/index.js';
import { listen, type Listening } from './listen.js';

let root: string;
let protocol: AgentProtocol;
let server: Listening;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'ap-express-not-found-'));
  protocol = createAgentProtocol({
    agent: createReferenceAgent(),
    dataDir: join(root, 'data'),
    limits: CONFORMANCE_LIMITS,
  });
  // A protocol whose answer for one path cannot be written (a header Node refuses): the
  // adapter's own failure path, which must not end in Express' HTML error page.
  const unwritable: AgentProtocol = {
    ...protocol,
    handle: (request) =>
      request.path === '/ap/v1/unwritable'
        ? Promise.resolve({ status: 200, headers: { 'x-broken': 'a\nb' } })
        : protocol.handle(request),
  };
  const app = express()
    .use(agentRouter({ protocol: unwritable }))
    .get('/health', (_req, res) => {
      res.json({ ok: true });
    })
    .use(agentNotFound());
  server = await listen(app);
});

afterAll(async () => {
  await server.close();
  await protocol.close();
  await rm(root, { recursive: true, force: true });
});

async function expectJsonError(response: Response, status: number, code: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  const body = (await response.json()) as { message: string; code: string };
  expect(body.code).toBe(code);
  return body.message;
}

describe('agentNotFound()', () => {
  it('answers what nothing else answered with the core’s JSON 404, naming method and path', async () => {
    const cases: [string, string][] = [
      ['GET', '/nope'],
      ['POST', '//ap/v1/agent/tasks'],
      ['DELETE', '/AP/V1/AGENT/TASKS'],
      ['OPTIONS', '/ap'],
    ];
    for (const [method, path] of cases) {
      const message = await expectJsonError(
        await fetch(`${server.url}${path}?q=1`, { method }),
        404,
        'not_found',
      );
      expect(message).toBe(`No operation at ${method} ${path}.`);
    }
  });

  it('answers HEAD with the 404 status and the JSON content type, and no body', async () => {
    const head = await fetch(`${server.url}/AP/V1/AGENT/TASKS`, { method: 'HEAD' });
    expect(head.status).toBe(404);
    expect(head.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await head.text()).toBe('');
  });

  it('leaves the app’s routes and the protocol’s own 404 and 405 alone', async () => {
    expect(await (await fetch(`${server.url}/health`)).json()).toEqual({ ok: true });
    await expectJsonError(
      await fetch(`${server.url}/ap/v1/agent/tasks`, { method: 'DELETE' }),
      405,
      'method_not_allowed',
    );
    await expectJsonError(await fetch(`${server.url}/ap/v1/nothing`), 404, 'not_found');
  });
});

describe('agentRouter() error path', () => {
  it('answers a malformed URI with the core’s JSON 400', async () => {
    await expectJsonError(
      await fetch(`${server.url}/ap/v1/agent/tasks/%E0%A4%A`),
      400,
      'bad_request',
    );
  });

  it('answers a failure to write the response with the core’s JSON 500, never HTML', async () => {
    const response = await fetch(`${server.url}/ap/v1/unwritable`);
    const message = await expectJsonError(response, 500, 'internal');
    expect(message).toBe('Internal server error.');
  });
});
