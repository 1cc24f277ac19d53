import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPS, startApp, type RunningApp } from './apps.js';
import { runCli } from './cli.js';
import { readJunit } from './junit.js';
import { startProxy, type Answer, type Asked, type RunningProxy } from './proxy.js';
import { restyle } from './restyle.js';

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'cli-conformance-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

/** The table row of a group: name, pass, fail, skip. */
function row(stdout: string, group: string): number[] | undefined {
  const line = stdout.split('\n').find((l) => l.startsWith(`${group} `));
  return line?.trim().split(/\s+/).slice(1).map(Number);
}

describe.each(APPS)('conformance against example-%s', (app) => {
  it("passes: every case that can run by URL, the reference agent's included (exit 0)", async () => {
    const server = await startApp(app);
    try {
      const junit = join(scratch, `${app}.xml`);
      const result = await runCli(['conformance', '--url', server.baseUrl, '--junit', junit]);
      expect(result.stdout).toContain(`Conformance of ${server.baseUrl} (reference-agent 1.0.0)`);
      expect(result.stdout).not.toContain('Failed');
      expect(result.code).toBe(0);
      // The protocol groups and the reference agent's ran; the auth groups could not.
      expect(row(result.stdout, 'tasks')?.[0]).toBeGreaterThan(10);
      expect(row(result.stdout, 'reference-agent')?.[0]).toBeGreaterThan(100);
      expect(row(result.stdout, 'auth')?.[0]).toBe(0);
      const cases = await readJunit(junit);
      expect(cases.filter((c) => c.failure !== undefined)).toEqual([]);
      expect(cases.find((c) => c.name === 'get an unknown task: 404')).toEqual({
        suite: 'tasks',
        name: 'get an unknown task: 404',
      });
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });
});

describe('conformance behind a proxy', () => {
  let server: RunningApp;
  const proxies: RunningProxy[] = [];
  beforeAll(async () => {
    server = await startApp('express');
  });
  afterAll(async () => {
    await Promise.all(proxies.map((p) => p.close()));
    await server.stop();
  });
  const behind = async (rewrite: (asked: Asked, answer: Answer) => Answer) => {
    const proxy = await startProxy(server.baseUrl, rewrite);
    proxies.push(proxy);
    return proxy.url;
  };

  it('passes a server that chooses differently where the protocol lets it (other words, no codes, extra fields, 400 for 422, other header spellings)', async () => {
    const url = await behind(restyle);
    // The proxy does answer differently from this toolkit's servers.
    const refused = await fetch(`${url}/ap/v1/agent/tasks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ input: 42 }),
    });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({
      message: 'Refused by a differently written server; check input.',
      request_id: 'req-123',
    });
    const task = (await (
      await fetch(`${url}/ap/v1/agent/tasks`, { method: 'POST' })
    ).json()) as object;
    expect(Object.keys(task).sort()).toEqual(['artifacts', 'task_id', 'x_server']);
    const result = await runCli(['conformance', '--url', url]);
    expect(result.stdout).not.toContain('Failed');
    expect(result.code).toBe(0);
  });

  it('fails, naming the case and its first problem, when GET of a missing task answers 200; --only selects groups; the JUnit file lists the failure', async () => {
    const found = await behind((asked, answer) =>
      asked.method === 'GET' &&
      /^\/ap\/v1\/agent\/tasks\/[^/]+$/.test(asked.url) &&
      answer.status === 404
        ? {
            status: 200,
            headers: { 'content-type': 'application/json' },
            body: Buffer.from(JSON.stringify({ task_id: 'x', input: null, artifacts: [] })),
          }
        : answer,
    );
    const junit = join(scratch, 'missing-task.xml');
    const result = await runCli([
      'conformance',
      '--url',
      found,
      '--only',
      'tasks,steps',
      '--junit',
      junit,
    ]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      '✗ [tasks] get an unknown task: 404\n      given: status: expected 404, got 200',
    );
    // Only the groups asked for ran.
    expect(row(result.stdout, 'tasks')).toBeDefined();
    expect(row(result.stdout, 'steps')).toBeDefined();
    expect(row(result.stdout, 'artifacts')).toBeUndefined();
    expect(row(result.stdout, 'reference-agent')).toBeUndefined();
    const cases = await readJunit(junit);
    expect(new Set(cases.map((c) => c.suite))).toEqual(new Set(['tasks', 'steps']));
    expect(cases.filter((c) => c.failure !== undefined)).toContainEqual({
      suite: 'tasks',
      name: 'get an unknown task: 404',
      failure: 'given: status: expected 404, got 200',
    });
  });

  it('fails a 202 without its Location header, naming the case', async () => {
    const noLocation = await behind((_asked, answer) => {
      if (answer.status !== 202) return answer;
      const { location: _dropped, ...headers } = answer.headers;
      return { ...answer, headers };
    });
    const result = await runCli([
      'conformance',
      '--url',
      noLocation,
      '--only',
      'reference-agent,background-steps',
    ]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /✗ \[reference-agent\] background step: Prefer: respond-async → 202 at once, Preference-Applied, Location, the step running\n {6}given: header location: expected .*, got \(absent\)/,
    );
  });

  it('never overwrites a secret the principal held before the run: those cases are skipped, the value is kept', async () => {
    const stored = await runCli(['secrets', 'set', 'KEY_A', '--url', server.baseUrl], {
      input: 'users-own-value-Tz4',
    });
    expect(stored.code).toBe(0);
    try {
      const result = await runCli([
        'conformance',
        '--url',
        server.baseUrl,
        '--only',
        'secrets',
        '--json',
      ]);
      expect(result.code).toBe(0);
      const report = JSON.parse(result.stdout) as {
        results: { name: string; status: string; reason?: string }[];
      };
      const kept = report.results.filter((r) =>
        r.reason?.includes('would overwrite, then revoke, the secret KEY_A'),
      );
      expect(kept.map((r) => r.name)).toContain(
        'secrets: store a secret: 200 with its id, key and timestamps, never the value',
      );
      const used = await runCli(['run', '--url', server.baseUrl, 'use secret KEY_A']);
      expect(used.stdout).toContain('Secret KEY_A is available (19 characters).');
    } finally {
      await runCli(['secrets', 'rm', 'KEY_A', '--url', server.baseUrl]);
    }
  });

  it('refuses an unknown group with the list of groups (exit 2)', async () => {
    const result = await runCli(['conformance', '--url', server.baseUrl, '--only', 'tasks,nope']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Unknown group(s): nope. The groups: tasks, ');
  });
});

describe('conformance with credentials', () => {
  it('runs every case with --token and the isolation cases with --token-b', async () => {
    const server = await startApp('express', {
      AGENT_AUTH: 'bearer',
      AGENT_BEARER_TOKENS: 'tok-alice-Zx81qPw:alice,tok-bob-Qw72pLm:bob',
    });
    try {
      const withoutToken = await runCli([
        'conformance',
        '--url',
        server.baseUrl,
        '--only',
        'tasks',
      ]);
      expect(withoutToken.code).toBe(1);
      const result = await runCli([
        'conformance',
        '--url',
        server.baseUrl,
        '--token',
        'tok-alice-Zx81qPw',
        '--token-b',
        'tok-bob-Qw72pLm',
      ]);
      expect(result.stdout).not.toContain('Failed');
      expect(result.code).toBe(0);
      expect(row(result.stdout, 'isolation')?.[0]).toBeGreaterThan(0);
    } finally {
      await server.stop();
    }
  });
});
