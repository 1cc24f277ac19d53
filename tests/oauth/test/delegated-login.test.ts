import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { tracesIn } from '@agent-protocol/conformance';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  freePort,
  PRINCIPALS,
  PROVIDER,
  REFRESH_MARGIN_SECONDS,
  startAgentServer,
  type AgentServer,
} from '../src/agent-server.js';
import { launchBrowser, signIn } from '../src/browser.js';
import { clientOf, issuedValues, type Client } from '../src/client.js';
import { introspect } from '../src/introspect.js';
import { CLIENT_ID, CLIENT_SECRET, startProvider, type RunningProvider } from '../src/provider.js';

/** Seconds the provider's access tokens live: short, so a refresh is seen within the test. */
const ACCESS_TOKEN_TTL = 6;
const TASKS = '/ap/v1/agent/tasks';
const SECRETS = '/ap/v1/agent/secrets';

interface AuthDemand {
  provider: string;
  authorization_url: string;
  expires_at: string;
}
interface Step {
  step_id: string;
  status: string;
  name: string | null;
  output: string | null;
  is_last: boolean;
  outcome?: string;
  auth_demands?: AuthDemand[];
  additional_output: Record<string, unknown> | null;
}
interface SecretsPage {
  secret_keys: { secret_key: string; updated_at: string }[];
}

let provider: RunningProvider;
let browser: Browser;
let port: number;
let dataDir: string;
let server: AgentServer | undefined;

beforeAll(async () => {
  // The agent's port first: the redirect URI registered at the provider names it.
  port = await freePort();
  provider = await startProvider({
    redirectUri: `http://127.0.0.1:${port}/ap/v1/agent/oauth/callback`,
    accessTokenTtl: ACCESS_TOKEN_TTL,
  });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await provider?.close();
});

/** A fresh agent server on a fresh SQLite data dir (the same port: the registered redirect URI). */
async function startAgent(options: { loginTtlSeconds?: number } = {}): Promise<AgentServer> {
  dataDir = await mkdtemp(join(tmpdir(), 'oauth-flow-'));
  server = await startAgentServer({ port, dataDir, provider, ...options });
  return server;
}

afterEach(async () => {
  await server?.close();
  server = undefined;
  await rm(dataDir, { recursive: true, force: true });
});

const alice = () => clientOf(server!.baseUrl, PRINCIPALS.alice, provider);
const bob = () => clientOf(server!.baseUrl, PRINCIPALS.bob, provider);

/** A new task of `who`, and its first step with `input`. */
async function firstStep(who: Client, input: string) {
  const task = await who.post<{ task_id: string }>(TASKS, { input: 'delegated login' });
  expect(task.status).toBe(200);
  const steps = `${TASKS}/${task.json.task_id}/steps`;
  const step = await who.post<Step>(steps, { input });
  expect(step.status).toBe(200);
  return { steps, step: step.json };
}

/** The step paused for a sign-in at the provider: its one demand. */
function demandOf(step: Step): AuthDemand {
  expect(step).toMatchObject({ status: 'completed', outcome: 'succeeded', is_last: false });
  expect(step.auth_demands).toHaveLength(1);
  const demand = step.auth_demands![0]!;
  expect(demand.provider).toBe(PROVIDER);
  expect(step.output).toContain(demand.authorization_url);
  return demand;
}

