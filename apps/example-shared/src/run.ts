import {
  authFromEnvironment,
  consoleLogger,
  type AgentProtocolOptions,
} from '@agent-protocol/core';
import { createReferenceAgent } from '@agent-protocol/conformance';
import { readConfig, type ExampleConfig } from './config.js';

/** A started example server: the port it bound and how to stop it. */
export interface StartedExample {
  port: number;
  /** Stops accepting requests, lets those in flight finish, closes the store. */
  close(): Promise<void>;
}

/**
 * Starts an example app the same way for every framework: the reference agent with the embedded
 * store, one log line per request, a start line naming the URL, a clean exit on SIGTERM/SIGINT.
 */
export async function runExample(
  framework: string,
  start: (protocolOptions: AgentProtocolOptions, config: ExampleConfig) => Promise<StartedExample>,
): Promise<void> {
  const config = readConfig();
  const options: AgentProtocolOptions = {
    agent: createReferenceAgent(),
    dataDir: config.dataDir,
    logger: consoleLogger,
    // AGENT_AUTH and friends (README, "Authentication"); AGENT_SECRETS_KEY is read by the core.
    auth: authFromEnvironment(),
  };
  const started = await start(options, config);
  console.log(
    `Agent Protocol server (${framework}) on http://${config.host}:${started.port}/ap/v1/agent/tasks (data in ${config.dataDir})`,
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal} received, shutting down`);
    // Running steps get the core's grace period (10 s), requests in flight a little more; then
    // we go anyway (a step still running completes as interrupted at the next start).
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
