import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { constants } from 'node:os';

/**
 * `rotate-secrets-key` belongs to the server: it re-seals the secrets in a data directory, which
 * only @agent-protocol/core can open. Both packages declare the bin `agent-protocol`, and npm
 * links whichever it installs last; so that every command works either way, this command line
 * hands `rotate-secrets-key` to core's own (and core hands every other command to this one).
 * Only node built-ins here: it must work even where the client library is not installed.
 */

/** core's dist/cli.js: next to this package, else in the project the command runs in. */
export function coreCommandPath(): string | undefined {
  const from = [import.meta.url, pathToFileURL(join(process.cwd(), 'noop.js')).href];
  for (const base of from) {
    try {
      const manifest = createRequire(base).resolve('@agent-protocol/core/package.json');
      const cli = join(dirname(manifest), 'dist', 'cli.js');
      if (existsSync(cli)) return cli;
    } catch {
      // Not installed where this base looks: try the next one.
    }
  }
  return undefined;
}

export const CORE_MISSING = `rotate-secrets-key is the server's command: it re-seals the secrets stored in a server's
data directory or database, which only @agent-protocol/core can open, and core is not installed here.
Run it where the server is installed (npx agent-protocol rotate-secrets-key --help in the
server's project), or install it: npm install @agent-protocol/core`;

/** Runs core's command with the same arguments; resolves its exit code. */
export function rotateSecretsKey(argv: readonly string[]): Promise<number> {
  const cli = coreCommandPath();
  if (cli === undefined) {
    process.stderr.write(`${CORE_MISSING}\n`);
    return Promise.resolve(1);
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...argv], { stdio: 'inherit' });
    // Ctrl-C reaches the child from the terminal itself: it decides, this process waits for it.
    const ignore = () => {};
    const forward = () => child.kill('SIGTERM');
    process.on('SIGINT', ignore);
    process.on('SIGTERM', forward);
    const done = () => {
      process.off('SIGINT', ignore);
      process.off('SIGTERM', forward);
    };
    child.on('error', (error) => {
      done();
      reject(error);
    });
    child.on('exit', (code, signal) => {
      done();
      resolve(code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0));
    });
  });
}
