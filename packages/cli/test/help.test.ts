import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp } from './apps.js';
import { runCli, userEnvironment } from './cli.js';

const COMMANDS = [
  'run',
  'tasks list',
  'steps list',
  'artifacts list',
  'artifacts download',
  'info',
  'secrets set',
  'secrets list',
  'secrets rm',
  'conformance',
];

describe('--help', () => {
  it('agent-protocol --help lists every command and documents the exit codes', async () => {
    const result = await runCli(['--help']);
    expect(result.code).toBe(0);
    for (const command of [...COMMANDS, 'rotate-secrets-key', 'help'])
      expect(result.stdout).toContain(`  ${command}`);
    expect(result.stdout).toMatch(
      /Exit codes:\n {2}0 .*\n {2}1 .*\n {2}2 .*\n(?: .*\n)* {2}3 .*\n {2}130 /,
    );
    expect(result.stdout).toContain('AGENT_PROTOCOL_URL');
    expect(result.stdout).toContain('AGENT_PROTOCOL_TOKEN');
  });

  it.each(COMMANDS)(
    '%s --help (and help <command>) shows its usage and exit codes',
    async (command) => {
      const words = command.split(' ');
      const direct = await runCli([...words, '--help']);
      expect(direct.code).toBe(0);
      expect(direct.stdout.startsWith(`Usage: agent-protocol ${command}`)).toBe(true);
      expect(direct.stdout).toContain('Exit codes:');
      expect((await runCli(['help', ...words])).stdout).toBe(direct.stdout);
    },
  );

  it('a group word lists its subcommands; --version; no command, an unknown one or option: exit 2', async () => {
    expect((await runCli(['secrets', '--help'])).stdout).toContain(
      'Usage: agent-protocol secrets rm',
    );
    expect((await runCli(['--version'])).stdout).toBe('0.1.0\n');
    const none = await runCli([]);
    expect(none.code).toBe(2);
    expect(none.stdout).toContain('Usage: agent-protocol <command>');
    const unknown = await runCli(['deploy']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("Unknown command 'deploy'.");
    const option = await runCli(['tasks', 'list', '--out', 'x', '--url', 'http://127.0.0.1:9']);
    expect(option.code).toBe(2);
    expect(option.stderr).toContain('tasks list does not take --out.');
  });
});

describe('rotate-secrets-key: the server command, run by @agent-protocol/core', () => {
  let scratch: string;
  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'cli-rotate-'));
  });
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('--help is core’s own', async () => {
    const result = await runCli(['rotate-secrets-key', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: agent-protocol rotate-secrets-key --data-dir <dir>');
    expect((await runCli(['help', 'rotate-secrets-key'])).stdout).toBe(result.stdout);
  });

  it('re-seals the secrets of a stopped server’s data dir, with core’s exit code', async () => {
    const server = await startApp('node');
    const stored = await runCli(['secrets', 'set', 'ROTATED_KEY', '--url', server.baseUrl], {
      input: 'rotate-me-Pq71',
    });
    expect(stored.code).toBe(0);
    expect(await server.stop(true)).toBe(0);
    try {
      const rotated = await runCli(['rotate-secrets-key', '--data-dir', server.dataDir]);
      expect(rotated.stdout).toContain(
        'Re-sealed 1 secret(s) and 0 pending sign-in(s) with the new key.',
      );
      expect(rotated.code).toBe(0);
      // Core's usage error, passed on as it is.
      expect((await runCli(['rotate-secrets-key'])).code).toBe(2);
    } finally {
      await rm(server.dataDir, { recursive: true, force: true });
    }
  });

  it('says what to install when @agent-protocol/core is not there', async () => {
    // The command line's entry alone, where no node_modules can be found.
    const dist = fileURLToPath(new URL('../dist/', import.meta.url));
    const alone = join(scratch, 'alone');
    await mkdir(join(alone, 'dist', 'commands'), { recursive: true });
    await writeFile(join(alone, 'package.json'), '{"type":"module"}');
    for (const file of ['main.js', 'commands/rotate-secrets-key.js'])
      await copyFile(join(dist, file), join(alone, 'dist', file));
    const result = await promisify(execFile)(
      process.execPath,
      [join(alone, 'dist', 'main.js'), 'rotate-secrets-key', '--help'],
      { cwd: alone, env: userEnvironment() },
    ).catch((error: { code: number; stderr: string }) => error);
    expect(result).toMatchObject({ code: 1 });
    expect((result as { stderr: string }).stderr).toContain('npm install @agent-protocol/core');
  });
});

describe('core’s agent-protocol bin: whichever of the two bins is linked, every command works', () => {
  it('hands the client commands to @agent-protocol/cli installed in the project, and says how to get them when it is not', async () => {
    const coreBin = fileURLToPath(
      new URL('../node_modules/@agent-protocol/core/bin/agent-protocol.js', import.meta.url),
    );
    // A project with the CLI installed (as pnpm and npm link it into node_modules).
    const project = await mkdtemp(join(tmpdir(), 'cli-core-bin-'));
    try {
      await mkdir(join(project, 'node_modules', '@agent-protocol'), { recursive: true });
      await symlink(
        fileURLToPath(new URL('..', import.meta.url)),
        join(project, 'node_modules', '@agent-protocol', 'cli'),
        'dir',
      );
      const run = (cwd: string, args: string[]) =>
        promisify(execFile)(process.execPath, [coreBin, ...args], {
          cwd,
          env: userEnvironment(),
        }).catch((error: { code: number; stdout: string; stderr: string }) => error);
      const delegated = await run(project, ['tasks', '--help']);
      expect(delegated).toMatchObject({ stdout: expect.stringContaining('tasks list') });
      const alone = await run(tmpdir(), ['tasks', 'list']);
      expect(alone).toMatchObject({ code: 2 });
      expect((alone as { stdout: string }).stdout).toContain('npm install @agent-protocol/cli');
    } finally {
      await rm(project, { recursive: true, force: true });
    }
  });
});
