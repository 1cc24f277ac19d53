import { agentRouter } from '@agent-protocol/express';
import express from 'express';
import { createServer } from 'node:http';
import type { ChildConfig } from '../protocol.js';
import { adapterOptions, seedThroughService } from './adapter-options.js';
import type { BenchServer } from './types.js';

/** The Express adapter as an application would mount it: `app.use(agentRouter(...))`. */
export async function createExpressAdapter(config: ChildConfig): Promise<BenchServer> {
  const router = agentRouter(await adapterOptions(config));
  const app = express();
  app.use(router);
  return {
    server: createServer(app),
    seed: (count) => seedThroughService(router.protocol, config, count),
    close: () => router.protocol.close(),
  };
}
