import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { defineAgent, type AgentDefinition } from '../src/agent.js';
import { callbackPage, prefersHtml } from '../src/oauth/page.js';
import { createAgentProtocol } from '../src/protocol.js';
import { resolveProviders, type OAuthProvider } from '../src/oauth/providers.js';
import { rotateSecretsKey } from '../src/secrets/rotate.js';
import { expiresSoon, grants, parseStoredTokens } from '../src/oauth/tokens.js';
import { startCore, type Harness, type Json } from './harness.js';

const CLIENT_SECRET = 'cs-core-test-Vb7Nm2Qx9Lp4';
const CALLBACK = '/ap/v1/agent/oauth/callback';

/** A provider with explicit endpoints: a sign-in link needs no request to it. */
const provider = (tokenEndpoint = 'https://provider.example.com/token'): OAuthProvider => ({
  authorizationEndpoint: 'https://provider.example.com/authorize?tenant=t1',
  tokenEndpoint,
  clientId: 'agent-client',
  clientSecret: CLIENT_SECRET,
  scopes: ['read'],
  description: 'Read your things.',
  allowInsecureRequests: true,
});

const lines: string[] = [];
const logger = {
  info: (m: string) => lines.push(m),
  error: (m: string, e?: unknown) => lines.push(`${m} ${e instanceof Error ? e.stack : String(e)}`),
};

/** Says how long the token is, and logs it (the mistake the logger must mask). */
const agentWith = (declared: OAuthProvider): AgentDefinition =>
  defineAgent({
    info: { name: 'o', version: '1' },
    oauthProviders: { things: declared },
    async onStep({ ctx }) {
      const token = await ctx.oauth.token('things');
      ctx.log.info(`using ${token}`);
      return { output: `token of ${token.length} characters` };
    },
  });

let h: Harness | undefined;
let tokenServer: Server | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
  await new Promise<void>((resolve) =>
    tokenServer ? tokenServer.close(() => resolve()) : resolve(),
  );
  tokenServer = undefined;
  lines.length = 0;
});

