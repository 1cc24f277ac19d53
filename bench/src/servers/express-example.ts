import { authFromEnvironment, consoleLogger } from '@agent-protocol/core';
import { createReferenceAgent } from '@agent-protocol/conformance';
import { agentRouter } from '@agent-protocol/express';
import express from 'express';
import { createServer } from 'node:http';
import type { ChildConfig } from '../protocol.js';
import { seedThroughService } from './adapter-options.js';
import type { BenchServer } from './types.js';

/**
 * The Express example app (`apps/example-express`) as a user runs it: the options
 * `runExample` builds (`apps/example-shared/src/run.ts`) — the reference agent, the data
 * directory, the console request log and the auth read from the environment — and no `store`,
 * so the protocol opens its default durable store (SqliteStore in `dataDir`, WAL with
 * `synchronous = FULL`). The app is `express().use(agentRouter(options))`, as in its `main.ts`.
 *
 * Left out: the docs site the example mounts at `/docs` after the router. The router answers
 * every `/ap/` request itself (its own JSON 404s included), so protocol requests never reach the
 * docs middleware, and the bench does not have to build the docs site. The environment is read
 * as a user starting the example without `AGENT_AUTH` has it (`authFromEnvironment({})`: no
 * auth), whatever the shell running the bench holds.
 */
export function createExpressExample(config: ChildConfig): BenchServer {
  const router = agentRouter({
    agent: createReferenceAgent(),
    dataDir: config.dataDir,
    logger: consoleLogger,
    auth: authFromEnvironment({}),
  });
  const app = express().use(router);
  return {
    server: createServer(app),
    seed: (count) => seedThroughService(router.protocol, config, count),
    close: () => router.protocol.close(),
  };
}
