import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PostgresStore } from '@agent-protocol/postgres';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
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
import { CLIENT_SECRET, startProvider, type RunningProvider } from '../src/provider.js';

// Two replicas of the agent on one PostgreSQL database, each with its own store (pool and
// connections, as two processes would have), and a provider that rotates refresh tokens and
// revokes the grant when a used-up one comes back: an expired token that several steps on both
// replicas need at the same moment must be refreshed once, and every step gets the new one.

/** The machine's PostgreSQL (DEVELOPERS.md): trust authentication, user `postgres`. */
const SERVER = process.env.AGENT_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432';
const DATABASE = `${SERVER}/postgres`;
/** The replicas' tables, in a schema of this file's own, dropped at the end. */
const SCHEMA = `oauth_${randomBytes(5).toString('hex')}`;
const SECRETS_KEY = randomBytes(32).toString('base64');
const ACCESS_TOKEN_TTL = 6;
const TASKS = '/ap/v1/agent/tasks';

interface Step {
  status: string;
  auth_demands?: { authorization_url: string }[];
  additional_output: Record<string, unknown> | null;
}

let provider: RunningProvider;
let browser: Browser;
let dataDir: string;
let replicas: AgentServer[] = [];

beforeAll(async () => {
  const ports = [await freePort(), await freePort()];
  // Sign-ins go through the first replica: its redirect URI is the one registered.
  provider = await startProvider({
    redirectUri: `http://127.0.0.1:${ports[0]}/ap/v1/agent/oauth/callback`,
    accessTokenTtl: ACCESS_TOKEN_TTL,
    rotateRefreshTokens: true,
  });
  browser = await launchBrowser();
  dataDir = await mkdtemp(join(tmpdir(), 'oauth-replicas-'));
  replicas = await Promise.all(
    ports.map((port) =>
      startAgentServer({
        port,
        dataDir,
        provider,
        store: () => PostgresStore.connect({ connectionString: DATABASE, schema: SCHEMA }),
        secretsKey: SECRETS_KEY,
      }),
    ),
  );
});

afterAll(async () => {
  await Promise.all(replicas.map((r) => r.close()));
  await browser?.close();
  await provider?.close();
  const store = await PostgresStore.connect({ connectionString: DATABASE, schema: SCHEMA });
  await store.pool.query(`DROP SCHEMA ${SCHEMA} CASCADE`);
  await store.close();
  await rm(dataDir, { recursive: true, force: true });
});

/** A new task of `who`: the path of its steps. */
async function stepsOf(who: Client): Promise<string> {
  const task = await who.post<{ task_id: string }>(TASKS, { input: 'delegated login' });
  expect(task.status).toBe(200);
  return `${TASKS}/${task.json.task_id}/steps`;
}

/** A step that takes a token and has the provider introspect it. */
async function introspectOn(who: Client, steps: string): Promise<Step> {
  const step = await who.post<Step>(steps, { input: `introspect ${PROVIDER}` });
  expect(step.status).toBe(200);
  return step.json;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

it('refreshes an expired token once when steps on two replicas need it at the same moment', async () => {
  const [a, b] = replicas.map((r) => clientOf(r.baseUrl, PRINCIPALS.alice, provider)) as [
    Client,
    Client,
  ];
  const first = await stepsOf(a);
  const paused = await introspectOn(a, first);
  expect(paused.auth_demands).toHaveLength(1);
  await signIn(browser, paused.auth_demands![0]!.authorization_url, 'alice-at-demo');
  // Signed in through one replica, the other has the tokens too (the store is shared).
  const signedIn = await introspectOn(b, await stepsOf(b));
  expect(signedIn.additional_output).toMatchObject({ active: true, sub: 'alice-at-demo' });
  expect(provider.grants()).toEqual([{ type: 'authorization_code' }]);

  // Past the token's expiry (less the margin), four steps of four tasks, two on each replica.
  await sleep((ACCESS_TOKEN_TTL - REFRESH_MARGIN_SECONDS) * 1000 + 500);
  const tasks = [
    [a, first],
    [a, await stepsOf(a)],
    [b, await stepsOf(b)],
    [b, await stepsOf(b)],
  ] as const;
  const steps = await Promise.all(tasks.map(([who, path]) => introspectOn(who, path)));

  expect(provider.grants()).toEqual([{ type: 'authorization_code' }, { type: 'refresh_token' }]);
  const hashes = new Set(steps.map((s) => s.additional_output?.token_sha256));
  expect(hashes.size).toBe(1);
  expect(hashes.has(signedIn.additional_output!.token_sha256)).toBe(false);
  for (const step of steps) {
    expect(step.auth_demands).toBeUndefined();
    expect(step.additional_output).toMatchObject({ active: true, sub: 'alice-at-demo' });
  }
  const [latest] = provider.issued('AccessToken').slice(-1);
  expect(hashes.has(sha256(latest!.token))).toBe(true);

  // The handler logs the token it got (on purpose): masked on both replicas.
  const log = replicas.flatMap((r) => r.log).join('\n');
  expect(log).toContain('introspecting the token [REDACTED]');
  expect(log).not.toMatch(/failed|invalid_grant/);
  for (const value of [...issuedValues(provider), CLIENT_SECRET]) expect(log).not.toContain(value);
});
