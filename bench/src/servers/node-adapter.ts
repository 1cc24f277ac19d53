import { createAgentServer } from '@agent-protocol/node';
import type { ChildConfig } from '../protocol.js';
import { adapterOptions, seedThroughService } from './adapter-options.js';
import type { BenchServer } from './types.js';

/** The node:http adapter: `createAgentServer(...)`, nothing between Node and the core. */
export async function createNodeAdapter(config: ChildConfig): Promise<BenchServer> {
  const agent = createAgentServer(await adapterOptions(config));
  return {
    server: agent.server,
    seed: (count) => seedThroughService(agent.protocol, config, count),
    close: () => agent.close(),
  };
}
