import { startExampleProcess, type ExampleProcess } from 'example-shared';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The example apps this package's tests run the client against (each a devDependency). */
export const EXAMPLE_APPS = ['example-express', 'example-koa', 'example-nestjs', 'example-node'];

export interface RunningApp {
  baseUrl: string;
  process: ExampleProcess;
  /** Stops the app (SIGTERM) and removes its data directory. */
  stop(): Promise<void>;
}

/**
 * Starts an example app as a user runs it: its built `dist/main.js` as a child process on
 * 127.0.0.1 with a port picked at run time (`PORT=0`), its data in a fresh temporary directory.
 */
export async function startApp(
  name: string,
  env: Record<string, string> = {},
): Promise<RunningApp> {
  const main = fileURLToPath(new URL(`../../node_modules/${name}/dist/main.js`, import.meta.url));
  const dataDir = await mkdtemp(join(tmpdir(), `client-${name}-`));
  const process = await startExampleProcess(main, { AGENT_DATA_DIR: dataDir, ...env });
  return {
    baseUrl: process.baseUrl,
    process,
    async stop() {
      await process.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
