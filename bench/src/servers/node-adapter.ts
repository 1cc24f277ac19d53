import { createAgentServer } from '@agent-protocol/node';
import type { ChildConfig } from '../protocol.js';
import { adapterOptions, seedThroughService } from './adapter-options.js';
import type { BenchServer } from './types.js';

/** The node:http adapter: `createAgentServer(...)`, nothing between Node and the core. */
export function createNodeAdapter(config: ChildConfig): BenchServer {
  const agent = createAgentServer(adapterOptions(config));
  return {
    server: agent.server,
    seed: (count) => seedThroughService(agent.protocol, config, count),
    close: () => agent.close(),
  };
}