/** A provider's token endpoint on 127.0.0.1 answering every request the same; its URL. */
async function startTokenEndpoint(status: number, body: unknown): Promise<string> {
  tokenServer = createServer((_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => tokenServer!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(tokenServer.address() as AddressInfo).port}/token`;
}

/** The `state` of the step's first sign-in link. */
const stateOf = (step: Json) =>
  new URL((step.auth_demands as Json[])[0]!.authorization_url).searchParams.get('state');

async function pausedStep(harness: Harness) {
  const task = await harness.call('POST', '/ap/v1/agent/tasks', { input: 'x' });
  const steps = `/ap/v1/agent/tasks/${task.json.task_id}/steps`;
  const step = await harness.call('POST', steps, { input: 'go' });
  expect(step.status).toBe(200);
  return { steps, step: step.json };
}

describe('ctx.oauth.token and the callback, in process', () => {
  it('pauses with an authorization code request with PKCE, listed providers hiding the client', async () => {
    h = await startCore({
      agent: agentWith(provider()),
      logger,
      oauth: { redirectBaseUrl: 'https://agent.example.com/' },
    });
    const info = await h.call('GET', '/ap/v1/agent/info');
    expect(info.json.oauth_providers).toEqual({
      things: { scopes: ['read'], description: 'Read your things.' },
    });
    expect(JSON.stringify(info.json)).not.toContain(CLIENT_SECRET);

    const { step } = await pausedStep(h);
    expect(step).toMatchObject({ status: 'completed', outcome: 'succeeded', is_last: false });
    const [demand] = step.auth_demands as Json[];
    const url = new URL(demand!.authorization_url);
    expect(url.origin + url.pathname).toBe('https://provider.example.com/authorize');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      tenant: 't1',
      response_type: 'code',
      client_id: 'agent-client',
      redirect_uri: `https://agent.example.com${CALLBACK}`,
      scope: 'read',
      state: expect.stringMatching(/^[\w-]{43}$/),
      code_challenge: expect.stringMatching(/^[\w-]{43}$/),
      code_challenge_method: 'S256',
    });
    expect(step.output).toContain(demand!.authorization_url);
    const ttl = Date.parse(demand!.expires_at) - Date.now();
    expect(ttl).toBeGreaterThan(590_000);
    expect(ttl).toBeLessThanOrEqual(600_000);
  });

  it('uses a token the client stored itself under oauth.<provider>, masking it in the log', async () => {
    h = await startCore({
      agent: agentWith(provider()),
      logger,
      oauth: { redirectBaseUrl: 'https://a.example' },
    });
    const token = 'at-stored-by-the-client-Kq3Wz8';
    await h.call('POST', '/ap/v1/agent/secrets', {
      secret_key: 'oauth.things',
      secret_value: token,
    });
    const { step } = await pausedStep(h);
    expect(step.output).toBe(`token of ${token.length} characters`);
    expect(lines.some((l) => l.includes('using [REDACTED]'))).toBe(true);
    expect(lines.join('\n')).not.toContain(token);
  });

  it('uses up a state on its first callback: a failed exchange is a 400, its replay invalid_state', async () => {
    // A token endpoint that refuses every code, as a provider does for a bad one.
    const endpoint = await startTokenEndpoint(400, {
      error: 'invalid_grant',
      error_description: 'bad code',
    });
    h = await startCore({
      agent: agentWith(provider(endpoint)),
      logger,
      oauth: { redirectBaseUrl: 'https://a.example' },
    });
    const { steps, step } = await pausedStep(h);
    const state = stateOf(step);
    const first = await h.call('GET', `${CALLBACK}?code=c1&state=${state}`);
    expect(first.status).toBe(400);
    expect(first.json).toMatchObject({ code: 'authorization_failed' });
    expect(first.json.message).toContain("'invalid_grant'");
    expect(first.headers['cache-control']).toBe('no-store');
    const again = await h.call('GET', `${CALLBACK}?code=c1&state=${state}`);
    expect(again.json).toMatchObject({ code: 'invalid_state' });
    // Nothing stored: the next step asks again.
    expect((await h.call('GET', '/ap/v1/agent/secrets')).json.secret_keys).toEqual([]);
    const next = await h.call('POST', steps, {});
    expect(next.json.auth_demands).toHaveLength(1);
  });

  it('keeps a pending sign-in across a restart', async () => {
    h = await startCore({
      agent: agentWith(provider()),
      logger,
      oauth: { redirectBaseUrl: 'https://a.example' },
    });
    const { step } = await pausedStep(h);
    const state = stateOf(step);
    await h.restart();
    // Known after the restart: it gets as far as the provider's error.
    const answer = await h.call('GET', `${CALLBACK}?error=access_denied&state=${state}`);
    expect(answer.json).toMatchObject({ code: 'authorization_failed' });
    expect(lines.some((l) => /\[task .* step .*\] oauth: the provider answered/.test(l))).toBe(
      true,
    );
  });

  it('keeps a pending sign-in across a key rotation: its code verifier is re-sealed too', async () => {
    // A token endpoint that accepts every code: the sign-in fails only if the verifier is lost.
    const endpoint = await startTokenEndpoint(200, {
      access_token: 'at-rotated-Kw3',
      token_type: 'Bearer',
    });
    h = await startCore({
      agent: agentWith(provider(endpoint)),
      logger,
      oauth: { redirectBaseUrl: 'https://a.example' },
      secretsKey: {},
    });
    const { steps, step } = await pausedStep(h);
    const state = stateOf(step);
    await h.protocol.close();
    // The key file is replaced: the old key is gone once the server starts again.
    expect(await rotateSecretsKey({ dataDir: h.dataDir })).toEqual({ resealed: 0, logins: 1 });
    await h.restart();
    const answer = await h.call('GET', `${CALLBACK}?code=c1&state=${state}`);
    expect(answer.status).toBe(200);
    const stored = (await h.call('GET', '/ap/v1/agent/secrets')).json.secret_keys as Json[];
    expect(stored.map((k) => k.secret_key)).toEqual(['oauth.things']);
    expect((await h.call('POST', steps, {})).json.output).toBe('token of 14 characters');
  });

  it('answers a browser with the page, escaped, and without anything it loads', async () => {
    h = await startCore({
      agent: agentWith(provider()),
      logger,
      oauth: { redirectBaseUrl: 'https://a.example' },
    });
    const response = await h.protocol.handle({
      method: 'GET',
      path: CALLBACK,
      query: 'state=x&error=%3Cscript%3E',
      headers: { accept: 'text/html,*/*;q=0.8' },
      body: Readable.from([]),
    });
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.headers['content-security-policy']).toMatch(/default-src 'none'/);
  });

  it('does not let a HEAD use up a state', async () => {
    h = await startCore({
      agent: agentWith(provider()),
      logger,
      oauth: { redirectBaseUrl: 'https://a.example' },
    });
    const { step } = await pausedStep(h);
    const state = stateOf(step);
    const head = await h.call('HEAD', `${CALLBACK}?error=access_denied&state=${state}`);
    expect(head.status).toBe(405);
    expect(head.headers.allow).toBe('GET');
    const get = await h.call('GET', `${CALLBACK}?error=access_denied&state=${state}`);
    expect(get.json.code).toBe('authorization_failed');
    // The GET found the sign-in (its log line names the task): the HEAD left it alone.
    expect(lines.some((l) => /\[task .* step .*\] oauth: the provider answered/.test(l))).toBe(
      true,
    );
  });
});

