import type { AgentProtocolOptions } from '@agent-protocol/core';

/**
 * What `AgentProtocolModule.forRoot()` takes (or `forRootAsync()`'s factory returns): everything
 * `createAgentProtocol` takes — the agent, data directory, store, limits, logger — and where to
 * serve it.
 */
export interface AgentProtocolModuleOptions extends AgentProtocolOptions {
  /**
   * Path the protocol is served under, below the app's global prefix (if any).
   * @default '' (the protocol answers at `/ap/v1/...`)
   * @example 'agent' // serves `/agent/ap/v1/...`; with `app.setGlobalPrefix('api')`, `/api/agent/ap/v1/...`
   */
  path?: string;
}
