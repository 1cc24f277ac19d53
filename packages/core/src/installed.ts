import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Where a package the core does not depend on is installed, if it is: resolved from beside the
 * core (npm's flat node_modules), then from the directory the command runs in (a pnpm project,
 * where the core cannot see its siblings). Undefined when neither has it.
 */
export function resolveInstalled(specifier: string): string | undefined {
  const bases = [import.meta.url, pathToFileURL(join(process.cwd(), 'noop.js')).href];
  for (const base of bases) {
    try {
      return createRequire(base).resolve(specifier);
    } catch {
      // Not installed there: try the next place.
    }
  }
  return undefined;
}
