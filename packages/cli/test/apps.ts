import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { startExampleProcess } from 'example-shared';

export const APPS = ['express', 'koa', 'nestjs', 'node'] as const;
export type App = (typeof APPS)[number];

export interface RunningApp {
  baseUrl: string;
  dataDir: string;
  /** SIGTERM, then the data dir removed (unless `keepData`); resolves the exit code. */
  stop(keepData?: boolean): Promise<number | null>;
}

const require = createRequire(import.meta.url);

/**
 * An example app (the reference agent behind one adapter, with its embedded store) as a child
 * process, as a user starts it: PORT=0 (the port read from its start line), its own data dir.
 */
export async function startApp(app: App, env: Record<string, string> = {}): Promise<RunningApp> {
  const main = join(dirname(require.resolve(`example-${app}/package.json`)), 'dist', 'main.js');
  const dataDir = await mkdtemp(join(tmpdir(), `cli-${app}-`));
  const running = await startExampleProcess(main, { AGENT_DATA_DIR: dataDir, ...env });
  return {
    baseUrl: running.baseUrl,
    dataDir,
    async stop(keepData = false) {
      const code = await running.stop();
      if (!keepData) await rm(dataDir, { recursive: true, force: true });
      return code;
    },
  };
}
