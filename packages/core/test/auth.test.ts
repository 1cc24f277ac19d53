import { SignJWT } from 'jose';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { defineAgent } from '../src/agent.js';
import { createAuthenticator } from '../src/auth/authenticator.js';
import { authFromEnvironment } from '../src/auth/environment.js';
import type { AuthOptions } from '../src/auth/types.js';
import { createAgentProtocol, type AgentProtocol } from '../src/protocol.js';

const agent = defineAgent({
  info: { name: 'who', version: '1.0.0', description: 'private details' },
  configOptions: { tone: { type: 'string', default: 'plain', description: 'tone' } },
  async onStep({ ctx }) {
    return { output: `hello ${ctx.principal.id}` };
  },
});

let protocol: AgentProtocol | undefined;
let dataDir = '';
afterEach(async () => {
  await protocol?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function serve(auth: AuthOptions) {
  dataDir = await mkdtemp(join(tmpdir(), 'core-auth-'));
  protocol = createAgentProtocol({ agent, dataDir, auth });
  return async (
    method: string,
    path: string,
    headers: Record<string, string> = {},
    body?: unknown,
  ) => {
    const response = await protocol!.handle({
      method,
      path,
      query: '',
      headers: { 'content-type': 'application/json', ...headers },
      body: Readable.from(body === undefined ? [] : [Buffer.from(JSON.stringify(body))]),
    });
    const json =
      response.body?.kind === 'json' ? (response.body.value as Record<string, unknown>) : {};
    return { status: response.status, headers: response.headers, json };
  };
}

describe('auth in the core', () => {
  it('bearer: 401 with a challenge, no error code when nothing was sent, and per-principal data', async () => {
    const call = await serve({ strategy: 'bearer', tokens: { 'tok-a': 'alice', 'tok-b': 'bob' } });
    const missing = await call('GET', '/ap/v1/agent/tasks');
    expect(missing.status).toBe(401);
    expect(missing.headers['www-authenticate']).toBe('Bearer realm="agent"');
    const wrong = await call('GET', '/ap/v1/agent/tasks', { authorization: 'Bearer nope' });
    expect(wrong.status).toBe(401);
    expect(wrong.headers['www-authenticate']).toMatch(
      /^Bearer realm="agent", error="invalid_token", error_description=".+"$/,
    );
    expect(JSON.stringify(wrong.json)).not.toContain('nope');

    const task = await call(
      'POST',
      '/ap/v1/agent/tasks',
      { authorization: 'Bearer tok-a' },
      { input: 'mine' },
    );
    const id = task.json.task_id as string;
    const step = await call(
      'POST',
      `/ap/v1/agent/tasks/${id}/steps`,
      { authorization: 'Bearer tok-a' },
      {},
    );
    expect(step.json.output).toBe('hello alice');
    expect(
      (await call('GET', `/ap/v1/agent/tasks/${id}`, { authorization: 'Bearer tok-b' })).status,
    ).toBe(404);
    const bobList = await call('GET', '/ap/v1/agent/tasks', { authorization: 'Bearer tok-b' });
    expect(bobList.json.pagination).toMatchObject({ total_items: 0 });
  });

  it('info: public part without credentials, everything with them, 401 for bad ones', async () => {
    const call = await serve({
      strategy: 'api_key',
      keys: { k1: 'alice' },
      credentialsUrl: 'https://example.test/keys',
    });
    const pub = await call('GET', '/ap/v1/agent/info');
    expect(pub.status).toBe(200);
    expect(Object.keys(pub.json).sort()).toEqual([
      'auth',
      'config_options',
      'name',
      'protocol',
      'version',
    ]);
    expect(pub.json.auth).toEqual({
      schemes: ['api_key'],
      realm: 'agent',
      credentials_url: 'https://example.test/keys',
      api_key_header: 'x-api-key',
    });
    expect(pub.json.config_options).toEqual({
      auth: expect.objectContaining({ type: 'string', default: 'api_key' }),
    });
    const full = await call('GET', '/ap/v2/agent/info', { 'x-api-key': 'k1' });
    expect(full.json).toMatchObject({
      description: 'private details',
      config_options: { tone: { default: 'plain' } },
    });
    expect((await call('GET', '/ap/v1/agent/info', { 'x-api-key': 'k2' })).status).toBe(401);
  });

  it('jwt: expired, not yet valid and wrong-audience tokens are 401; a good one names the principal', async () => {
    const secret = 'a-shared-secret-that-is-long-enough';
    const call = await serve({
      strategy: 'jwt',
      secret,
      issuer: 'https://issuer.test',
      audience: 'agent',
    });
    const key = new TextEncoder().encode(secret);
    const sign = (claims: Record<string, unknown>, edit: (j: SignJWT) => SignJWT = (j) => j) =>
      edit(
        new SignJWT(claims)
          .setProtectedHeader({ alg: 'HS256' })
          .setIssuer('https://issuer.test')
          .setAudience('agent')
          .setSubject('carol')
          .setIssuedAt(),
      ).sign(key);
    const now = Math.floor(Date.now() / 1000);
    const cases: [string, string, RegExp][] = [
      ['expired', await sign({}, (j) => j.setExpirationTime(now - 60)), /expired/],
      ['not yet valid', await sign({}, (j) => j.setNotBefore(now + 600)), /not valid yet/],
      ['wrong audience', await sign({}, (j) => j.setAudience('someone-else')), /'aud'/],
    ];
    for (const [, token, why] of cases) {
      const res = await call('GET', '/ap/v1/agent/tasks', { authorization: `Bearer ${token}` });
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(why);
    }
    const within = await sign({}, (j) => j.setExpirationTime(now - 2)); // inside the 5 s tolerance
    expect(
      (await call('GET', '/ap/v1/agent/tasks', { authorization: `Bearer ${within}` })).status,
    ).toBe(200);
  });

  it('limits concurrent steps per principal with a 429 and Retry-After', async () => {
    const slow = defineAgent({
      info: { name: 's', version: '1' },
      onStep: () => new Promise((r) => setTimeout(() => r({ output: 'done' }), 100)),
    });
    dataDir = await mkdtemp(join(tmpdir(), 'core-auth-'));
    protocol = createAgentProtocol({
      agent: slow,
      dataDir,
      auth: { strategy: 'none', maxConcurrentStepsPerPrincipal: 1 },
    });
    const req = (path: string, body: unknown) =>
      protocol!.handle({
        method: 'POST',
        path,
        query: '',
        headers: {},
        body: Readable.from([Buffer.from(JSON.stringify(body))]),
      });
    const task = await req('/ap/v1/agent/tasks', {});
    const id = (task.body as { value: { task_id: string } }).value.task_id;
    const [a, b] = await Promise.all([
      req(`/ap/v1/agent/tasks/${id}/steps`, {}),
      req(`/ap/v1/agent/tasks/${id}/steps`, {}),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 429]);
    expect((a.status === 429 ? a : b).headers['retry-after']).toBe('1');
  });
});

describe('authFromEnvironment', () => {
  it('reads every strategy the example apps document', () => {
    expect(authFromEnvironment({})).toEqual({ strategy: 'none' });
    expect(
      authFromEnvironment({ AGENT_AUTH: 'api_key', AGENT_API_KEYS: 'k:1:alice, k2:bob' }),
    ).toMatchObject({
      keys: { 'k:1': 'alice', k2: 'bob' },
    });
    expect(
      authFromEnvironment({ AGENT_AUTH: 'basic', AGENT_BASIC_USERS: 'ann:pa:ss:ann-id' }),
    ).toMatchObject({
      users: { ann: { password: 'pa:ss', principal: 'ann-id' } },
    });
    expect(
      authFromEnvironment({
        AGENT_AUTH: 'jwt',
        AGENT_JWKS_URL: 'http://127.0.0.1/jwks',
        AGENT_JWT_AUDIENCE: 'a,b',
      }),
    ).toMatchObject({ jwksUrl: 'http://127.0.0.1/jwks', audience: ['a', 'b'] });
    expect(
      authFromEnvironment({
        AGENT_AUTH: 'oauth2',
        AGENT_OAUTH2_INTROSPECTION_URL: 'http://127.0.0.1/introspect',
        AGENT_OAUTH2_CLIENT_ID: 'id',
        AGENT_OAUTH2_CLIENT_SECRET: 'secret',
      }),
    ).toMatchObject({ introspection: { url: 'http://127.0.0.1/introspect', clientId: 'id' } });
  });

  it('names the missing or wrong variable', () => {
    expect(() => authFromEnvironment({ AGENT_AUTH: 'bearer' })).toThrow(/AGENT_BEARER_TOKENS/);
    expect(() => authFromEnvironment({ AGENT_AUTH: 'jwt' })).toThrow(/AGENT_JWT_SECRET/);
    expect(() => authFromEnvironment({ AGENT_AUTH: 'oauth2' })).toThrow(/AGENT_JWKS_URL/);
    expect(() => authFromEnvironment({ AGENT_AUTH: 'magic' })).toThrow(/AGENT_AUTH must be one of/);
    expect(() => createAuthenticator({ strategy: 'jwt' })).toThrow(/secret/);
  });
});