/** The secret keys `who` holds. */
async function secretKeys(who: Client) {
  const page = await who.get<SecretsPage>(SECRETS);
  expect(page.status).toBe(200);
  return page.json.secret_keys;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The account at the provider of the access token whose SHA-256 the agent reported. */
function accountOfToken(hash: unknown): string | undefined {
  return provider.issued('AccessToken').find((t) => sha256(t.token) === hash)?.accountId;
}

/** No token the provider issued, nor the client secret, in the data dir or the log, in any form. */
async function expectNoTraces() {
  const values = [...issuedValues(provider), CLIENT_SECRET];
  expect(values.length).toBeGreaterThan(1);
  expect(await tracesIn(dataDir, server!.log, values)).toEqual([]);
}

describe('delegated login against a real OpenID Connect provider, in chromium', () => {
  it("pauses for a sign-in, the user signs in on the provider's pages, and the next step gets a token the provider accepts", async () => {
    await startAgent();
    const who = alice();
    const info = await who.get<{ oauth_providers?: unknown }>('/ap/v1/agent/info');
    expect(info.json.oauth_providers).toEqual({
      [PROVIDER]: {
        scopes: ['openid', 'profile'],
        description: 'The test provider, to see who you are there.',
      },
    });
    expect(info.text).not.toContain(CLIENT_SECRET);
    expect(info.text).not.toContain(CLIENT_ID);

    const { steps, step } = await firstStep(who, `introspect ${PROVIDER}`);
    const demand = demandOf(step);
    const link = new URL(demand.authorization_url);
    expect(link.origin + link.pathname).toBe(`${provider.issuer}/auth`);
    expect(Object.fromEntries(link.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: CLIENT_ID,
      redirect_uri: `${server!.baseUrl}/ap/v1/agent/oauth/callback`,
      scope: 'openid profile',
      code_challenge_method: 'S256',
      state: expect.stringMatching(/^[\w-]{43}$/),
      code_challenge: expect.stringMatching(/^[\w-]{43}$/),
    });
    expect(Date.parse(demand.expires_at) - Date.now()).toBeGreaterThan(9 * 60_000);
    expect(await secretKeys(who)).toEqual([]);

    const landing = await signIn(browser, demand.authorization_url, 'alice-at-demo');
    expect(landing).toMatchObject({ status: 200, title: `Signed in to ${PROVIDER}` });
    expect(landing.contentType).toMatch(/^text\/html/);
    expect(landing.text).toContain('You can close this window');
    expect((await secretKeys(who)).map((s) => s.secret_key)).toEqual([`oauth.${PROVIDER}`]);

    const next = await who.post<Step>(steps, {});
    expect(next.json).toMatchObject({
      name: 'introspect',
      output: 'active: true',
      outcome: 'succeeded',
      additional_output: { active: true, sub: 'alice-at-demo', client_id: CLIENT_ID },
    });
    expect(next.json.auth_demands).toBeUndefined();
    expect(accountOfToken(next.json.additional_output!.token_sha256)).toBe('alice-at-demo');

    // The reference agent's own word, on a later task: no sign-in asked again.
    const { step: used } = await firstStep(who, `use oauth ${PROVIDER}`);
    expect(used.output).toMatch(/^Hello\. Signed in to demo \(token of \d+ characters\)\.$/);

    // The agent logged the token (on purpose): the log has it masked.
    expect(server!.log.some((l) => l.includes('introspecting the token [REDACTED]'))).toBe(true);
    await expectNoTraces();
    await server!.restart(); // and after a restart (SQLite's WAL checkpointed)
    await expectNoTraces();
  });

  it('refuses a replayed callback (400, nothing stored) and keeps the first sign-in', async () => {
    await startAgent();
    const who = alice();
    const { steps, step } = await firstStep(who, `introspect ${PROVIDER}`);
    const landing = await signIn(browser, demandOf(step).authorization_url, 'alice-at-demo');
    expect(landing.status).toBe(200);
    const [stored] = await secretKeys(who);
    const tokensBefore = provider.issued('AccessToken').length;

    // The same redirect again (the state and code the provider sent): as an API client...
    const replayed = await fetch(landing.url);
    expect(replayed.status).toBe(400);
    expect(replayed.headers.get('cache-control')).toBe('no-store');
    expect(await replayed.json()).toMatchObject({ code: 'invalid_state', message: /state/ });
    // ... and as the browser, which gets the page saying why.
    const page = await fetch(landing.url, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(400);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toMatch(/Sign-in not completed.*already used/s);

    expect(provider.issued('AccessToken')).toHaveLength(tokensBefore);
    expect(await secretKeys(who)).toEqual([stored]);
    const next = await who.post<Step>(steps, {});
    expect(next.json.additional_output).toMatchObject({ active: true, sub: 'alice-at-demo' });
    await expectNoTraces();
  });

  it('refreshes an expired access token with the refresh token, without asking again', async () => {
    await startAgent();
    const who = alice();
    const { steps, step } = await firstStep(who, `introspect ${PROVIDER}`);
    await signIn(browser, demandOf(step).authorization_url, 'alice-at-demo');
    const first = (await who.post<Step>(steps, {})).json;
    expect(first.additional_output).toMatchObject({ active: true, sub: 'alice-at-demo' });
    const firstHash = first.additional_output!.token_sha256;

    // Past the token's expiry, less the margin the agent refreshes ahead of it.
    await sleep((ACCESS_TOKEN_TTL - REFRESH_MARGIN_SECONDS) * 1000 + 500);
    const second = (await who.post<Step>(steps, { input: `introspect ${PROVIDER}` })).json;
    expect(second.auth_demands).toBeUndefined();
    expect(second.additional_output).toMatchObject({ active: true, sub: 'alice-at-demo' });
    expect(second.additional_output!.token_sha256).not.toBe(firstHash);
    expect(accountOfToken(second.additional_output!.token_sha256)).toBe('alice-at-demo');
    expect(provider.issued('RefreshToken').length).toBeGreaterThanOrEqual(1);

    // The old token has expired at the provider.
    await sleep(REFRESH_MARGIN_SECONDS * 1000);
    const old = provider.issued('AccessToken').find((t) => sha256(t.token) === firstHash)!;
    const client = { id: CLIENT_ID, secret: CLIENT_SECRET };
    expect((await introspect(provider.introspectionEndpoint, client, old.token)).active).toBe(
      false,
    );
    expect(server!.log.some((l) => l.includes('failed'))).toBe(false);
    await expectNoTraces();
  });

  it('stores nothing when the user declines at the provider, and asks again on the next step', async () => {
    await startAgent();
    const who = alice();
    const { steps, step } = await firstStep(who, `introspect ${PROVIDER}`);
    const demand = demandOf(step);
    const landing = await signIn(browser, demand.authorization_url, 'alice-at-demo', {
      decline: true,
    });
    expect(landing.status).toBe(400);
    expect(landing.contentType).toMatch(/^text\/html/);
    expect(landing.title).toBe('Sign-in not completed');
    expect(landing.text).toContain("'access_denied'");
    expect(new URL(landing.url).searchParams.get('error')).toBe('access_denied');
    expect(await secretKeys(who)).toEqual([]);

    const again = (await who.post<Step>(steps, {})).json;
    const second = demandOf(again);
    expect(new URL(second.authorization_url).searchParams.get('state')).not.toBe(
      new URL(demand.authorization_url).searchParams.get('state'),
    );
  });

  it('refuses an expired sign-in link: 400 invalid_state, nothing stored', async () => {
    await startAgent({ loginTtlSeconds: 1 });
    const who = alice();
    const { step } = await firstStep(who, `introspect ${PROVIDER}`);
    const state = new URL(demandOf(step).authorization_url).searchParams.get('state')!;
    await sleep(1_200);
    const late = await fetch(
      `${server!.baseUrl}/ap/v1/agent/oauth/callback?code=any-code&state=${state}`,
    );
    expect(late.status).toBe(400);
    expect(await late.json()).toMatchObject({ code: 'invalid_state', message: /expired/ });
    expect(await secretKeys(who)).toEqual([]);
  });

  it('signs two principals in separately: each gets only their own token', async () => {
    await startAgent();
    const a = await firstStep(alice(), `introspect ${PROVIDER}`);
    await signIn(browser, demandOf(a.step).authorization_url, 'alice-at-demo');

    // Alice is signed in; Bob is not, and is asked to sign in himself.
    const b = await firstStep(bob(), `introspect ${PROVIDER}`);
    const bobsLink = demandOf(b.step).authorization_url;
    expect(await secretKeys(bob())).toEqual([]);
    await signIn(browser, bobsLink, 'bob-at-demo');

    const aliceNext = (await alice().post<Step>(a.steps, {})).json;
    const bobNext = (await bob().post<Step>(b.steps, {})).json;
    expect(aliceNext.additional_output).toMatchObject({ active: true, sub: 'alice-at-demo' });
    expect(bobNext.additional_output).toMatchObject({ active: true, sub: 'bob-at-demo' });
    expect(accountOfToken(aliceNext.additional_output!.token_sha256)).toBe('alice-at-demo');
    expect(accountOfToken(bobNext.additional_output!.token_sha256)).toBe('bob-at-demo');
    // Neither sees the other's task.
    expect((await bob().post(a.steps, {})).status).toBe(404);
    await expectNoTraces();
  });

  it('completes a sign-in started before a restart: the pending login survives it', async () => {
    await startAgent();
    const { steps, step } = await firstStep(alice(), `introspect ${PROVIDER}`);
    const demand = demandOf(step);
    await server!.restart();

    const landing = await signIn(browser, demand.authorization_url, 'alice-at-demo');
    expect(landing).toMatchObject({ status: 200, title: `Signed in to ${PROVIDER}` });
    const next = (await alice().post<Step>(steps, {})).json;
    expect(next.additional_output).toMatchObject({ active: true, sub: 'alice-at-demo' });
    await expectNoTraces();
  });

  it('pauses a background step for the sign-in (step.paused), and the next one continues', async () => {
    await startAgent();
    const who = alice();
    const task = await who.post<{ task_id: string }>(TASKS, { input: 'in the background' });
    const steps = `${TASKS}/${task.json.task_id}/steps`;
    const async = { prefer: 'respond-async' };
    const accepted = await who.post<Step>(steps, { input: `introspect ${PROVIDER}` }, async);
    expect(accepted.status).toBe(202);
    const events = await who.send('GET', `${steps}/${accepted.json.step_id}/events`);
    const names = [...events.text.matchAll(/^event: (.+)$/gm)].map((m) => m[1]);
    expect(names).toEqual([
      'step.created',
      'step.running',
      'output.delta',
      'step.paused',
      'step.completed',
    ]);
    const paused = (await who.get<Step>(`${steps}/${accepted.json.step_id}`)).json;
    const demand = demandOf(paused);

    await signIn(browser, demand.authorization_url, 'alice-at-demo');
    const resumed = await who.post<Step>(steps, {}, async);
    expect(resumed.status).toBe(202);
    await who.send('GET', `${steps}/${resumed.json.step_id}/events`); // ends with step.completed
    const done = (await who.get<Step>(`${steps}/${resumed.json.step_id}`)).json;
    expect(done).toMatchObject({
      status: 'completed',
      outcome: 'succeeded',
      additional_output: { active: true, sub: 'alice-at-demo' },
    });
    await expectNoTraces();
  });
});
