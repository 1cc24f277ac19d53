import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { resolveInstalled } from './installed.js';

/**
 * The CLI's entry, if `@agent-protocol/cli` is installed: not a dependency of the core (the CLI
 * depends on the core already).
 */
function cliMain(): string | undefined {
  const manifest = resolveInstalled('@agent-protocol/cli/package.json');
  const main = manifest && join(dirname(manifest), 'dist', 'main.js');
  return main && existsSync(main) ? main : undefined;
}

/**
 * Both packages declare the bin `agent-protocol`; whichever the package manager linked, every
 * command works: the core runs `rotate-secrets-key` itself and hands every other command to the
 * CLI. Resolves to the CLI's exit code, or undefined when the CLI is not installed.
 */
export function delegateToCli(argv: string[]): Promise<number> | undefined {
  const main = cliMain();
  if (!main) return undefined;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [main, ...argv], { stdio: 'inherit' });
    // Ctrl-C reaches the child through the terminal (`run` cancels the step with it); the
    // parent only waits for its exit.
    const ignore = () => undefined;
    const forward = () => child.kill('SIGTERM');
    process.on('SIGINT', ignore);
    process.on('SIGTERM', forward);
    child.on('exit', (code, signal) => {
      process.off('SIGINT', ignore);
      process.off('SIGTERM', forward);
      resolve(code ?? 128 + (signal === 'SIGINT' ? 2 : signal === 'SIGKILL' ? 9 : 15));
    });
  });
}
