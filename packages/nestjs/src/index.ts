export { AgentProtocolException } from './agent-protocol.exception.js';
export { AgentProtocolModule } from './agent-protocol.module.js';
export type { AgentProtocolModuleAsyncOptions } from './agent-protocol.module-definition.js';
export type { AgentProtocolModuleOptions } from './agent-protocol.options.js';
export { AgentProtocol } from './agent-protocol.provider.js';
