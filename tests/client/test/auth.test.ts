// The client's credentials against example apps started with each scheme of the README's
// "Authentication" environment, and a token provider refreshed after a 401.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentProtocolClientError, createClient, type ClientAuth } from '@agent-protocol/client';
import { startApp, type RunningApp } from './helpers/example-app.js';

async function rejection(promise: Promise<unknown>): Promise<AgentProtocolClientError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AgentProtocolClientError);
  return error as AgentProtocolClientError;
}

const schemes: [name: string, env: Record<string, string>, good: ClientAuth, bad: ClientAuth][] = [
  [
    'api_key',
    { AGENT_AUTH: 'api_key', AGENT_API_KEYS: 'key-of-alice:alice' },
    { type: 'api_key', key: 'key-of-alice' },
    { type: 'api_key', key: 'not-a-key' },
  ],
  [
    'basic',
    { AGENT_AUTH: 'basic', AGENT_BASIC_USERS: 'alice:pässword:alice' },
    { type: 'basic', username: 'alice', password: 'pässword' },
    { type: 'basic', username: 'alice', password: 'wrong' },
  ],
  [
    'bearer',
    { AGENT_AUTH: 'bearer', AGENT_BEARER_TOKENS: 'token-of-alice:alice' },
    { type: 'bearer', token: 'token-of-alice' },
    { type: 'bearer', token: 'not-a-token' },
  ],
];

describe.each(schemes)('%s credentials', (scheme, env, good, bad) => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startApp('example-node', env);
  });
  afterAll(() => app?.stop());

  it('are accepted when right and refused with a 401 when wrong or missing', async () => {
    const alice = createClient({ baseUrl: app.baseUrl, auth: good });
    const task = await alice.tasks.create({ input: 'whoami' });
    expect((await alice.steps.execute(task.task_id, { input: 'whoami' })).output).toContain(
      'alice',
    );
    const info = await alice.info();
    expect(info.auth?.schemes).toEqual([scheme]);
    if (scheme === 'api_key') expect(info.auth?.api_key_header).toBe('x-api-key');

    const wrong = await rejection(
      createClient({ baseUrl: app.baseUrl, auth: bad }).tasks.get(task.task_id),
    );
    expect(wrong).toMatchObject({ status: 401, code: 'unauthorized' });
    const anonymous = createClient({ baseUrl: app.baseUrl });
    expect((await rejection(anonymous.tasks.get(task.task_id))).status).toBe(401);
    // The info endpoint answers without credentials: how a client finds out what to send.
    expect((await anonymous.info()).auth?.schemes).toEqual([scheme]);
  });
});

describe('a token provider', () => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startApp('example-node', {
      AGENT_AUTH: 'bearer',
      AGENT_BEARER_TOKENS: 'fresh-token:alice',
    });
  });
  afterAll(() => app?.stop());

  it('is asked again with refresh: true after a 401, and the request succeeds once retried', async () => {
    const calls: boolean[] = [];
    let token = 'expired-token';
    const client = createClient({
      baseUrl: app.baseUrl,
      auth: {
        type: 'token',
        token: async ({ refresh }) => {
          calls.push(refresh);
          if (refresh) token = 'fresh-token';
          return token;
        },
      },
    });
    const task = await client.tasks.create({ input: 'hello' });
    expect(calls).toEqual([false, true]);
    // The fresh token is kept: later requests, concurrent ones included, need no new one.
    await Promise.all([client.tasks.get(task.task_id), client.tasks.get(task.task_id)]);
    expect(calls).toEqual([false, true]);
  });

  it('refreshes once for requests refused together, and gives up after one retry', async () => {
    let refreshes = 0;
    const client = createClient({
      baseUrl: app.baseUrl,
      auth: {
        type: 'token',
        token: ({ refresh }) => {
          if (refresh) refreshes += 1;
          return refresh ? 'fresh-token' : 'expired-token';
        },
      },
    });
    const tasks = await Promise.all([1, 2, 3].map((i) => client.tasks.create({ input: `t${i}` })));
    expect(tasks).toHaveLength(3);
    expect(refreshes).toBe(1);

    const never = createClient({
      baseUrl: app.baseUrl,
      auth: { type: 'token', token: () => 'never-valid' },
    });
    expect((await rejection(never.tasks.create())).status).toBe(401);
  });
});
