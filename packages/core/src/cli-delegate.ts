import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Where `@agent-protocol/cli` is installed, if it is: resolved from this package's own location
 * (npm's flat node_modules) and from the working directory (a pnpm project, where the core cannot
 * see its siblings). Not a dependency of the core: the CLI depends on the core already.
 */
function cliMain(): string | undefined {
  const bases = [import.meta.url, pathToFileURL(join(process.cwd(), 'noop.js')).href];
  for (const base of bases) {
    try {
      const manifest = createRequire(base).resolve('@agent-protocol/cli/package.json');
      const main = join(dirname(manifest), 'dist', 'main.js');
      if (existsSync(main)) return main;
    } catch {
      // Not installed there: try the next place.
    }
  }
  return undefined;
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
