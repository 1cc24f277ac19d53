import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from './apps.js';
import { runCli } from './cli.js';
import { inTerminal } from './terminal.js';

let server: RunningApp;
beforeAll(async () => {
  server = await startApp('node');
});
afterAll(async () => {
  await server.stop();
});

describe('a real terminal session (a pseudo-terminal)', () => {
  it('asks for a missing secret at a hidden prompt: what is typed is never shown, the task goes on with it, exit 0', async () => {
    const value = 'typed-in-pty-Kq93Zx';
    const session = inTerminal(['run', '--url', server.baseUrl, 'use secret PTY_API_KEY']);
    await session.waitFor('Value of PTY_API_KEY (hidden; an empty line declines): ');
    session.type(`${value}\r`);
    expect(await session.exited).toBe(0);
    const screen = session.screen();
    expect(screen).not.toContain(value);
    expect(screen).toContain('Secret PTY_API_KEY stored.');
    // The agent's words: it has the secret now (its length, never its value).
    expect(screen).toContain(
      `Hello. Secret PTY_API_KEY is available (${value.length} characters).`,
    );
    expect(screen).toMatch(/Task [0-9a-f-]{36} ended after 2 steps\./);
    const listed = await runCli(['secrets', 'list', '--url', server.baseUrl]);
    expect(listed.stdout).toMatch(/^PTY_API_KEY\s/m);
    expect(listed.stdout).not.toContain(value);
  });

  it('asks y/N before a client function call; an approved call it cannot execute is answered with an error saying so', async () => {
    const session = inTerminal([
      'run',
      '--url',
      server.baseUrl,
      '--functions',
      'all',
      'call get_time {}',
    ]);
    await session.waitFor('Approve get_time? [y/N] ');
    session.type('y\r');
    expect(await session.exited).toBe(0);
    const screen = session.screen();
    // The terminal echoes what is typed at a visible prompt: the hidden one above is different.
    // eslint-disable-next-line no-control-regex
    expect(screen).toMatch(/Approve get_time\? \[y\/N\] (?:\x1b\[\d+G)?y/);
    expect(screen).toContain('Function call get_time: approved.');
    expect(screen).toContain('The agent-protocol command line cannot execute get_time');
  });

  it('--interactive: each next input is typed; Ctrl-D stops and leaves the task open (exit 0)', async () => {
    // A blank task: the reference agent says nothing and waits for input.
    const session = inTerminal(['run', '--interactive', '--url', server.baseUrl, '']);
    const prompt = 'next input (empty: an empty step; Ctrl-D: stop)> ';
    await session.waitFor(prompt);
    session.type('hi there\r');
    await session.waitFor('Hello. You said: hi there');
    await session.waitFor(`Hello. You said: hi there\r\n`);
    // Ctrl-D only once the next prompt reads the terminal: typed earlier, the terminal's line
    // discipline takes it as an end of input before the prompt exists, and it is lost.
    await until(() => session.screen().split(prompt).length > 2);
    session.type('\x04');
    expect(await session.exited).toBe(0);
    expect(session.screen()).toMatch(
      /Stopped\. Task ([0-9a-f-]{36}) stays open: agent-protocol run --task \1/,
    );
  });
});

describe('secrets set without a terminal', () => {
  it('reads the value from a stdin pipe (one trailing newline dropped) and stores it', async () => {
    const value = 'piped-value-Wm27Lq';
    const stored = await runCli(['secrets', 'set', 'PIPED_KEY', '--url', server.baseUrl], {
      input: `${value}\n`,
    });
    expect(stored.code).toBe(0);
    expect(stored.stderr).toMatch(/^Stored secret PIPED_KEY \([0-9a-f-]{36}\)\.$/m);
    expect(stored.stdout + stored.stderr).not.toContain(value);
    // The agent sees exactly the value piped in, without the newline.
    const used = await runCli(['run', '--url', server.baseUrl, 'use secret PIPED_KEY']);
    expect(used.code).toBe(0);
    expect(used.stdout).toContain(`Secret PIPED_KEY is available (${value.length} characters).`);
  });

  it('refuses a value given on the command line, saying why, and stores nothing (exit 2)', async () => {
    const refused = await runCli([
      'secrets',
      'set',
      'ARGV_KEY',
      'argv-value',
      '--url',
      server.baseUrl,
    ]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('never from the command line');
    expect(refused.stderr).toContain('shell history');
    const listed = await runCli(['secrets', 'list', '--json', '--url', server.baseUrl]);
    const keys = (JSON.parse(listed.stdout) as { secret_key: string }[]).map((s) => s.secret_key);
    expect(keys).not.toContain('ARGV_KEY');
  });

  it('declines a demanded secret when there is no terminal to ask in, and says how to store it', async () => {
    const result = await runCli(['run', '--url', server.baseUrl, 'use secret NOBODY_KEY']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('agent-protocol secrets set NOBODY_KEY');
    expect(result.stdout).toContain('No secret NOBODY_KEY provided: going on without it.');
  });
});

/** Resolves once `condition` holds (checked every 20 ms), or rejects after 30 s. */
async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('the terminal never got there');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
