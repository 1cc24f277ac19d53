import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { defineAgent } from '../src/agent.js';
import type { AuthOptions } from '../src/auth/types.js';
import { DISCOVERY_PATH } from '../src/discovery.js';
import { createAgentProtocol, type AgentProtocol } from '../src/protocol.js';

// The discovery document (PROTOCOL.md section 7), answered by the core in process.

const agent = defineAgent({
  info: {
    name: 'finder',
    version: '2.0.0',
    description: 'private details',
    docs: 'https://finder.example.test/docs',
  },
  configOptions: { tone: { type: 'string', default: 'plain', description: 'tone' } },
  secrets: { FINDER_KEY: { name: 'Finder key', description: 'private' } },
  clientFunctions: [{ name: 'look', description: 'look', parameters: { type: 'object' } }],
  onStep: () => ({ output: 'found' }),
});

let protocol: AgentProtocol | undefined;
let dataDir = '';
afterEach(async () => {
  await protocol?.close();
  protocol = undefined;
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function serve(auth?: AuthOptions) {
  dataDir = await mkdtemp(join(tmpdir(), 'core-discovery-'));
  protocol = createAgentProtocol({ agent, dataDir, ...(auth ? { auth } : {}) });
  return async (
    method: string,
    path: string,
    headers: Record<string, string> = {},
    mountPath?: string,
  ) => {
    const response = await protocol!.handle({
      method,
      path,
      ...(mountPath === undefined ? {} : { mountPath }),
      query: '',
      headers,
      body: Readable.from([]),
    });
    const json =
      response.body?.kind === 'json' ? (response.body.value as Record<string, unknown>) : {};
    return { status: response.status, headers: response.headers, json };
  };
}

describe('GET /.well-known/agent-protocol', () => {
  it('without auth: the whole info plus endpoints (v1 and docs), cacheable by anyone', async () => {
    const call = await serve();
    const found = await call('GET', DISCOVERY_PATH);
    expect(found.status).toBe(200);
    expect(found.headers['cache-control']).toBe('public, max-age=300');
    const { endpoints, ...info } = found.json;
    expect(endpoints).toEqual({ v1: '/ap/v1', docs: 'https://finder.example.test/docs' });
    expect(info).toEqual((await call('GET', '/ap/v1/agent/info')).json);
  });

  it('names the mount point in endpoints.v1, and HEAD and a trailing slash answer too', async () => {
    const call = await serve();
    expect((await call('GET', DISCOVERY_PATH, {}, '/agent/')).json.endpoints).toMatchObject({
      v1: '/agent/ap/v1',
    });
    const head = await call('HEAD', `${DISCOVERY_PATH}/`);
    expect(head.status).toBe(200);
    expect(head.headers['cache-control']).toBe('public, max-age=300');
    const post = await call('POST', DISCOVERY_PATH);
    expect(post.status).toBe(405);
    expect(post.headers).toEqual({ allow: 'GET' });
  });

  it('with auth: the public part only, the same for no, valid and invalid credentials', async () => {
    const call = await serve({ strategy: 'bearer', tokens: { 't-alice': 'alice' } });
    const anonymous = await call('GET', DISCOVERY_PATH);
    expect(anonymous.status).toBe(200);
    expect(Object.keys(anonymous.json).sort()).toEqual([
      'auth',
      'config_options',
      'endpoints',
      'name',
      'protocol',
      'version',
    ]);
    expect(anonymous.json.endpoints).toEqual({ v1: '/ap/v1' });
    expect(Object.keys(anonymous.json.config_options as object)).toEqual(['auth']);
    const { endpoints: _endpoints, ...info } = anonymous.json;
    expect(info).toEqual((await call('GET', '/ap/v1/agent/info')).json);
    for (const authorization of ['Bearer t-alice', 'Bearer wrong', 'Basic !!!']) {
      const again = await call('GET', DISCOVERY_PATH, { authorization });
      expect(again.status).toBe(200);
      expect(again.json).toEqual(anonymous.json);
    }
  });

  it('a custom verify is never asked: it would see no credentials anyway', async () => {
    let asked = 0;
    const call = await serve({
      strategy: 'custom',
      verify: () => {
        asked++;
        return { id: 'anyone', claims: {} };
      },
    });
    const found = await call('GET', DISCOVERY_PATH, { authorization: 'Bearer x' });
    expect(found.status).toBe(200);
    expect(found.json).not.toHaveProperty('secrets');
    expect(asked).toBe(0);
  });
});
