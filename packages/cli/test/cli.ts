import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The committed launcher, as npm links it. */
export const BIN = fileURLToPath(new URL('../bin/agent-protocol.js', import.meta.url));

/**
 * The environment of a user's shell: no server configured, and no NODE_PATH (the package
 * manager's bin shims set one to their whole store, where anything can be found).
 */
export function userEnvironment(): NodeJS.ProcessEnv {
  const { NODE_PATH: _storePath, ...env } = process.env;
  return { ...env, AGENT_PROTOCOL_URL: '', AGENT_PROTOCOL_TOKEN: '' };
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the command line as a user does, in a process of its own: stdin a pipe (`input`, then
 * closed), so it is never a terminal here (the terminal test runs it under a pseudo-terminal).
 */
export function runCli(
  args: readonly string[],
  options: { input?: string; env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...userEnvironment(), ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`agent-protocol ${args.join(' ')} did not end:\n${stdout}\n${stderr}`));
    }, options.timeoutMs ?? 90_000);
    child.on('error', reject);
    // 'close', not 'exit': by then stdout and stderr have been read to their end.
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}
