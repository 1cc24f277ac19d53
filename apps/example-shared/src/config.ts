/** The environment every example app reads (documented in the root README). */
export interface ExampleConfig {
  /** `PORT`, default 8000; 0 picks a free port. */
  port: number;
  /** `HOST`, default 127.0.0.1. */
  host: string;
  /** `AGENT_DATA_DIR`, default ./.agent-data. */
  dataDir: string;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): ExampleConfig {
  const port = Number(env.PORT ?? 8000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be an integer between 0 and 65535, got '${env.PORT}'.`);
  }
  return {
    port,
    host: env.HOST ?? '127.0.0.1',
    dataDir: env.AGENT_DATA_DIR ?? './.agent-data',
  };
}
