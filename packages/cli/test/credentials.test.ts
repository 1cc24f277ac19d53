import { describe, expect, it } from 'vitest';
import { startApp } from './apps.js';
import { runCli } from './cli.js';

/** Runs `work` against an example app started with this auth environment, then stops it. */
async function withAuth(env: Record<string, string>, work: (url: string) => Promise<void>) {
  const server = await startApp('express', env);
  try {
    await work(server.baseUrl);
  } finally {
    await server.stop();
  }
}

describe('credentials', () => {
  it('--token, or AGENT_PROTOCOL_TOKEN, as a bearer token', async () => {
    await withAuth(
      { AGENT_AUTH: 'bearer', AGENT_BEARER_TOKENS: 'tok-cli-Hy62Rd:carol' },
      async (url) => {
        const refused = await runCli(['tasks', 'list', '--url', url]);
        expect(refused.code).toBe(1);
        expect(refused.stderr).toContain('The server answered 401');
        expect(
          (await runCli(['tasks', 'list', '--url', url, '--token', 'tok-cli-Hy62Rd'])).code,
        ).toBe(0);
        const fromEnv = await runCli(['run', '--json', 'whoami'], {
          env: { AGENT_PROTOCOL_URL: url, AGENT_PROTOCOL_TOKEN: 'tok-cli-Hy62Rd' },
        });
        expect(fromEnv.code).toBe(0);
        expect(JSON.parse(fromEnv.stdout)).toMatchObject({
          steps: [{ output: 'Hello. You are carol.' }],
        });
      },
    );
  });

  it('--api-key (in X-API-Key) and --user/--password (HTTP Basic)', async () => {
    await withAuth(
      { AGENT_AUTH: 'api_key', AGENT_API_KEYS: 'key-cli-Pw81Zq:dave' },
      async (url) => {
        const ok = await runCli([
          'run',
          '--url',
          url,
          '--api-key',
          'key-cli-Pw81Zq',
          '--json',
          'whoami',
        ]);
        expect(JSON.parse(ok.stdout)).toMatchObject({
          steps: [{ output: 'Hello. You are dave.' }],
        });
        expect((await runCli(['tasks', 'list', '--url', url, '--api-key', 'wrong-key'])).code).toBe(
          1,
        );
      },
    );
    await withAuth(
      { AGENT_AUTH: 'basic', AGENT_BASIC_USERS: 'erin:pw-cli-Lk47:erin' },
      async (url) => {
        const ok = await runCli([
          'run',
          '--url',
          url,
          '--user',
          'erin',
          '--password',
          'pw-cli-Lk47',
          '--json',
          'whoami',
        ]);
        expect(JSON.parse(ok.stdout)).toMatchObject({
          steps: [{ output: 'Hello. You are erin.' }],
        });
        // No terminal to type the password in: say so rather than hang.
        const noPassword = await runCli(['tasks', 'list', '--url', url, '--user', 'erin']);
        expect(noPassword.code).toBe(2);
        expect(noPassword.stderr).toContain('--user needs --password');
      },
    );
  });

  it('refuses two kinds of credentials at once (exit 2)', async () => {
    const both = await runCli([
      'tasks',
      'list',
      '--url',
      'http://127.0.0.1:9',
      '--token',
      'a',
      '--api-key',
      'b',
    ]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('Give one kind of credentials');
  });
});
