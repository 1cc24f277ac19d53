import { createAgentProtocol, type AgentProtocol as CoreAgentProtocol } from '@agent-protocol/core';
import type { FactoryProvider } from '@nestjs/common';
import { AGENT_PROTOCOL_MODULE_OPTIONS } from './agent-protocol.module-definition.js';
import type { AgentProtocolModuleOptions } from './agent-protocol.options.js';

/**
 * The running protocol (the core's `AgentProtocol`), and its injection token:
 * `constructor(@Inject(AgentProtocol) private readonly protocol: AgentProtocol) {}`.
 * Its `service` runs the protocol's operations without HTTP.
 */
export const AgentProtocol = Symbol('AgentProtocol');
export type AgentProtocol = CoreAgentProtocol;

export const agentProtocolProvider: FactoryProvider<AgentProtocol> = {
  provide: AgentProtocol,
  inject: [AGENT_PROTOCOL_MODULE_OPTIONS],
  useFactory: ({ path: _path, ...options }: AgentProtocolModuleOptions) =>
    createAgentProtocol(options),
};
