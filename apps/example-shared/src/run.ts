import {
  authFromEnvironment,
  consoleLogger,
  type AgentProtocolOptions,
} from '@agent-protocol/core';
import { createReferenceAgent } from '@agent-protocol/conformance';
import { ConfigError, readConfig, type ExampleConfig } from './config.js';
import { describeStorage, openStore } from './store.js';

/** A started example server: the port it bound and how to stop it. */
export interface StartedExample {
  port: number;
  /** What else the app serves, printed under the start line: path → what it is. */
  alsoServes?: Record<string, string>;
  /** Stops accepting requests, lets those in flight finish, closes the store. */
  close(): Promise<void>;
}

/** Ends the process with one line saying what is wrong: an operator's mistake, not a crash. */
function refuseToStart(message: string): never {
  console.error(message);
  process.exit(1);
}

function readConfigOrExit(): ExampleConfig {
  try {
    return readConfig();
  } catch (error) {
    if (error instanceof ConfigError) refuseToStart(error.message);
    throw error;
  }
}

/**
 * Starts an example app the same way for every framework: the reference agent with the embedded
 * store (or the PostgreSQL store of AGENT_DATABASE_URL), one log line per request, a start line
 * naming the URL, a clean exit on SIGTERM/SIGINT.
 */
export async function runExample(
  framework: string,
  start: (protocolOptions: AgentProtocolOptions, config: ExampleConfig) => Promise<StartedExample>,
): Promise<void> {
  const config = readConfigOrExit();
  // AGENT_AUTH and friends (README, "Authentication"), read before the database is opened so that
  // a mistake there leaves no pool open; AGENT_SECRETS_KEY is read by the core.
  const auth = authFromEnvironment();
  const storage = describeStorage(config);
  const store = await openStore(config.database, consoleLogger).catch((error: unknown) => {
    // The store's errors never carry the password; the cause says what the driver saw.
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : undefined;
    const detail = error instanceof Error ? error.message : String(error);
    refuseToStart(
      `Cannot open the database (${storage}): ${detail}${cause ? ` (${cause.message})` : ''}`,
    );
  });
  const options: AgentProtocolOptions = {
    agent: createReferenceAgent({ oauthProviders: config.oauthProviders }),
    dataDir: config.dataDir,
    ...(store && { store }),
    logger: consoleLogger,
    auth,
    // Delegated login: providers send the browser back to <AGENT_PUBLIC_URL>/ap/v1/agent/oauth/callback.
    ...(config.publicUrl && { oauth: { redirectBaseUrl: config.publicUrl } }),
  };
  let started: StartedExample;
  try {
    started = await start(options, config);
  } catch (error) {
    // Its pool would keep the process alive with nothing served.
    await store?.close();
    throw error;
  }
  console.log(
    `Agent Protocol server (${framework}) on http://${config.host}:${started.port}/ap/v1/agent/tasks (data in ${storage})`,
  );
  for (const [path, what] of Object.entries(started.alsoServes ?? {})) {
    console.log(`  ${what}: http://${config.host}:${started.port}${path}`);
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal} received, shutting down`);
    // Running steps get the core's grace period (10 s), requests in flight a little more; then
    // we go anyway (a step still running completes as interrupted at the next start, or, on a
    // shared database, by another replica once its lease runs out).
    setTimeout(() => process.exit(0), 15_000).unref();
    void started.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('error while shutting down', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}
