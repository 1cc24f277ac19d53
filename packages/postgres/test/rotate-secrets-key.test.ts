import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createReferenceAgent } from '@agent-protocol/conformance';
import { createAgentServer, type AgentServer } from '@agent-protocol/node';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PostgresStore } from '../src/store.js';
import { useTestDatabases } from './database.js';

// The key rotation of a shared database, as an operator runs it with the replicas up: restart
// them with the new key (the old one still readable), run core's command, then drop the old key.
const database = useTestDatabases();
const OLD = randomBytes(32).toString('base64');
const NEW = randomBytes(32).toString('base64');
const VALUE = 'rotated-through-postgres-Jh52';
const TOKEN = 'alice-token';
/** Trust authentication ignores it: there only to prove it is never printed. */
const PASSWORD = 'pw-never-printed-Zq81';

const coreCli = join(
  dirname(createRequire(import.meta.url).resolve('@agent-protocol/core/package.json')),
  'dist',
  'cli.js',
);
const packageDir = fileURLToPath(new URL('..', import.meta.url));

let tokenServer: Server;
let tokenEndpoint: string;
const servers: AgentServer[] = [];

beforeAll(async () => {
  // A provider's token endpoint that accepts any code: a sign-in fails only if its verifier is lost.
  tokenServer = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ access_token: 'at-after-rotation', token_type: 'Bearer' }));
  });
  await new Promise<void>((resolve) => tokenServer.listen(0, '127.0.0.1', resolve));
  tokenEndpoint = `http://127.0.0.1:${(tokenServer.address() as AddressInfo).port}/token`;
});

afterAll(async () => {
  await stopReplicas();
  await new Promise<void>((resolve) => tokenServer.close(() => resolve()));
});

async function stopReplicas(): Promise<void> {
  await Promise.all(servers.splice(0).map((s) => s.close()));
}

/** A replica with the given keys (`AGENT_SECRETS_KEY`, `AGENT_SECRETS_OLD_KEYS`). */
async function replica(key: string, oldKeys?: string): Promise<string> {
  const store = await PostgresStore.connect({ connectionString: database.url });
  const server = createAgentServer({
    agent: createReferenceAgent({
      oauthProviders: {
        demo: {
          authorizationEndpoint: 'https://provider.example.com/authorize',
          tokenEndpoint,
          clientId: 'agent',
          clientSecret: 'client-secret',
          allowInsecureRequests: true,
        },
      },
    }),
    store,
    secretsKey: { key, ...(oldKeys && { oldKeys }) },
    auth: { strategy: 'bearer', tokens: { [TOKEN]: 'alice' } },
    oauth: { redirectBaseUrl: 'https://agent.example.com' },
  });
  servers.push(server);
  await server.listen(0, '127.0.0.1');
  return `http://127.0.0.1:${(server.server.address() as AddressInfo).port}/ap/v1/agent`;
}

async function call<T>(method: string, url: string, body?: unknown): Promise<T> {
  const response = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  expect(response.status).toBeLessThan(300);
  return (await response.json()) as T;
}

interface Step {
  output: string | null;
  auth_demands?: { authorization_url: string }[];
}

/** Core's `agent-protocol rotate-secrets-key`, run where @agent-protocol/postgres is installed. */
function rotate(
  env: Record<string, string>,
  args: string[] = [],
): Promise<{ code: number; output: string }> {
  const url = new URL(database.url);
  url.password = PASSWORD;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [coreCli, 'rotate-secrets-key', ...args],
      { cwd: packageDir, env: { ...process.env, AGENT_DATABASE_URL: url.href, ...env } },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, output: stdout + stderr }),
    );
  });
}

it('re-seals secrets and pending sign-ins while the replicas run; then the old key can go', async () => {
  let agent = await replica(OLD);
  await call('POST', `${agent}/secrets`, { secret_key: 'ROTATED', secret_value: VALUE });
  const task = await call<{ task_id: string }>('POST', `${agent}/tasks`, { input: 'rotation' });
  const paused = await call<Step>('POST', `${agent}/tasks/${task.task_id}/steps`, {
    input: 'use oauth demo',
  });
  const state = new URL(paused.auth_demands![0]!.authorization_url).searchParams.get('state');

  // A key it does not know opens nothing: refused, nothing changed, nothing private printed.
  const wrong = await rotate({ AGENT_SECRETS_KEY: randomBytes(32).toString('base64') }, [
    '--new-key',
    NEW,
  ]);
  expect(wrong.code).toBe(1);
  expect(wrong.output).toContain('sealed with a key');
  expect(wrong.output).not.toContain(PASSWORD);
  expect(wrong.output).not.toContain(VALUE);

  // 1. The replicas restart with the new key; the old one still opens what it sealed.
  await stopReplicas();
  agent = await replica(NEW, OLD);
  // 2. The command re-seals with them up, while one of them keeps writing.
  const writes = Promise.all(
    Array.from({ length: 5 }, (_, i) =>
      call('POST', `${agent}/secrets`, { secret_key: `DURING_${i}`, secret_value: `v${i}` }),
    ),
  );
  const rotated = await rotate({ AGENT_SECRETS_KEY: OLD }, ['--new-key', NEW]);
  await writes;
  expect(rotated.output).toMatch(/Re-sealed [1-6] secret\(s\) and 1 pending sign-in\(s\)/);
  expect(rotated.code).toBe(0);
  expect(rotated.output).not.toContain(PASSWORD);
  expect(rotated.output).not.toContain(VALUE);

  // 3. The old key is dropped: everything opens with the new one alone.
  await stopReplicas();
  agent = await replica(NEW);
  const other = await call<{ task_id: string }>('POST', `${agent}/tasks`, { input: 'after' });
  const steps = `${agent}/tasks/${other.task_id}/steps`;
  const used = await call<Step>('POST', steps, { input: 'use secret ROTATED' });
  expect(used.output).toContain(`Secret ROTATED is available (${VALUE.length} characters).`);
  for (let i = 0; i < 5; i++) {
    const during = await call<Step>('POST', steps, { input: `use secret DURING_${i}` });
    expect(during.output).toContain(`Secret DURING_${i} is available (2 characters).`);
  }
  const callback = await fetch(`${agent}/oauth/callback?code=c1&state=${state}`);
  expect(callback.status).toBe(200);
});

it('needs AGENT_SECRETS_KEY for a database, and says so', async () => {
  const result = await rotate({ AGENT_SECRETS_KEY: '' });
  expect(result.code).toBe(1);
  expect(result.output).toContain('set AGENT_SECRETS_KEY to the key its servers use');
});
