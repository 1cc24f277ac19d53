import { agentRouter } from '@agent-protocol/koa';
import Koa from 'koa';
import { createServer } from 'node:http';
import type { ChildConfig } from '../protocol.js';
import { adapterOptions, seedThroughService } from './adapter-options.js';
import type { BenchServer } from './types.js';

/** The Koa adapter as its README mounts it: `app.use(agentRouter(...).routes())`, no body parser. */
export async function createKoaAdapter(config: ChildConfig): Promise<BenchServer> {
  const router = agentRouter(await adapterOptions(config));
  const app = new Koa();
  app.use(router.routes());
  return {
    server: createServer(app.callback()),
    seed: (count) => seedThroughService(router.protocol, config, count),
    close: () => router.protocol.close(),
  };
}
