import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createClient, type RunEvent } from '@agent-protocol/client';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import {
  freePort,
  PRINCIPALS,
  PROVIDER,
  startAgentServer,
  type AgentServer,
} from '../src/agent-server.js';
import { launchBrowser, signIn } from '../src/browser.js';
import { startProvider, type RunningProvider } from '../src/provider.js';

// The other side of the wire (issue 13's runner and command line) meeting a sign-in demand: the
// link reaches the user, the run waits, and the task goes on once the user signed in.
let provider: RunningProvider;
let browser: Browser;
let port: number;
let dataDir: string;
let server: AgentServer | undefined;

beforeAll(async () => {
  port = await freePort();
  provider = await startProvider({
    redirectUri: `http://127.0.0.1:${port}/ap/v1/agent/oauth/callback`,
    accessTokenTtl: 60,
  });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await provider?.close();
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  await rm(dataDir, { recursive: true, force: true });
});

async function startAgent(): Promise<AgentServer> {
  dataDir = await mkdtemp(join(tmpdir(), 'oauth-runner-'));
  server = await startAgentServer({ port, dataDir, provider });
  return server;
}

const clientOf = (baseUrl: string) =>
  createClient({ baseUrl, auth: { type: 'bearer', token: PRINCIPALS.alice } });

it('client.run hands the sign-in link to onAuthDemand, waits for the sign-in, and the task goes on with a token the provider accepts', async () => {
  const { baseUrl } = await startAgent();
  const client = clientOf(baseUrl);
  const task = await client.tasks.create({ input: 'delegated login through the runner' });
  const demands: string[] = [];
  const events: RunEvent['type'][] = [];
  const result = await client.run(`introspect ${PROVIDER}`, {
    taskId: task.task_id,
    maxSteps: 4,
    onEvent: (event) => events.push(event.type),
    onAuthDemand: async (demand) => {
      expect(demand.provider).toBe(PROVIDER);
      demands.push(demand.authorization_url);
      const landing = await signIn(browser, demand.authorization_url, 'alice');
      expect(landing.status).toBe(200);
    },
  });
  expect(demands).toHaveLength(1);
  expect(events).toContain('auth');
  const introspected = result.steps.find((s) => s.name === 'introspect');
  expect(introspected).toMatchObject({ output: 'active: true' });
  expect(introspected?.additional_output).toMatchObject({ active: true, sub: 'alice' });
  // The token itself reached no step.
  const issued = provider.issued('AccessToken').map((t) => t.token);
  expect(issued.length).toBeGreaterThan(0);
  const everything = JSON.stringify(result);
  for (const token of issued) expect(everything).not.toContain(token);
});

/**
 * Enough for a sign-in in a loaded CI machine (the waiting steps back off to one each 5 s), and
 * few enough that the empty steps after it end the run quickly.
 */
const MAX_STEPS = 12;

it('agent-protocol run prints the sign-in link, waits until the sign-in is done, then shows the agent going on', async () => {
  const { baseUrl } = await startAgent();
  const task = await clientOf(baseUrl).tasks.create({ input: 'delegated login in a terminal' });
  const cliPackage = createRequire(import.meta.url).resolve('@agent-protocol/cli/package.json');
  const child = spawn(
    process.execPath,
    [
      join(dirname(cliPackage), 'bin', 'agent-protocol.js'),
      'run',
      '--url',
      baseUrl,
      '--task',
      task.task_id,
      '--max-steps',
      String(MAX_STEPS),
      `introspect ${PROVIDER}`,
    ],
    { env: { ...process.env, AGENT_PROTOCOL_TOKEN: PRINCIPALS.alice, NO_COLOR: '1' } },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));

  const link = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no sign-in link in: ${output}`)), 20_000);
    const look = () => {
      // The CLI's own line, not the step's output (which names the same link first).
      const found = new RegExp(
        `Sign in to ${PROVIDER}: open (http://127\\.0\\.0\\.1:\\d+/\\S+)`,
      ).exec(output);
      if (found) {
        clearTimeout(timer);
        resolve(found[1]!);
      } else setTimeout(look, 50);
    };
    look();
  });
  expect(output).toContain(`Sign in to ${PROVIDER}`);
  // Still waiting: the run has not gone on without the sign-in.
  expect(output).not.toContain('active: true');
  const landing = await signIn(browser, link, 'alice');
  expect(landing.status).toBe(200);
  // The bound hit with the task not last: the documented exit code 3.
  expect(await exited).toBe(3);
  expect(output).toContain('active: true');
  // The link was printed once, however many waiting steps asked again.
  expect(output.split(`Sign in to ${PROVIDER}: open`).length - 1).toBe(1);
}, 60_000);
