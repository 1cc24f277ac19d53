import type { ServerKind } from '../protocol.js';
import type { ServerFactory } from './types.js';

/**
 * Every server by kind, loaded on demand: a child imports only its own framework, so a Koa child
 * never pays for Nest's module graph (or the other way round).
 */
export const SERVERS: Record<ServerKind, () => Promise<ServerFactory>> = {
  'express-adapter': async () => (await import('./express-adapter.js')).createExpressAdapter,
  'express-bare': async () => (await import('./express-bare.js')).createExpressBare,
  'koa-adapter': async () => (await import('./koa-adapter.js')).createKoaAdapter,
  'koa-bare': async () => (await import('./koa-bare.js')).createKoaBare,
  'nest-adapter': async () => (await import('./nest-adapter.js')).createNestAdapter,
  'nest-bare': async () => (await import('./nest-bare.js')).createNestBare,
  'node-adapter': async () => (await import('./node-adapter.js')).createNodeAdapter,
  'node-raw': async () => (await import('./node-raw.js')).createNodeRaw,
  'express-example': async () => (await import('./express-example.js')).createExpressExample,
  'upstream-sdk': async () => (await import('./upstream-sdk.js')).createUpstreamSdk,
  'node-reference': async () => (await import('./node-streams.js')).createNodeReference,
  'node-flood': async () => (await import('./node-streams.js')).createNodeFlood,
};