describe('provider declarations', () => {
  const check =
    (declared: Partial<OAuthProvider>, options = { redirectBaseUrl: 'https://a.example' }) =>
    () =>
      resolveProviders({ p: { clientId: 'c', ...declared } as OAuthProvider }, options);

  it('refuse what would fail a sign-in later, naming the provider and the field', () => {
    expect(check({})).toThrow(/'p' needs an issuer/);
    expect(check({ issuer: 'http://idp.example' })).toThrow(/issuer must be an https URL/);
    expect(
      check({ issuer: 'https://idp.example', tokenEndpoint: 'https://idp.example/t' }),
    ).toThrow(/both authorizationEndpoint and tokenEndpoint/);
    expect(
      check({ issuer: 'https://idp.example', tokenEndpointAuthMethod: 'client_secret_post' }),
    ).toThrow(/needs a clientSecret/);
    expect(check({ issuer: 'https://idp.example' }, { redirectBaseUrl: '' })).toThrow(
      /set oauth.redirectBaseUrl/,
    );
    expect(() =>
      resolveProviders({ 'a b': { clientId: 'c', issuer: 'https://i.example' } }),
    ).toThrow(/a name is letters/);
    expect(check({ issuer: 'https://idp.example' })().get('p')).toMatchObject({
      redirectUri: `https://a.example${CALLBACK}`,
      refreshMarginMs: 30_000,
      scopes: [],
    });
  });

  it('stop createAgentProtocol before anything is opened', () => {
    const dataDir = join(tmpdir(), `core-oauth-${randomUUID()}`);
    expect(() =>
      createAgentProtocol({ agent: agentWith({ clientId: 'c' } as OAuthProvider), dataDir }),
    ).toThrow(/needs an issuer/);
    expect(existsSync(dataDir)).toBe(false);
  });
});

describe('stored tokens', () => {
  it("read this module's JSON, or a bare token a client stored", () => {
    expect(parseStoredTokens('{"access_token":"a","refresh_token":"r","scope":"x y"}')).toEqual({
      access_token: 'a',
      refresh_token: 'r',
      scope: 'x y',
    });
    expect(parseStoredTokens(' bare-token ')).toEqual({ access_token: 'bare-token' });
    expect(parseStoredTokens('{"no":"token"}')).toBeUndefined();
    expect(parseStoredTokens('{broken')).toBeUndefined();
  });

  it('expire within the margin, and grant what they were granted (offline_access aside)', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    const tokens = { access_token: 'a', expires_at: '2026-01-01T00:00:20Z', scope: 'read write' };
    expect(expiresSoon(tokens, 30_000, now)).toBe(true);
    expect(expiresSoon(tokens, 10_000, now)).toBe(false);
    expect(expiresSoon({ access_token: 'a' }, 30_000, now)).toBe(false);
    expect(grants(tokens, ['read', 'offline_access'])).toBe(true);
    expect(grants(tokens, ['admin'])).toBe(false);
    expect(grants({ access_token: 'a' }, ['admin'])).toBe(true);
  });
});

describe('the callback page', () => {
  it('goes to browsers only: text/html preferred to JSON', () => {
    expect(prefersHtml('text/html,application/xhtml+xml,*/*;q=0.8')).toBe(true);
    expect(prefersHtml('*/*')).toBe(false);
    expect(prefersHtml(undefined)).toBe(false);
    expect(prefersHtml('application/json')).toBe(false);
    expect(prefersHtml('application/json, text/html;q=0.5')).toBe(false);
    expect(prefersHtml('text/*')).toBe(true);
    expect(prefersHtml('text/html;q=0')).toBe(false);
  });

  it('escapes what it says', async () => {
    const page = callbackPage(400, 'A <b> title', `it's "x" & <y>`);
    const chunks: Buffer[] = [];
    if (page.body?.kind !== 'stream') throw new Error('a page is a stream body');
    for await (const chunk of page.body.stream) chunks.push(chunk as Buffer);
    const html = Buffer.concat(chunks).toString('utf8');
    expect(html).toContain('A &lt;b&gt; title');
    expect(html).toContain('it&#39;s &quot;x&quot; &amp; &lt;y&gt;');
    expect(page.headers['content-length']).toBe(String(Buffer.byteLength(html)));
  });
});
